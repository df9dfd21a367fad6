/**
 * IdSet (what a growth series keeps of each snapshot's ids) against a sorted
 * array of the distinct ids: membership and rank for ids in the bit vector,
 * above its bound (embedder ids near 2^32) and repeated; and the id order
 * through the ranks against a stable comparator sort, on random ids and on a
 * real snapshot.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { openSnapshot } from '../../../src/index.js'
import { IdSet, ordinalsByRank } from '../../../src/analysis/id-set.js'
import { fixturePath } from '../../helpers/paths.js'

/** Ids as V8 writes them: mostly small, some near 2^32, a few repeated (by the generator). */
const ids = fc.array(fc.oneof(fc.nat({ max: 5000 }), fc.nat({ max: 0xffffffff }), fc.constantFrom(0, 31, 32, 1023, 1024, 0xffffffff)), { maxLength: 300 })

function check(values: number[]): void {
  const set = IdSet.of(Uint32Array.from(values))
  const distinct = [...new Set(values)].sort((a, b) => a - b)
  assert.equal(set.size, distinct.length)
  distinct.forEach((id, rank) => {
    assert.equal(set.has(id), true, `has ${id}`)
    assert.equal(set.rank(id), rank, `rank of ${id}`)
  })
  // Ids not in the set, next to ones that are.
  for (const id of distinct.flatMap((x) => [x - 1, x + 1]).filter((x) => x >= 0 && x <= 0xffffffff && !distinct.includes(x))) {
    assert.equal(set.has(id), false, `has ${id}`)
    assert.equal(set.rank(id), -1, `rank of ${id}`)
  }
}

describe('IdSet', () => {
  it('knows each id and its rank among the distinct ids, below and above the bit vector', () => {
    fc.assert(fc.property(ids, check), { numRuns: 300 })
    check([])
    check([0])
    check([0xffffffff, 1, 0xffffffff])
    // Every bit of a word, and the words around it.
    check(Array.from({ length: 100 }, (_, i) => i))
  })

  it('orders ordinals by id as a stable sort does, and declines ids that repeat', () => {
    fc.assert(
      fc.property(ids, (values) => {
        const typed = Uint32Array.from(values)
        const order = ordinalsByRank(typed, IdSet.of(typed))
        if (new Set(values).size !== values.length) assert.equal(order, null)
        else
          assert.deepEqual(
            Array.from(order ?? []),
            Array.from(typed.keys()).sort((a, b) => typed[a] - typed[b]),
          )
      }),
      { numRuns: 300 },
    )
  })

  it("gives a real snapshot's ordinals by id, embedder ids near 2^32 included", async () => {
    const s = await openSnapshot(fixturePath('leak-traced-before.heapsnapshot.gz'))
    assert.ok(s.nodeId.some((id) => id > s.nodeCount * 8))
    const order = ordinalsByRank(s.nodeId, IdSet.of(s.nodeId))
    assert.deepEqual(order, s.ordinalsById())
  })
})
