/**
 * The UI's state and its reducers, `(state, action) => state`, tested
 * without Ink. Input handlers only dispatch key presses; the reducer reads
 * the current state, so no handler acts on a stale one.
 *
 * Two levels: `State` is the browser (tabs, each a stack of frames);
 * `Session` is the UI's whole life, the loading screen first, then the
 * browser. Keys go to the session from the first frame to the last, so a key
 * pressed while the loading screen gives way to the browser is never lost:
 * keys typed while loading are kept and played into the browser once it
 * exists (as a shell takes type-ahead).
 */
import { headerLineCount, helpHeight, listHeight, listTop, tabBar } from './layout.js'
import { actionFor, parseMouse, type ActionName, type KeyFlags, type Mode } from './keymap.js'
import { helpLines } from './help.js'
import type { BackgroundJob, Screen, Sort } from './screen.js'

export interface Frame {
  screen: Screen
  /** row indices after filter and sort */
  view: number[]
  /** position in `view` */
  selected: number
  /** first visible position in `view` */
  top: number
  /** null: the screen's own order (a tree's) */
  sort: Sort | null
  filter: string
}

export interface Tab {
  name: string
  make: () => Screen
  /**
   * what the status line says while `make` runs, for a view slow to build
   * (a search of the whole heap): its first visit shows an empty screen
   * saying so, and builds it as a background job
   */
  busy?: string
  /** built on first visit */
  stack: Frame[] | null
  /** its build failed: the stack shows what went wrong, and the next visit builds it again */
  failed?: boolean
}

/** A view as the UI is given it: built on its first visit. */
export type TabSpec = Pick<Tab, 'name' | 'make' | 'busy'>

/** Time given to Ink to draw the waiting screen before a slow view is built (its frames are throttled to one per 32 ms; timers fire in order). */
const DRAW_FIRST_MS = 50

/** An empty screen saying `empty` where its rows would be: a slow view's while it is built, a view's whose build failed. */
function emptyScreen(title: string, header: string[], empty: string): Screen {
  return {
    title,
    header,
    columns: [{ header: '', align: 'left' }],
    size: 0,
    cells: () => [],
    sortValue: () => NaN,
    text: () => '',
    empty,
    open: () => null,
  }
}

/** The screen a slow view shows while it is built. */
function waitingScreen(name: string, busy: string): Screen {
  return emptyScreen(name, [], `${busy}…`)
}

/** What a view whose build failed shows in its place, until the next visit builds it again. */
function failedScreen(name: string, failure: string): Screen {
  return emptyScreen(name, [failure], `(nothing to show: ${name} could not be built; Tab away and back to try again)`)
}

/** What the status line and a failed view say of an error. */
function failureText(what: string, err: unknown): string {
  return `${what} failed: ${err instanceof Error ? err.message : String(err)}`
}

export interface State {
  tabs: Tab[]
  tab: number
  /** typing a filter */
  editing: boolean
  /** the help's first visible line; null: help closed */
  help: number | null
  quit: boolean
  /** the terminal's size */
  columns: number
  rows: number
  /** one line of feedback ("no dominator subtree here") */
  message: string
  /** the last filter typed: n and N find its next match */
  search: string
  /** a screen being built in the background (the Growth view's b), one at a time */
  pending: Pending | null
}

/** A background job (BackgroundJob) under way: the app runs it and reports back with jobNote, jobDone or jobFailed. */
export interface Pending {
  /** the screen the result replaces, in whichever tab's stack holds it */
  screen: Screen
  label: string
  /** what the job said last */
  note: string
  /** one function per job: the app runs each once */
  run: BackgroundJob['run']
  /** `screen` is only a placeholder (a slow view's first visit): a failure replaces it with what went wrong */
  placeholder?: boolean
}

export interface KeyPress {
  input: string
  key: KeyFlags
}

export type Action =
  | ({ type: 'key' } & KeyPress)
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'jobNote'; note: string }
  | { type: 'jobDone'; screen: Screen }
  | { type: 'jobFailed'; message: string }

/** Sorts `view` in place by a column: numbers, or the row's text for a column without numbers (the names); ties keep the screen's order. */
function sortView(screen: Screen, view: number[], sort: Sort): void {
  const sign = sort.descending ? -1 : 1
  if (screen.size > 0 && Number.isNaN(screen.sortValue(0, sort.column))) {
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })
    view.sort((a, b) => sign * collator.compare(screen.text(a), screen.text(b)) || a - b)
    return
  }
  const key = new Float64Array(screen.size)
  for (const i of view) key[i] = screen.sortValue(i, sort.column) || 0
  view.sort((a, b) => sign * (key[a] - key[b]) || a - b)
}

/**
 * The rows to show, in order: those whose text contains the filter
 * (case-insensitive), sorted (ties: the screen's order). A tree keeps its
 * order.
 */
function makeView(screen: Screen, filter: string, sort: Sort | null): number[] {
  const needle = filter.toLowerCase()
  let view: number[]
  if (needle === '') {
    view = new Array<number>(screen.size)
    for (let i = 0; i < screen.size; i++) view[i] = i
  } else {
    view = []
    for (let i = 0; i < screen.size; i++) if (screen.text(i).toLowerCase().includes(needle)) view.push(i)
  }
  if (sort !== null && screen.toggle === undefined) sortView(screen, view, sort)
  return view
}

export function frameOf(screen: Screen): Frame {
  const sort = screen.toggle === undefined ? (screen.sort ?? null) : null
  return { screen, view: makeView(screen, '', sort), selected: 0, top: 0, sort, filter: '' }
}

export const DEFAULT_SIZE = { columns: 100, rows: 30 }

export function initialState(tabs: TabSpec[], size: { columns: number; rows: number } = DEFAULT_SIZE): State {
  const state: State = {
    tabs: tabs.map((t) => ({ ...t, stack: null })),
    tab: 0,
    editing: false,
    help: null,
    quit: false,
    columns: size.columns,
    rows: size.rows,
    message: '',
    search: '',
    pending: null,
  }
  return ensureTab(state)
}

/** Builds the current tab on its first visit, and again after its build failed. */
function ensureTab(state: State): State {
  const tab = state.tabs[state.tab]
  if (tab.stack !== null && tab.failed !== true) return state
  const tabs = state.tabs.slice()
  if (tab.busy !== undefined && state.pending === null) {
    // Drawn first, then built (one job at a time: with another under way, built at once as before).
    const waiting = waitingScreen(tab.name, tab.busy)
    tabs[state.tab] = { ...tab, stack: [frameOf(waiting)], failed: false }
    const run = async (): Promise<Screen> => {
      await new Promise((resolve) => setTimeout(resolve, DRAW_FIRST_MS))
      return tab.make()
    }
    return { ...state, tabs, pending: { screen: waiting, label: tab.busy, note: 'this takes a while on a big heap', run, placeholder: true } }
  }
  try {
    tabs[state.tab] = { ...tab, stack: [frameOf(tab.make())], failed: false }
    return { ...state, tabs }
  } catch (err) {
    // A view that cannot be built says why in its place; the others stay usable.
    const failure = failureText(`building ${tab.name}`, err)
    tabs[state.tab] = { ...tab, stack: [frameOf(failedScreen(tab.name, failure))], failed: true }
    return { ...state, tabs, message: failure }
  }
}

/** The frame on top of the current tab's stack. */
export function currentFrame(state: State): Frame {
  const stack = state.tabs[state.tab].stack as Frame[]
  return stack[stack.length - 1]
}

/** How many list rows the current frame shows. */
export function pageHeight(state: State): number {
  return listHeight(headerLineCount(currentFrame(state).screen.header, state.columns), state.rows)
}

/** Replaces the top frame, keeping its selection visible. */
function withFrame(state: State, frame: Frame): State {
  const tabs = state.tabs.slice()
  const stack = (tabs[state.tab].stack as Frame[]).slice()
  stack[stack.length - 1] = frame
  tabs[state.tab] = { ...tabs[state.tab], stack }
  const next = { ...state, tabs, message: '' }
  return select(next, frame, frame.selected)
}

function push(state: State, screen: Screen): State {
  const tabs = state.tabs.slice()
  tabs[state.tab] = { ...tabs[state.tab], stack: [...(tabs[state.tab].stack as Frame[]), frameOf(screen)] }
  return { ...state, tabs, message: '' }
}

/** Moves the selection to `selected` (clamped), scrolling so it stays visible. */
function select(state: State, frame: Frame, selected: number): State {
  const last = frame.view.length - 1
  const s = Math.max(0, Math.min(last, selected))
  const height = listHeight(headerLineCount(frame.screen.header, state.columns), state.rows)
  let top = Math.min(frame.top, Math.max(0, frame.view.length - height))
  if (s < top) top = s
  if (s >= top + height) top = s - height + 1
  const tabs = state.tabs.slice()
  const stack = (tabs[state.tab].stack as Frame[]).slice()
  stack[stack.length - 1] = { ...frame, selected: Math.max(0, s), top: Math.max(0, top) }
  tabs[state.tab] = { ...tabs[state.tab], stack }
  return { ...state, tabs }
}

/** Rows the sort can use: numbers, or a column of names (sorted by text). */
function sortableColumns(screen: Screen): number[] {
  if (screen.size === 0) return []
  return screen.columns.map((_, i) => i).filter((i) => i === 0 || !Number.isNaN(screen.sortValue(0, i)))
}

/** Re-sorts the frame, keeping the selected row selected. */
function resort(state: State, frame: Frame, sort: Sort): State {
  const row = frame.view[frame.selected]
  const view = makeView(frame.screen, frame.filter, sort)
  const at = row === undefined ? 0 : Math.max(0, view.indexOf(row))
  const column = frame.screen.columns[sort.column].header
  const order = sort.column === 0 ? (sort.descending ? 'Z to A' : 'A to Z') : sort.descending ? 'largest first' : 'smallest first'
  return { ...withFrame(state, { ...frame, sort, view, selected: at, top: 0 }), message: `sorted by ${column}, ${order}` }
}

/** The position in the view of the next (step 1) or previous (step -1) row after the selection whose text contains `needle`, or -1. */
function findMatch(frame: Frame, needle: string, step: 1 | -1): number {
  const n = frame.view.length
  const lower = needle.toLowerCase()
  for (let k = 1; k <= n; k++) {
    const at = (((frame.selected + step * k) % n) + n) % n
    if (frame.screen.text(frame.view[at]).toLowerCase().includes(lower)) return at
  }
  return -1
}

function switchTab(state: State, tab: number): State {
  return ensureTab({ ...state, tab: (tab + state.tabs.length) % state.tabs.length, message: '' })
}

/** A press of the left mouse button at 1-based (x, y): a tab, or a row (the selected row opens). */
function click(state: State, x: number, y: number): State {
  const frame = currentFrame(state)
  if (y === 1) {
    const hit = tabBar(
      state.tabs.map((t) => t.name),
      state.tab,
    ).findIndex((t) => x - 1 >= t.start && x - 1 < t.end)
    return hit < 0 ? state : switchTab(state, hit)
  }
  const headerLines = headerLineCount(frame.screen.header, state.columns)
  const line = y - 1 - listTop(headerLines, state.rows)
  const height = listHeight(headerLines, state.rows)
  if (line < 0 || line >= height || frame.top + line >= frame.view.length) return state
  const at = frame.top + line
  return at === frame.selected ? act(state, 'open', { input: '', key: {} }) : select(state, frame, at)
}

function act(state: State, action: ActionName, press: KeyPress): State {
  const frame = currentFrame(state)
  const page = Math.max(1, pageHeight(state) - 1)
  const row = frame.view[frame.selected]
  switch (action) {
    case 'up':
      return select(state, frame, frame.selected - 1)
    case 'down':
      return select(state, frame, frame.selected + 1)
    case 'pageUp':
      return select(state, frame, frame.selected - page)
    case 'pageDown':
      return select(state, frame, frame.selected + page)
    case 'home':
      return select(state, frame, 0)
    case 'end':
      return select(state, frame, frame.view.length - 1)
    case 'wheelUp':
      return select(state, frame, frame.selected - 3)
    case 'wheelDown':
      return select(state, frame, frame.selected + 3)
    case 'click': {
      const mouse = parseMouse(press.input)
      return mouse === null ? state : click(state, mouse.x, mouse.y)
    }
    case 'open': {
      if (row === undefined) return state
      const next = frame.screen.open(row)
      return next === null ? { ...state, message: 'nothing to open here' } : push(state, next)
    }
    case 'back': {
      if (frame.filter !== '' && press.key.escape === true) return { ...withFrame(state, refilter(frame, '')), message: '' }
      const stack = state.tabs[state.tab].stack as Frame[]
      if (stack.length <= 1) return { ...state, message: frame.filter !== '' ? 'Esc clears the filter' : '' }
      const tabs = state.tabs.slice()
      tabs[state.tab] = { ...tabs[state.tab], stack: stack.slice(0, -1) }
      return { ...state, tabs, message: '' }
    }
    case 'collapse': {
      if (frame.screen.toggle === undefined || row === undefined) return act(state, 'back', press)
      if (frame.screen.expanded?.(row) === true) return act(state, 'toggle', press)
      // A collapsed row: go to its parent row (the nearest row above it that is less indented).
      const depth = indentOf(frame.screen.text(row))
      for (let at = frame.selected - 1; at >= 0; at--) if (indentOf(frame.screen.text(frame.view[at])) < depth) return select(state, frame, at)
      return act(state, 'back', press)
    }
    case 'toggle': {
      const next = row === undefined || frame.screen.toggle === undefined ? null : frame.screen.toggle(row)
      if (next === null)
        return {
          ...state,
          message: frame.screen.toggle === undefined ? "e and → expand rows of a tree (Dominators, or an object's retainers)" : 'nothing below this one',
        }
      // Rows below the toggled one move; the toggled row keeps its index, so it stays selected.
      const view = makeView(next, frame.filter, null)
      const at = view.indexOf(row as number)
      return withFrame(state, { ...frame, screen: next, view, selected: at < 0 ? frame.selected : at })
    }
    case 'retainers': {
      const next = frame.screen.retainers?.() ?? null
      return next === null ? { ...state, message: 'r shows the retainers of an object (Enter on a row opens it)' } : withFrame(state, frameOf(next))
    }
    case 'dominated': {
      const next = frame.screen.dominated?.() ?? null
      return next === null ? { ...state, message: 'open an object first (Enter), then d shows what it dominates' } : push(state, next)
    }
    case 'nextTab':
      return switchTab(state, state.tab + 1)
    case 'prevTab':
      return switchTab(state, state.tab - 1)
    case 'regroup': {
      if (frame.screen.regroupAsync !== undefined) {
        if (state.pending !== null) return { ...state, message: `still ${state.pending.label}: ${state.pending.note}` }
        const job = frame.screen.regroupAsync()
        return { ...state, pending: { screen: frame.screen, label: job.label, note: 'starting', run: job.run } }
      }
      const next = frame.screen.regroup?.() ?? null
      return next === null ? { ...state, message: 'b regroups a diff' } : withFrame(state, frameOf(next))
    }
    case 'filter':
      // A new filter each time, as less starts a new search.
      return { ...withFrame(state, refilter(frame, '')), editing: true }
    case 'nextMatch':
    case 'prevMatch': {
      if (state.search === '') return { ...state, message: 'no filter yet: / types one' }
      const at = findMatch(frame, state.search, action === 'nextMatch' ? 1 : -1)
      return at < 0 ? { ...state, message: `no row matches "${state.search}"` } : { ...select(state, frame, at), message: '' }
    }
    case 'sortDirection':
    case 'sortNext':
    case 'sortPrevious': {
      if (frame.screen.toggle !== undefined) return { ...state, message: 'a tree keeps its order: largest retained first' }
      const columns = sortableColumns(frame.screen)
      if (columns.length === 0) return state
      if (action === 'sortDirection') {
        const sort = frame.sort ?? { column: columns[columns.length - 1], descending: false }
        return resort(state, frame, { column: sort.column, descending: !sort.descending })
      }
      const at = frame.sort === null ? -1 : columns.indexOf(frame.sort.column)
      const column = columns[(at + (action === 'sortNext' ? 1 : columns.length - 1) + columns.length) % columns.length]
      // Names sort A to Z, numbers largest first.
      return resort(state, frame, { column, descending: column !== 0 })
    }
    case 'help':
      return { ...state, help: 0, message: '' }
    case 'quit':
      return { ...state, quit: true }
    default:
      return state
  }
}

/** Leading spaces of a tree row's text: its depth. */
function indentOf(text: string): number {
  return text.length - text.trimStart().length
}

/** The frame filtered by `filter`, the selected row kept when it still shows. */
function refilter(frame: Frame, filter: string): Frame {
  const row = frame.view[frame.selected]
  const needle = filter.toLowerCase()
  // Typing narrows the rows already shown (same order); deleting starts over.
  const view =
    filter.startsWith(frame.filter) && frame.filter !== ''
      ? frame.view.filter((i) => frame.screen.text(i).toLowerCase().includes(needle))
      : makeView(frame.screen, filter, frame.sort)
  const at = row === undefined ? -1 : view.indexOf(row)
  return { ...frame, filter, view, selected: Math.max(0, at), top: at < 0 ? 0 : frame.top }
}

/** A key while typing a filter. */
function editFilter(state: State, press: KeyPress): State {
  const frame = currentFrame(state)
  const action = actionFor('filter', press.input, press.key)
  if (action === 'accept') return { ...state, editing: false, search: frame.filter === '' ? state.search : frame.filter }
  if (action === 'cancel') return { ...withFrame(state, refilter(frame, '')), editing: false }
  if (action === 'quit') return { ...state, quit: true }
  let filter = frame.filter
  if (action === 'erase') filter = filter.slice(0, -1)
  else if (action === 'eraseAll') filter = ''
  else if (press.input !== '' && press.key.ctrl !== true && press.key.meta !== true && parseMouse(press.input) === null) filter += press.input
  else return state
  return withFrame(state, refilter(frame, filter))
}

/** A key while the help shows. */
function browseHelp(state: State, press: KeyPress): State {
  const action = actionFor('help', press.input, press.key)
  const height = helpHeight(state.rows)
  const last = Math.max(0, helpLines().length - height)
  const at = state.help ?? 0
  const scroll = (to: number): State => ({ ...state, help: Math.max(0, Math.min(last, to)) })
  switch (action) {
    case 'up':
      return scroll(at - 1)
    case 'down':
      return scroll(at + 1)
    case 'pageUp':
      return scroll(at - height + 1)
    case 'pageDown':
      return scroll(at + height - 1)
    case 'quit':
      return { ...state, quit: true }
    case 'closeHelp':
      return { ...state, help: null }
    default:
      return state
  }
}

/** One character of a chunk of keys as Ink would have reported it alone. */
function keyOfChar(ch: string): KeyPress {
  if (ch === '\t') return { input: '', key: { tab: true } }
  if (ch === '\r') return { input: '', key: { return: true } }
  if (ch === '\u007f' || ch === '\b') return { input: '', key: { backspace: true } }
  return { input: ch, key: {} }
}

/** The mode keys are read in. */
export function modeOf(state: State): Mode {
  return state.help !== null ? 'help' : state.editing ? 'filter' : 'browse'
}

/** The background job's result in place of the screen that asked for it (a frame deeper in a stack stays there: back reaches it). */
function finishJob(state: State, screen: Screen): State {
  const pending = state.pending
  if (pending === null) return state
  const tabs = state.tabs.map((tab) => {
    const at = tab.stack?.findIndex((f) => f.screen === pending.screen) ?? -1
    if (tab.stack === null || at < 0) return tab
    const stack = tab.stack.slice()
    stack[at] = frameOf(screen)
    return { ...tab, stack }
  })
  return { ...state, tabs, pending: null }
}

/**
 * The background job failed: the status line says so. The screen that asked
 * stays as it was (b's grouping, still usable: b tries again); a slow view's
 * placeholder gives way to a screen saying what went wrong, and the view is
 * built again on its next visit.
 */
function failJob(state: State, err: unknown): State {
  const pending = state.pending
  if (pending === null) return state
  const failure = failureText(pending.label, err)
  if (pending.placeholder !== true) return { ...state, pending: null, message: failure }
  const tabs = state.tabs.map((tab) =>
    tab.stack?.[0]?.screen === pending.screen ? { ...tab, stack: [frameOf(failedScreen(tab.name, failure))], failed: true } : tab,
  )
  return { ...state, tabs, pending: null, message: failure }
}

export function reduce(state: State, action: Action): State {
  if (action.type === 'jobNote') return state.pending === null ? state : { ...state, pending: { ...state.pending, note: action.note } }
  if (action.type === 'jobDone') return finishJob(state, action.screen)
  if (action.type === 'jobFailed') return failJob(state, new Error(action.message))
  if (action.type === 'resize') {
    const next = { ...state, columns: action.columns, rows: action.rows }
    const last = Math.max(0, helpLines().length - helpHeight(action.rows))
    const resized = select(next, currentFrame(next), currentFrame(next).selected)
    return next.help === null ? resized : { ...resized, help: Math.min(next.help, last) }
  }
  const press: KeyPress = { input: action.input, key: action.key }
  if (state.editing) return editFilter(state, press)
  // Keys typed fast (or over a slow ssh link) arrive as one chunk, "jje": each is a key press.
  // An escape sequence Ink does not know arrives as "[…" (its escape dropped): not keys.
  if (press.input.length > 1 && press.key.ctrl !== true && parseMouse(press.input) === null) {
    if (press.input.startsWith('[')) return state
    return [...press.input].reduce((s, ch) => reduce(s, { type: 'key', ...keyOfChar(ch) }), state)
  }
  if (state.help !== null) return browseHelp(state, press)
  const name = actionFor('browse', press.input, press.key)
  // A message lasts until the next key.
  const fresh = state.message === '' ? state : { ...state, message: '' }
  return name === null ? fresh : act(fresh, name, press)
}

/** One file's line on the loading screen. */
export interface LoadStatus {
  label: string
  /** 'waiting', 'reading', 'dominators', …, 'done' */
  phase: string
  bytesRead: number
  totalBytes: number | null
  /** when the phase began, ms (Date.now) */
  since: number
}

/** The loading screen's lines before anything has started. */
export function waitingStatus(files: string[]): LoadStatus[] {
  return files.map((label) => ({ label, phase: 'waiting', bytesRead: 0, totalBytes: null, since: Date.now() }))
}

/** The UI's whole life: loading (with the keys typed meanwhile), then the browser. */
export interface Session {
  /** the loading screen's lines; null once loaded */
  loading: LoadStatus[] | null
  /** keys typed while loading, played into the browser when it opens */
  typeAhead: KeyPress[]
  /** the user cancelled the load (q or Ctrl-C while loading) */
  cancelled: boolean
  browser: State | null
  columns: number
  rows: number
  /** how many times Ctrl-Z asked to suspend (the UI suspends on each change) */
  suspends: number
}

export type SessionAction =
  | Action
  | { type: 'progress'; files: LoadStatus[] }
  | { type: 'loaded'; state: State }
  /** continued after a suspend: the browser shows `message` (its frame must change to be drawn again on the cleared screen) */
  | { type: 'resumed'; message: string }

/** Type-ahead beyond this many keys is dropped: a user leaning on a key while a big snapshot loads. */
const MAX_TYPE_AHEAD = 64

export function startSession(files: LoadStatus[], size: { columns: number; rows: number }): Session {
  return { loading: files, typeAhead: [], cancelled: false, browser: null, columns: size.columns, rows: size.rows, suspends: 0 }
}

export function reduceSession(session: Session, action: SessionAction): Session {
  switch (action.type) {
    case 'progress':
      return session.loading === null ? session : { ...session, loading: action.files }
    case 'loaded': {
      const sized = reduce(action.state, { type: 'resize', columns: session.columns, rows: session.rows })
      const browser = session.typeAhead.reduce((s, press) => reduce(s, { type: 'key', ...press }), sized)
      return { ...session, loading: null, typeAhead: [], browser }
    }
    case 'resize': {
      const browser = session.browser === null ? null : reduce(session.browser, action)
      return { ...session, columns: action.columns, rows: action.rows, browser }
    }
    case 'jobNote':
    case 'jobDone':
    case 'jobFailed':
      return session.browser === null ? session : { ...session, browser: reduce(session.browser, action) }
    case 'resumed':
      return session.browser === null ? session : { ...session, browser: { ...session.browser, message: action.message } }
    case 'key': {
      const mode = session.browser === null ? 'loading' : modeOf(session.browser)
      if (actionFor(mode, action.input, action.key) === 'suspend') return { ...session, suspends: session.suspends + 1 }
      if (session.browser !== null) return { ...session, browser: reduce(session.browser, action) }
      if (session.cancelled) return session
      if (actionFor('loading', action.input, action.key) === 'quit') return { ...session, cancelled: true }
      if (parseMouse(action.input) !== null || session.typeAhead.length >= MAX_TYPE_AHEAD) return session
      return { ...session, typeAhead: [...session.typeAhead, { input: action.input, key: action.key }] }
    }
  }
}
