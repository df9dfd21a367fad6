/**
 * orderByKey (the radix sort behind ordinalsById) against a stable comparator
 * sort: random keys over the whole Uint32 range and over a few values (many
 * ties), keys in order but for a few (as V8 writes ids), keys below 2^16 (one
 * pass); and a real snapshot whose ids V8 wrote out of order.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { openSnapshot } from '../../../src/index.js'
import { orderByKey } from '../../../src/snapshot/key-order.js'
import { fixturePath } from '../../helpers/paths.js'

/** The order a stable comparator sort gives: by key, ties by position. */
function naiveOrder(keys: Uint32Array): number[] {
  return Array.from(keys.keys()).sort((a, b) => keys[a] - keys[b] || a - b)
}

const check = (keys: number[]): void => {
  const typed = Uint32Array.from(keys)
  assert.deepEqual(Array.from(orderByKey(typed)), naiveOrder(typed))
}

describe('orderByKey', () => {
  it('orders positions by key, ties by position, over the whole Uint32 range and over a few values', () => {
    fc.assert(fc.property(fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 300 }), check), { numRuns: 200 })
    fc.assert(fc.property(fc.array(fc.constantFrom(0, 1, 0xffff, 0x10000, 0x1ffff, 0xffffffff), { maxLength: 100 }), check), { numRuns: 200 })
    fc.assert(fc.property(fc.array(fc.nat({ max: 0xffff }), { maxLength: 300 }), check), { numRuns: 100 })
  })

  it('orders ids that are in order but for a few, as V8 writes them', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 0xffffffff })), { maxLength: 20 }), (moves) => {
        const keys = Array.from({ length: 1000 }, (_, i) => 0x10000 + i * 2 + 1)
        for (const [i, key] of moves) keys[i] = key
        check(keys)
      }),
      { numRuns: 100 },
    )
    // Equal keys on both sides of the merge of the in-order run and the displaced keys.
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 50 }), { minLength: 200, maxLength: 400 }),
        fc.array(fc.tuple(fc.nat({ max: 199 }), fc.nat({ max: 50 })), { maxLength: 8 }),
        (values, moves) => {
          const keys = values.sort((a, b) => a - b)
          for (const [i, key] of moves) keys[i] = key
          check(keys)
        },
      ),
      { numRuns: 200 },
    )
    check([])
    check([7])
    check([1, 3, 3, 5])
  })

  it("gives a real snapshot's ordinals by id where V8 wrote them out of order", async () => {
    const s = await openSnapshot(fixturePath('leak-traced-before.heapsnapshot.gz'))
    const ids = s.nodeId
    let descents = 0
    for (let n = 1; n < ids.length; n++) if (ids[n - 1] > ids[n]) descents++
    assert.ok(descents > 1000, `${descents} ids out of order`)
    assert.deepEqual(Array.from(s.ordinalsById()), naiveOrder(ids))
    for (const n of [0, 1, s.nodeCount >> 1, s.nodeCount - 1]) assert.equal(s.ordinalOfId(ids[n]), n)
  })
})
