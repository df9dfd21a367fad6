/**
 * EphemeronNames finds the table id and the `pair` part that the regex with
 * named groups (as it was written before) finds, on names built from the
 * pieces that can confuse it: extra " @<id>)", ") -> value (", line
 * terminators, missing or doubled parts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { EphemeronNames } from '../../../src/analysis/essential-edges.js'
import { StringTable } from '../../../src/snapshot/strings.js'

const EPHEMERON_NAME = /^\d+(?<pair> \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(?<tableId>\d+)\))$/

function expected(str: string): { pairStart: number; tableId: number } | null {
  const m = EPHEMERON_NAME.exec(str)
  if (m === null || m.groups === undefined) return null
  return { pairStart: str.length - m.groups.pair.length, tableId: Number(m.groups.tableId) }
}

/** A one-string table as the parser builds it: the literal's bytes, or decoded when it has escapes. */
function tableOf(str: string): StringTable {
  const literal = JSON.stringify(str)
  const bytes = Buffer.from(literal)
  const escaped = literal.includes('\\')
  return new StringTable({
    bytes,
    bounds: Uint32Array.of(1, escaped ? 0 : bytes.length - 1),
    count: 1,
    escaped: escaped ? [[0, str]] : [],
  })
}

function check(str: string): void {
  const want = expected(str)
  const names = new EphemeronNames({ length: 1, decode: () => str })
  assert.equal(names.tableIdOf(0), want === null ? -1 : want.tableId, JSON.stringify(str))
  assert.equal(names.pairOf(0), want === null ? null : str.slice(want.pairStart), JSON.stringify(str))
  // isTableEdge, which reads the table id from the bytes before it decodes, for the edge from
  // the table itself, from another node, and from the node named by the name's last number.
  const trailing = /(\d+)\)$/.exec(str)
  const ids = [want?.tableId ?? 7, 7, 8, trailing === null ? 9 : Number(trailing[1])]
  for (const id of ids) {
    const table = tableOf(str)
    const fromBytes = new EphemeronNames(table, table.parts())
    assert.equal(fromBytes.isTableEdge(0, id), want !== null && want.tableId === id, `${JSON.stringify(str)} from @${id}`)
    // asked again, from the cached state
    assert.equal(fromBytes.isTableEdge(0, id), want !== null && want.tableId === id, `${JSON.stringify(str)} from @${id}, again`)
  }
}

const pieces = [
  '0',
  '7',
  '12',
  ' ',
  '@',
  ' @',
  ' @3',
  ')',
  '(',
  ' / part of key (',
  ') -> value (',
  ' pair in WeakMap (table @',
  'Key',
  'Value',
  'a',
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '->',
  'value',
  ' @9) -> value (',
]

describe('EphemeronNames', () => {
  it('agrees with the regex on names V8 writes', () => {
    check('12 / part of key (Object @3) -> value (Array @5) pair in WeakMap (table @7)')
    check('0 / part of key (system / Context @31) -> value (a @b @1) -> value (x @2) pair in WeakMap (table @9)')
    check('3 / part of key ( @1) -> value ( @2) pair in WeakMap (table @4)')
    check('3 / part of key (@1) -> value (@2) pair in WeakMap (table @4)')
    check('3 / part of key (k @1) -> value (v @2) pair in WeakMap (table @)')
    check('3 / part of key (k\n @1) -> value (v @2) pair in WeakMap (table @4)')
    check(' / part of key (k @1) -> value (v @2) pair in WeakMap (table @4)')
    check('3 / part of key (k @1) -> value (v @2) pair in WeakMap (table @4) ')
    check('')
    check('42')
  })

  it('agrees with the regex on names made of confusing pieces', () => {
    const piece = fc.constantFrom(...pieces)
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(piece, { maxLength: 4 }), fc.array(piece, { maxLength: 4 }), (a, k, v) => {
        check(a.join(''))
        check(`5 / part of key (${k.join('')} @1) -> value (${v.join('')} @2) pair in WeakMap (table @8)`)
        check(`5 / part of key (${k.join('')}) -> value (${v.join('')} pair in WeakMap (table @8)`)
        check(`${a.join('')} / part of key (${k.join('')} @1) -> value (${v.join('')} @2) pair in WeakMap (table @${a.join('')})`)
      }),
      { numRuns: 5000 },
    )
  })
})
