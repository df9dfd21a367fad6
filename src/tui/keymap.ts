/**
 * Keys as data: one table feeds the input mapping, the status line and the
 * `?` help, so they cannot disagree.
 */
export type ActionName =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'open'
  | 'back'
  | 'nextTab'
  | 'filter'
  | 'sort'
  | 'dominated'
  | 'toggle'
  | 'regroup'
  | 'help'
  | 'quit'

export interface KeyBinding {
  action: ActionName
  /** how the key is written in help: 'j/↓' */
  keys: string
  description: string
  /** shown in the status line */
  status?: boolean
}

export const KEYMAP: readonly KeyBinding[] = [
  { action: 'up', keys: 'k/↑', description: 'previous row' },
  { action: 'down', keys: 'j/↓', description: 'next row' },
  { action: 'pageUp', keys: 'PgUp', description: 'page up' },
  { action: 'pageDown', keys: 'PgDn', description: 'page down' },
  { action: 'home', keys: 'g', description: 'first row' },
  { action: 'end', keys: 'G', description: 'last row' },
  { action: 'open', keys: 'Enter', description: 'open the row (class → instances → object)', status: true },
  { action: 'back', keys: '⌫/←', description: 'back', status: true },
  { action: 'nextTab', keys: 'Tab', description: 'next view (Diff, Summary, Dominators, Cycles, Detached)', status: true },
  { action: 'filter', keys: '/', description: 'filter rows by name', status: true },
  { action: 'sort', keys: 's', description: 'sort by the next column', status: true },
  { action: 'dominated', keys: 'd', description: "an object's dominator tree", status: true },
  { action: 'toggle', keys: 'e/→', description: 'expand or collapse a row of a dominator tree (← collapses too)', status: true },
  { action: 'regroup', keys: 'b', description: 'diff: group by site, stack, class or script', status: true },
  { action: 'help', keys: '?', description: 'this help', status: true },
  { action: 'quit', keys: 'q', description: 'quit', status: true },
]

/** The subset of Ink's key flags we read. */
export interface KeyFlags {
  upArrow?: boolean
  downArrow?: boolean
  leftArrow?: boolean
  rightArrow?: boolean
  pageUp?: boolean
  pageDown?: boolean
  return?: boolean
  backspace?: boolean
  delete?: boolean
  tab?: boolean
  escape?: boolean
  ctrl?: boolean
}

/** The action for a key press outside filter editing, or null. */
export function actionForKey(input: string, key: KeyFlags): ActionName | null {
  if (key.upArrow || input === 'k') return 'up'
  if (key.downArrow || input === 'j') return 'down'
  if (key.pageUp) return 'pageUp'
  if (key.pageDown || input === ' ') return 'pageDown'
  if (input === 'g') return 'home'
  if (input === 'G') return 'end'
  if (key.return) return 'open'
  if (key.backspace || key.delete || key.leftArrow || key.escape) return 'back'
  if (key.tab) return 'nextTab'
  if (input === '/') return 'filter'
  if (input === 's') return 'sort'
  if (input === 'd') return 'dominated'
  if (input === 'e' || key.rightArrow) return 'toggle'
  if (input === 'b') return 'regroup'
  if (input === '?') return 'help'
  if (input === 'q' || (key.ctrl && input === 'c')) return 'quit'
  return null
}

/** The status line: the keys marked for it. */
export function statusLine(): string {
  return KEYMAP.filter((k) => k.status === true)
    .map((k) => `${k.keys} ${k.description.split(' (')[0]}`)
    .join(' · ')
}
