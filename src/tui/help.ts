/**
 * The `?` help: every key of the key table (keymap.ts), by section, then
 * how paths and bars read. Built from the table, so it lists exactly the
 * keys the handler knows.
 */
import { KEYMAP, keysOf } from './keymap.js'
import { pad } from './text.js'

const NOTATION = [
  'Paths and retainers',
  '  (root) .global -> Object @3 .cache -> Map @9 {table} -> (array) [12] -> Foo @1234',
  '  .prop     a property (or a closure context variable) named prop',
  '  [index]   an array element; ["a key"] a property whose name is not an identifier',
  '  {name}    an internal V8 reference (a map, a table, a context, code)',
  '  [[name]]  a weak reference: it does not keep the object alive',
  '  @1234     the object id, as DevTools shows it',
  '  a retainers row `.cache in Map @9` is the edge cache of Map @9 to the row below it',
  '',
  'Columns',
  '  Distance  edges from the GC roots on the shortest path',
  '  Shallow   the object alone; Retained: what releasing it would free',
  "  the bar   the row's share of the whole heap (or of the diff's growth; green: freed)",
  '',
  'Mouse: the wheel scrolls, a click selects a row (a second click opens it) or a view;',
  '  hold Shift to select text with the mouse.',
]

let lines: string[] | null = null

/** The help's lines, in order. */
export function helpLines(): string[] {
  if (lines !== null) return lines
  const out: string[] = []
  let section = ''
  for (const b of KEYMAP) {
    if (b.section !== section) {
      if (out.length > 0) out.push('')
      out.push(b.section)
      section = b.section
    }
    out.push(`  ${pad(keysOf(b), 20)} ${b.description}`)
  }
  lines = [...out, '', ...NOTATION]
  return lines
}
