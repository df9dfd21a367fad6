/**
 * The streaming JSON writer: its text is JSON.stringify's (2-space indent)
 * of the same document with the lists materialised, and rows are made only
 * as the chunks are taken.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { jsonChunks, jsonRows, renderJson, type JsonDocument } from '../../../src/report/json.js'

/** The document with every JsonRows replaced by an array: what JSON.stringify is given as the reference. */
function materialise(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if ('rows' in value && value.constructor.name === 'JsonRows') return Array.from((value as { rows: Iterable<unknown> }).rows, materialise)
  if (Array.isArray(value)) return value.map(materialise)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialise(v)]))
}

function* counted<T>(rows: T[], pulled: { count: number }): Generator<T> {
  for (const row of rows) {
    pulled.count++
    yield row
  }
}

describe('jsonChunks', () => {
  it('writes what JSON.stringify(document, null, 2) writes, lists and all', () => {
    const make = (): JsonDocument => ({
      schemaVersion: 1,
      command: 'test',
      empty: jsonRows([]),
      emptyObject: {},
      emptyArray: [],
      skipped: undefined,
      text: 'quote " backslash \\ newline \n tab \t \u2028 \u0000 emoji \u{1F600}',
      numbers: [0, -1.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY],
      rows: jsonRows([
        { id: 1, name: 'a', nested: { list: [1, 2, { deep: true }], none: null, gone: undefined } },
        { id: 2, children: jsonRows([{ id: 3, children: jsonRows([]) }, undefined, [jsonRows(['x', 'y'])]]) },
        'a string row',
        42,
        null,
        [],
      ]),
      after: { tail: jsonRows([{}, [[]]]) },
    })
    const expected = JSON.stringify(materialise(make()), null, 2) + '\n'
    assert.equal(renderJson(make()), expected)
    assert.equal(Array.from(jsonChunks(make())).join(''), expected)
  })

  it('pulls rows only as the chunks are taken', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ id: i, name: `row ${i}` }))
    const pulled = { count: 0 }
    const chunks = jsonChunks({ schemaVersion: 1, command: 'test', objects: jsonRows(counted(rows, pulled)) })
    let text = ''
    for (const chunk of chunks) {
      text += chunk
      // A row is made when its own chunk is asked for, never ahead.
      const written = (text.match(/"id":/g) ?? []).length
      assert.ok(pulled.count <= written + 1, `${pulled.count} rows made, ${written} written`)
    }
    assert.equal(pulled.count, 100)
    assert.deepEqual(JSON.parse(text).objects, rows)
  })

  it('refuses to be flattened by JSON.stringify (the rows would vanish)', () => {
    assert.throws(() => JSON.stringify({ rows: jsonRows([1]) }), /JsonRows is written by jsonChunks/)
  })
})
