/**
 * The UI's state and its reducer, `(state, action) => state`, tested
 * without Ink. Input handlers only dispatch key presses; the reducer reads
 * the current state, so no handler acts on a stale one.
 */
import { actionForKey, type ActionName, type KeyFlags } from './keymap.js'
import type { Screen } from './screens.js'

export interface Frame {
  screen: Screen
  /** row indices after filter and sort */
  view: number[]
  /** position in `view` */
  selected: number
  /** first visible position in `view` */
  top: number
  /** -1: the screen's own order */
  sortColumn: number
  filter: string
}

export interface Tab {
  name: string
  make: () => Screen
  /** built on first visit */
  stack: Frame[] | null
}

export interface State {
  tabs: Tab[]
  tab: number
  /** typing a filter */
  editing: boolean
  help: boolean
  quit: boolean
  /** rows available for the list */
  listHeight: number
  /** one line of feedback ("no dominator subtree here") */
  message: string
}

export type Action = { type: 'key'; input: string; key: KeyFlags } | { type: 'resize'; listHeight: number }

/**
 * The rows to show, in order: those whose text contains the filter
 * (case-insensitive), sorted by a column, largest first (ties: the screen's
 * order). A tree keeps its order.
 */
function makeView(screen: Screen, filter: string, sortColumn: number): number[] {
  const needle = filter.toLowerCase()
  let view: number[]
  if (needle === '') {
    view = new Array<number>(screen.size)
    for (let i = 0; i < screen.size; i++) view[i] = i
  } else {
    view = []
    for (let i = 0; i < screen.size; i++) if (screen.text(i).toLowerCase().includes(needle)) view.push(i)
  }
  if (sortColumn >= 0 && screen.toggle === undefined) {
    const key = new Float64Array(screen.size)
    for (const i of view) key[i] = screen.sortValue(i, sortColumn) || 0
    view.sort((a, b) => key[b] - key[a] || a - b)
  }
  return view
}

export function frameOf(screen: Screen): Frame {
  return { screen, view: makeView(screen, '', -1), selected: 0, top: 0, sortColumn: -1, filter: '' }
}

export function initialState(tabs: { name: string; make: () => Screen }[], listHeight: number): State {
  const state: State = { tabs: tabs.map((t) => ({ ...t, stack: null })), tab: 0, editing: false, help: false, quit: false, listHeight, message: '' }
  return ensureTab(state)
}

function ensureTab(state: State): State {
  const tab = state.tabs[state.tab]
  if (tab.stack !== null) return state
  const tabs = state.tabs.slice()
  tabs[state.tab] = { ...tab, stack: [frameOf(tab.make())] }
  return { ...state, tabs }
}

/** The frame on top of the current tab's stack. */
export function currentFrame(state: State): Frame {
  const stack = state.tabs[state.tab].stack as Frame[]
  return stack[stack.length - 1]
}

function withFrame(state: State, frame: Frame): State {
  const tabs = state.tabs.slice()
  const stack = (tabs[state.tab].stack as Frame[]).slice()
  stack[stack.length - 1] = frame
  tabs[state.tab] = { ...tabs[state.tab], stack }
  return { ...state, tabs, message: '' }
}

function push(state: State, screen: Screen): State {
  const tabs = state.tabs.slice()
  tabs[state.tab] = { ...tabs[state.tab], stack: [...(tabs[state.tab].stack as Frame[]), frameOf(screen)] }
  return { ...state, tabs, message: '' }
}

/** Moves the selection, keeping it visible. */
function select(state: State, frame: Frame, selected: number): State {
  const last = frame.view.length - 1
  const s = Math.max(0, Math.min(last, selected))
  const height = Math.max(1, state.listHeight)
  let top = frame.top
  if (s < top) top = s
  if (s >= top + height) top = s - height + 1
  return withFrame(state, { ...frame, selected: Math.max(0, s), top: Math.max(0, top) })
}

function act(state: State, action: ActionName): State {
  const frame = currentFrame(state)
  const page = Math.max(1, state.listHeight - 1)
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
    case 'open': {
      if (frame.view.length === 0) return state
      const next = frame.screen.open(frame.view[frame.selected])
      return next === null ? { ...state, message: 'nothing to open here' } : push(state, next)
    }
    case 'back': {
      const row = frame.view[frame.selected]
      if (row !== undefined && frame.screen.expanded?.(row) === true) return act(state, 'toggle')
      const stack = state.tabs[state.tab].stack as Frame[]
      if (stack.length <= 1) return state
      const tabs = state.tabs.slice()
      tabs[state.tab] = { ...tabs[state.tab], stack: stack.slice(0, -1) }
      return { ...state, tabs, message: '' }
    }
    case 'nextTab':
      return ensureTab({ ...state, tab: (state.tab + 1) % state.tabs.length, message: '' })
    case 'filter':
      return { ...withFrame(state, { ...frame, filter: '', view: makeView(frame.screen, '', frame.sortColumn), selected: 0, top: 0 }), editing: true }
    case 'toggle': {
      const row = frame.view[frame.selected]
      const next = row === undefined || frame.screen.toggle === undefined ? null : frame.screen.toggle(row)
      if (next === null)
        return {
          ...state,
          message:
            frame.screen.toggle === undefined ? 'e expands a row of a dominator tree (d on an object, or the Dominators view)' : 'nothing below this one',
        }
      // Rows below the toggled one move; the toggled row keeps its index, so it stays selected.
      const view = makeView(next, frame.filter, frame.sortColumn)
      const at = view.indexOf(row)
      return select(state, { ...frame, screen: next, view }, at < 0 ? frame.selected : at)
    }
    case 'sort': {
      if (frame.screen.toggle !== undefined) return { ...state, message: 'a tree keeps its order: largest retained first' }
      const sortable = frame.screen.columns.map((_, i) => i).filter((i) => frame.screen.size > 0 && !Number.isNaN(frame.screen.sortValue(0, i)))
      if (sortable.length === 0) return state
      const next = sortable[(sortable.indexOf(frame.sortColumn) + 1) % sortable.length]
      return withFrame(state, { ...frame, sortColumn: next, view: makeView(frame.screen, frame.filter, next), selected: 0, top: 0 })
    }
    case 'dominated': {
      const next = frame.screen.dominated?.() ?? null
      return next === null ? { ...state, message: 'open an object first (Enter), then d shows what it dominates' } : push(state, next)
    }
    case 'regroup': {
      const next = frame.screen.regroup?.() ?? null
      if (next === null) return { ...state, message: 'b regroups a diff' }
      return withFrame(state, frameOf(next))
    }
    case 'help':
      return { ...state, help: !state.help }
    case 'quit':
      return { ...state, quit: true }
  }
}

/** One character of a chunk of keys as Ink would have reported it alone. */
function keyOfChar(ch: string): { input: string; key: KeyFlags } {
  if (ch === '\t') return { input: '', key: { tab: true } }
  if (ch === '\r' || ch === '\n') return { input: '', key: { return: true } }
  if (ch === '\u007f' || ch === '\b') return { input: '', key: { backspace: true } }
  return { input: ch, key: {} }
}

export function reduce(state: State, action: Action): State {
  if (action.type === 'resize') {
    const next = { ...state, listHeight: action.listHeight }
    return select(next, currentFrame(next), currentFrame(next).selected)
  }
  const { input, key } = action
  if (state.editing) {
    const frame = currentFrame(state)
    if (key.return || key.escape || key.tab) return { ...state, editing: false }
    let filter = frame.filter
    if (key.backspace || key.delete) filter = filter.slice(0, -1)
    else if (input !== '' && !key.ctrl) filter += input
    else return state
    // Typing narrows the rows already shown (same order); deleting starts over.
    const needle = filter.toLowerCase()
    const view = filter.startsWith(frame.filter)
      ? frame.view.filter((i) => frame.screen.text(i).toLowerCase().includes(needle))
      : makeView(frame.screen, filter, frame.sortColumn)
    return withFrame(state, { ...frame, filter, view, selected: 0, top: 0 })
  }
  // Keys typed fast (or over a slow ssh link) arrive as one chunk, "jje": each is a key press.
  if (input.length > 1 && !key.ctrl) return [...input].reduce((s, ch) => reduce(s, { type: 'key', ...keyOfChar(ch) }), state)
  if (state.help) return actionForKey(input, key) === 'quit' ? { ...state, quit: true } : { ...state, help: false }
  const name = actionForKey(input, key)
  return name === null ? state : act(state, name)
}
