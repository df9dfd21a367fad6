/**
 * The `?` help: every key of the key table (keymap.ts), by section, then
 * how paths and bars read. Built from the table, so it lists exactly the
 * keys the handler knows.
 */
import { KEYMAP, keysOf } from './keymap.js'
import { pad } from './text.js'

const NOTATION = [
  'Paths',
  '  (root) .global -> Object @3 .cache -> Map @9 {table} -> (array) [12] -> Foo @1',
  "  .prop     a property (or a variable of a closure's context) named prop",
  '  [index]   an array element; ["a b"]: a property whose name is not a word',
  '  {name}    an internal V8 reference (a map, a table, a context, code)',
  '  [[name]]  a weak reference: it does not keep the object alive',
  "  @1234     the object's id, as DevTools shows it",
  '  .cache in Map @9   in the retainers tree: the property cache of Map @9',
  '                     holds the object the row is under (at the top: this one)',
  '',
  'Columns',
  "  Distance  edges from the program's roots (its globals), on the shortest",
  "            path; sys+N: held only through V8's own roots (stack, handles,",
  '            compiled code), N edges below the root; none: unreachable',
  '  Shallow   the object alone',
  '  Retained  what releasing the object would free',
  "  the bar   the row's share of the heap (of the growth, in a diff: red;",
  '            green: freed)',
  '',
  'Mouse: the wheel scrolls; a click selects a row (a second click opens it)',
  '  or a view; hold Shift to select text.',
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
    out.push(`  ${pad(keysOf(b), 18)} ${b.description}`)
  }
  lines = [...out, '', ...NOTATION]
  return lines
}
