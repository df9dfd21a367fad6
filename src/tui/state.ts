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

function makeView(screen: Screen, filter: string, sortColumn: number): number[] {
  const needle = filter.toLowerCase()
  const view: number[] = []
  screen.rows.forEach((row, i) => {
    if (needle === '' || row.text.toLowerCase().includes(needle)) view.push(i)
  })
  if (sortColumn >= 0) view.sort((a, b) => (screen.rows[b].sort[sortColumn] || 0) - (screen.rows[a].sort[sortColumn] || 0) || a - b)
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
    case 'sort': {
      const sortable = frame.screen.columns.map((_, i) => i).filter((i) => frame.screen.rows.length > 0 && !Number.isNaN(frame.screen.rows[0].sort[i]))
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
    return withFrame(state, { ...frame, filter, view: makeView(frame.screen, filter, frame.sortColumn), selected: 0, top: 0 })
  }
  if (state.help) return actionForKey(input, key) === 'quit' ? { ...state, quit: true } : { ...state, help: false }
  const name = actionForKey(input, key)
  return name === null ? state : act(state, name)
}
