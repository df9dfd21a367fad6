/**
 * Keys as data: one table says which key presses do what, in which mode.
 * The reducer looks actions up in it (`actionFor`), the status line shows
 * its short labels, and `?` lists it whole, so the three cannot disagree.
 *
 * A key is written in a small notation: a character (`j`, `/`, `?`), a
 * named key (`up`, `pageup`, `home`, `return`, `escape`, `backspace`,
 * `tab`, `space`), a modifier (`shift+tab`, `ctrl+c`), or a mouse event
 * (`wheelup`, `wheeldown`, `click`). `keyMatches` reads Ink's key flags
 * against it; `keyName` writes it for people.
 */

export type ActionName =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'wheelUp'
  | 'wheelDown'
  | 'click'
  | 'open'
  | 'back'
  | 'toggle'
  | 'collapse'
  | 'retainers'
  | 'dominated'
  | 'nextTab'
  | 'prevTab'
  | 'regroup'
  | 'filter'
  | 'nextMatch'
  | 'prevMatch'
  | 'sortDirection'
  | 'sortNext'
  | 'sortPrevious'
  | 'help'
  | 'quit'
  | 'suspend'
  | 'accept'
  | 'cancel'
  | 'erase'
  | 'eraseAll'
  | 'closeHelp'

/** Where a key applies: the lists, typing a filter, the help, the loading screen. */
export type Mode = 'browse' | 'filter' | 'help' | 'loading'

/** What a screen must offer for a key to do something there (the status line shows only those keys). */
export type Capability = 'tree' | 'dominated' | 'regroup' | 'retainers' | 'sort'

export interface KeyBinding {
  mode: Mode
  action: ActionName
  /** the key presses, in the notation above; the first is the one shown in the status line */
  keys: string[]
  description: string
  /** a short label: the binding appears in the status line */
  status?: string
  /** the status line shows it only on screens that offer this */
  needs?: Capability
  /** the heading it is listed under in help */
  section: string
}

export const KEYMAP: readonly KeyBinding[] = [
  { mode: 'browse', section: 'Move', action: 'up', keys: ['up', 'k'], description: 'previous row' },
  { mode: 'browse', section: 'Move', action: 'down', keys: ['down', 'j'], description: 'next row' },
  { mode: 'browse', section: 'Move', action: 'pageUp', keys: ['pageup', 'ctrl+b'], description: 'page up' },
  { mode: 'browse', section: 'Move', action: 'pageDown', keys: ['pagedown', 'space', 'ctrl+f'], description: 'page down' },
  { mode: 'browse', section: 'Move', action: 'home', keys: ['home', 'g'], description: 'first row' },
  { mode: 'browse', section: 'Move', action: 'end', keys: ['end', 'G'], description: 'last row' },
  { mode: 'browse', section: 'Move', action: 'wheelUp', keys: ['wheelup'], description: 'three rows up' },
  { mode: 'browse', section: 'Move', action: 'wheelDown', keys: ['wheeldown'], description: 'three rows down' },
  { mode: 'browse', section: 'Move', action: 'click', keys: ['click'], description: 'select a row (again: open it) or a view' },
  { mode: 'browse', section: 'Open', action: 'open', keys: ['return', 'enter'], description: 'open the row: class → objects → one object', status: 'open' },
  { mode: 'browse', section: 'Open', action: 'back', keys: ['backspace', 'delete', 'escape'], description: 'back (Esc first clears a filter)', status: 'back' },
  { mode: 'browse', section: 'Open', action: 'toggle', keys: ['right', 'e'], description: 'expand or collapse a tree row', status: 'expand', needs: 'tree' },
  { mode: 'browse', section: 'Open', action: 'collapse', keys: ['left'], description: 'collapse the tree row (or go to its parent row)' },
  {
    mode: 'browse',
    section: 'Open',
    action: 'retainers',
    keys: ['r'],
    description: 'retainers ⇄ references; objects ⇄ their retainer clusters',
    status: 'retainers',
    needs: 'retainers',
  },
  {
    mode: 'browse',
    section: 'Open',
    action: 'dominated',
    keys: ['d'],
    description: "an object's dominator tree: what releasing it frees",
    status: 'dominated',
    needs: 'dominated',
  },
  { mode: 'browse', section: 'Views', action: 'nextTab', keys: ['tab'], description: 'next view', status: 'view' },
  { mode: 'browse', section: 'Views', action: 'prevTab', keys: ['shift+tab'], description: 'previous view' },
  {
    mode: 'browse',
    section: 'Views',
    action: 'regroup',
    keys: ['b'],
    description: 'diff, growth: group by site, stack, class, script or constructor',
    status: 'group by',
    needs: 'regroup',
  },
  { mode: 'browse', section: 'Find and sort', action: 'filter', keys: ['/'], description: 'filter the rows by text', status: 'filter' },
  { mode: 'browse', section: 'Find and sort', action: 'nextMatch', keys: ['n'], description: 'next row that matches the last filter' },
  { mode: 'browse', section: 'Find and sort', action: 'prevMatch', keys: ['N'], description: 'previous row that matches the last filter' },
  {
    mode: 'browse',
    section: 'Find and sort',
    action: 'sortDirection',
    keys: ['s'],
    description: 'sort: largest or smallest first',
    status: 'sort',
    needs: 'sort',
  },
  { mode: 'browse', section: 'Find and sort', action: 'sortNext', keys: ['>', '.'], description: 'sort by the next column', needs: 'sort' },
  { mode: 'browse', section: 'Find and sort', action: 'sortPrevious', keys: ['<', ','], description: 'sort by the previous column', needs: 'sort' },
  { mode: 'browse', section: 'Other', action: 'help', keys: ['?'], description: 'this help', status: 'help' },
  { mode: 'browse', section: 'Other', action: 'quit', keys: ['q', 'ctrl+c'], description: 'quit', status: 'quit' },
  { mode: 'browse', section: 'Other', action: 'suspend', keys: ['ctrl+z'], description: 'suspend: back to the shell (fg brings it back)' },
  { mode: 'filter', section: 'Typing a filter', action: 'accept', keys: ['return', 'enter', 'tab'], description: 'keep the filter', status: 'keep' },
  { mode: 'filter', section: 'Typing a filter', action: 'cancel', keys: ['escape'], description: 'cancel the filter: all rows again', status: 'cancel' },
  { mode: 'filter', section: 'Typing a filter', action: 'erase', keys: ['backspace', 'delete'], description: 'erase a character' },
  { mode: 'filter', section: 'Typing a filter', action: 'eraseAll', keys: ['ctrl+u'], description: 'erase the whole filter' },
  { mode: 'filter', section: 'Typing a filter', action: 'quit', keys: ['ctrl+c'], description: 'quit' },
  { mode: 'help', section: 'In this help', action: 'up', keys: ['up', 'k', 'wheelup'], description: 'scroll up' },
  { mode: 'help', section: 'In this help', action: 'down', keys: ['down', 'j', 'wheeldown'], description: 'scroll down' },
  { mode: 'help', section: 'In this help', action: 'pageUp', keys: ['pageup'], description: 'page up' },
  { mode: 'help', section: 'In this help', action: 'pageDown', keys: ['pagedown', 'space'], description: 'page down' },
  { mode: 'help', section: 'In this help', action: 'closeHelp', keys: ['?', 'escape', 'q', 'return'], description: 'close the help', status: 'close' },
  { mode: 'help', section: 'In this help', action: 'quit', keys: ['ctrl+c'], description: 'quit' },
  { mode: 'loading', section: 'While loading', action: 'quit', keys: ['q', 'ctrl+c'], description: 'cancel and quit', status: 'cancel' },
  { mode: 'loading', section: 'While loading', action: 'suspend', keys: ['ctrl+z'], description: 'suspend (the load goes on)' },
]

/** The subset of Ink's key flags we read. */
export interface KeyFlags {
  upArrow?: boolean
  downArrow?: boolean
  leftArrow?: boolean
  rightArrow?: boolean
  pageUp?: boolean
  pageDown?: boolean
  home?: boolean
  end?: boolean
  return?: boolean
  backspace?: boolean
  delete?: boolean
  tab?: boolean
  escape?: boolean
  ctrl?: boolean
  shift?: boolean
  meta?: boolean
}

/** A mouse event in xterm's SGR encoding, as Ink passes it on (`[<64;10;5M`, the escape dropped). */
export interface MouseEvent {
  /** 0 left, 1 middle, 2 right, 64 wheel up, 65 wheel down (plus modifier bits 4, 8, 16) */
  button: number
  /** 1-based column and line */
  x: number
  y: number
  press: boolean
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape that starts the sequence, when Ink leaves it on
const SGR_MOUSE = /^\u001b?\[<(\d+);(\d+);(\d+)([Mm])$/

export function parseMouse(input: string): MouseEvent | null {
  const m = SGR_MOUSE.exec(input)
  if (m === null) return null
  return { button: Number(m[1]), x: Number(m[2]), y: Number(m[3]), press: m[4] === 'M' }
}

const FLAG_OF: Record<string, keyof KeyFlags> = {
  up: 'upArrow',
  down: 'downArrow',
  left: 'leftArrow',
  right: 'rightArrow',
  pageup: 'pageUp',
  pagedown: 'pageDown',
  home: 'home',
  end: 'end',
  return: 'return',
  escape: 'escape',
  backspace: 'backspace',
  delete: 'delete',
}

/** Whether a key press (Ink's input and flags) is the key written `name` in the table's notation. */
export function keyMatches(name: string, input: string, key: KeyFlags): boolean {
  const mouse = parseMouse(input)
  if (name === 'wheelup' || name === 'wheeldown' || name === 'click') {
    if (mouse === null || !mouse.press) return false
    const button = mouse.button & ~(4 | 8 | 16)
    return name === 'wheelup' ? button === 64 : name === 'wheeldown' ? button === 65 : button === 0
  }
  if (mouse !== null) return false
  if (name === 'tab') return key.tab === true && key.shift !== true
  if (name === 'shift+tab') return key.tab === true && key.shift === true
  if (name === 'space') return input === ' '
  // Ink reports Enter as return; a terminal without ICRNL off (or a paste) sends \n
  if (name === 'enter') return input === '\n' || input === '\r'
  if (name.startsWith('ctrl+')) return key.ctrl === true && input === name.slice(5)
  const flag = FLAG_OF[name]
  if (flag !== undefined) return key[flag] === true
  return input === name && key.ctrl !== true && key.meta !== true
}

/** The action bound to a key press in a mode, or null. */
export function actionFor(mode: Mode, input: string, key: KeyFlags): ActionName | null {
  for (const b of KEYMAP) if (b.mode === mode && b.keys.some((k) => keyMatches(k, input, key))) return b.action
  return null
}

const NAMES: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  return: 'Enter',
  enter: '',
  escape: 'Esc',
  backspace: '⌫',
  delete: '',
  tab: 'Tab',
  'shift+tab': 'Shift-Tab',
  space: 'Space',
  wheelup: 'wheel ↑',
  wheeldown: 'wheel ↓',
  click: 'click',
}

/** How a key is written for people: `↑`, `PgDn`, `Ctrl-C`, `j`. Empty for aliases not worth listing (\n for Enter). */
export function keyName(name: string): string {
  if (name in NAMES) return NAMES[name]
  if (name.startsWith('ctrl+')) return `Ctrl-${name.slice(5).toUpperCase()}`
  return name
}

/** A binding's keys as help lists them: `↑ k`. */
export function keysOf(b: KeyBinding): string {
  return b.keys
    .map(keyName)
    .filter((k) => k !== '')
    .join(' ')
}

/** Always in the status line, after the others: help lists the rest, and the way out. */
const PINNED: ActionName[] = ['help', 'quit']

/**
 * The status line's hints for a mode, as many as fit in `width` columns, in
 * the table's order: `Enter open · ⌫ back · …`, only the keys the screen
 * offers, and `? help · q quit` always.
 */
export function statusHints(
  mode: Mode,
  width: number,
  offers: (c: Capability) => boolean = () => true,
  label: (action: ActionName) => string | undefined = () => undefined,
): string {
  const hints = KEYMAP.filter((b) => b.mode === mode && b.status !== undefined && (b.needs === undefined || offers(b.needs)))
  const text = (b: KeyBinding): string => `${keyName(b.keys[0])} ${label(b.action) ?? b.status}`
  const pinned = hints.filter((b) => PINNED.includes(b.action)).map(text)
  const shown: string[] = []
  const length = (parts: string[]): number => parts.join(' · ').length
  for (const b of hints) {
    if (PINNED.includes(b.action)) continue
    if (length([...shown, text(b), ...pinned]) > width) break
    shown.push(text(b))
  }
  return [...shown, ...pinned].join(' · ')
}
