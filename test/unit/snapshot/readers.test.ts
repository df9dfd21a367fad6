/**
 * The parser's section readers, each alone over a cursor: on the sections of
 * a real V8 snapshot (node-traced: every optional section), cut into chunks
 * at odd places, each gives what JSON.parse of the same bytes gives; and on
 * mutated bytes each accepts exactly what JSON.parse accepts.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { SnapshotFormatError } from '../../../src/index.js'
import { ByteCursor } from '../../../src/snapshot/cursor.js'
import { skipValue } from '../../../src/snapshot/json-value.js'
import { readLayout } from '../../../src/snapshot/layout.js'
import { readNumberList } from '../../../src/snapshot/numbers.js'
import { FastPath } from '../../../src/snapshot/records.js'
import { recordStart } from '../../../src/snapshot/split.js'
import { readStrings } from '../../../src/snapshot/strings-reader.js'
import { readTraceTree } from '../../../src/snapshot/trace-tree.js'
import { fixturePath } from '../../helpers/paths.js'

const text = gunzipSync(readFileSync(fixturePath('node-traced.heapsnapshot.gz')))
const raw = JSON.parse(text.toString('utf8'))
const layout = readLayout('t', raw.snapshot, 0)

/** A cursor over `bytes` in chunks of `size` (the last may be shorter). */
function cursor(bytes: Buffer, size = bytes.length): ByteCursor {
  const chunks: Buffer[] = []
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size))
  let k = 0
  return new ByteCursor('t', { next: async () => chunks[k++] ?? null, sizeBound: null, sizeExact: false })
}

/** The file's bytes of a section's value, as V8 wrote them (in its order: the strings last, a number array's values never before a newline). */
function sectionBytes(key: string): Buffer {
  const at = text.indexOf(`"${key}":`) + key.length + 3
  return text.subarray(at, key === 'strings' ? text.lastIndexOf(']') + 1 : text.lastIndexOf(',', text.indexOf('\n"', at)))
}

describe('section readers on a real snapshot', () => {
  // Cut small: the short sections at every size, the long ones (locations, strings) at two.
  for (const size of [1, 7, 61, 4099]) {
    it(`number lists, the trace tree and the strings, in chunks of ${size} bytes`, async () => {
      const long = size > 7
      for (const key of ['trace_function_infos', 'samples', ...(long ? ['locations'] : [])]) {
        const list = await readNumberList(cursor(sectionBytes(key), size), key, new FastPath())
        assert.deepEqual([...list.data.subarray(0, list.length)], raw[key], key)
      }
      const tree = await readTraceTree(cursor(sectionBytes('trace_tree'), size), layout)
      // The same tree, flattened in pre-order from JSON.parse's nesting.
      const ids: number[] = []
      const parents: number[] = []
      const walk = (list: unknown[], parent: number): void => {
        for (let k = 0; k < list.length; k += 5) {
          ids.push(list[k] as number)
          parents.push(parent)
          walk(list[k + 4] as unknown[], ids.length - 1)
        }
      }
      walk(raw.trace_tree, -1)
      assert.deepEqual([...tree.id], ids)
      assert.deepEqual([...tree.parent], parents)
      if (!long) return
      const strings = await readStrings(cursor(sectionBytes('strings'), size), new FastPath())
      assert.equal(strings.count, raw.strings.length)
      const bytes = Buffer.from(strings.bytes)
      const decoded = Array.from({ length: strings.count }, (_, i) => bytes.toString('utf8', strings.bounds[2 * i], strings.bounds[2 * i + 1]))
      for (const [i, value] of strings.escaped) decoded[i] = value
      assert.deepEqual(decoded, raw.strings)
    })
  }

  it('recordStart finds the first record start after a byte in the edges, from the values alone', () => {
    const edges = sectionBytes('edges')
    const fields = layout.edgeFieldCount
    // Where each record's first value starts, from V8's newlines.
    const starts = new Set<number>()
    for (let i = edges.indexOf(0x0a); i >= 0; i = edges.indexOf(0x0a, i + 1)) starts.add(i + 2)
    assert.ok(starts.size * fields > raw.edges.length / 2)
    for (const from of [1000, 5001, 20_003, 60_007]) {
      const at = recordStart(edges.subarray(from, from + (1 << 16)), layout)
      assert.ok(at >= 0 && starts.has(from + at), `a record's start after ${from}`)
      for (let k = from + 1; k < from + at; k++) assert.ok(!starts.has(k), `the first one after ${from}`)
    }
  })
})

describe('skipping an unknown section', () => {
  it('accepts exactly what JSON.parse accepts, split anywhere', async () => {
    const value = Buffer.from(JSON.stringify({ a: [1, -2.5e-3, 0, true, false, null, 'x"\\\u00e9\u2028'], b: { c: [] }, d: '' }))
    const alphabet = Buffer.from('0123456789,[]{}":\\ u-+.eE1tfnx\t')
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(value.length - 1), fc.nat(alphabet.length - 1)), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 1, max: 16 }),
        async (mutations, size) => {
          const copy = Buffer.from(value)
          for (const [at, k] of mutations) copy[at] = alphabet[k]
          // The section's value, then what follows it in a snapshot.
          const input = Buffer.concat([copy, Buffer.from(',"strings":[]}')])
          let parses = true
          try {
            JSON.parse(copy.toString('utf8'))
          } catch {
            parses = false
          }
          const c = cursor(input, size)
          try {
            await skipValue(c, 'x')
          } catch (err) {
            if (!(err instanceof SnapshotFormatError)) throw err
            assert.ok(!parses, `refused ${copy.toString('utf8')}: ${err.message}`)
            return
          }
          // What it skipped is one JSON value; when the copy is one, it is that value.
          const skipped = input.subarray(0, c.offset).toString('utf8')
          assert.doesNotThrow(() => JSON.parse(skipped), `skipped ${skipped}`)
          if (parses) assert.equal(skipped.trim(), copy.toString('utf8').trim())
        },
      ),
      { numRuns: 300, seed: 3 },
    )
  })
})
