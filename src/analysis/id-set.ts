/**
 * A set of V8 object ids that knows each id's rank (its index among the
 * set's ids in increasing order), built in linear time: what a growth series
 * keeps of each snapshot to tell the next one's new objects, and how it
 * orders a snapshot's nodes by id without sorting.
 *
 * V8 numbers the JavaScript heap's objects densely — odd ids from 1 up, one
 * per object it has ever given an id — while the embedder's nodes (Node's
 * `Node / ...`, Blink's) carry ids made from addresses, anywhere below 2^32.
 * So the ids below a bound of a few per node go into a bit vector with a
 * running count per 32-bit word (rank = the count before the word plus the
 * set bits below the id in it), and the few ids above it into a sorted list.
 * A 600 MB snapshot of 5.3 million nodes, ids up to ~10.7 million and 92
 * embedder ids near 2^32, takes 2.7 MB, where its sorted ids take 21 MB and a
 * sort of them (`ordinalsById`) 230-550 ms.
 */
import { firstAtLeast } from './sorted.js'

/** Ids below this many per id counted go in the bit vector: at most 2 bytes per id for bits and counts. */
const BITS_PER_ID = 8

/** Set bits of a 32-bit word. */
function bitCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff
}

/**
 * Distinct Uint32 ids with their ranks.
 *
 * @example
 *   const set = IdSet.of(Uint32Array.of(7, 3, 4000000001, 3))
 *   set.size // 3
 *   set.rank(7) // 1 (3 is rank 0, 4000000001 rank 2)
 *   set.has(5) // false
 */
export class IdSet {
  /** how many distinct ids */
  readonly size: number
  /** ids below this are in `bits`, the others in `high` */
  private readonly bound: number
  /** bit (id & 31) of word (id >>> 5): id is in the set */
  private readonly bits: Uint32Array
  /** ids in the words before word w (length: words + 1) */
  private readonly before: Uint32Array
  /** distinct ids at or above `bound`, increasing */
  private readonly high: Uint32Array

  private constructor(bound: number, bits: Uint32Array, before: Uint32Array, high: Uint32Array) {
    this.bound = bound
    this.bits = bits
    this.before = before
    this.high = high
    this.size = before[bits.length] + high.length
  }

  /** The set of `ids` (duplicates count once). O(ids) plus a sort of the few ids above the bound. */
  static of(ids: Uint32Array): IdSet {
    const limit = Math.max(1024, ids.length * BITS_PER_ID)
    let top = 0
    let highCount = 0
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]
      if (id >= limit) highCount++
      else if (id > top) top = id
    }
    // Bits for the ids up to the largest one below the limit.
    const words = (top >>> 5) + 1
    const bound = words * 32
    const bits = new Uint32Array(words)
    const highIds = new Uint32Array(highCount)
    let h = 0
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]
      if (id < bound) bits[id >>> 5] |= 1 << (id & 31)
      else highIds[h++] = id
    }
    highIds.sort()
    let distinct = 0
    for (let i = 0; i < highIds.length; i++) if (i === 0 || highIds[i] !== highIds[i - 1]) highIds[distinct++] = highIds[i]
    const before = new Uint32Array(words + 1)
    for (let w = 0; w < words; w++) before[w + 1] = before[w] + bitCount(bits[w])
    return new IdSet(bound, bits, before, highIds.slice(0, distinct))
  }

  has(id: number): boolean {
    if (id < this.bound) return (this.bits[id >>> 5] & (1 << (id & 31))) !== 0
    return this.highIndex(id) >= 0
  }

  /** The index of `id` among the set's ids in increasing order, or -1 when it is not in the set. */
  rank(id: number): number {
    if (id < this.bound) {
      const w = id >>> 5
      const word = this.bits[w]
      const bit = 1 << (id & 31)
      if ((word & bit) === 0) return -1
      return this.before[w] + bitCount(word & (bit - 1))
    }
    const i = this.highIndex(id)
    return i < 0 ? -1 : this.before[this.bits.length] + i
  }

  private highIndex(id: number): number {
    const i = firstAtLeast(this.high, id)
    return this.high[i] === id ? i : -1
  }
}

/**
 * The node ordinals in increasing id order, through the ranks of `set` =
 * IdSet.of(ids): one pass, what `Snapshot#ordinalsById` gives. Null when
 * some id repeats (V8 never writes one twice): then ask ordinalsById, which
 * keeps equal ids in ordinal order.
 *
 * @example
 *   const ids = Uint32Array.of(30, 10, 20)
 *   ordinalsByRank(ids, IdSet.of(ids)) // Uint32Array [1, 2, 0]
 */
export function ordinalsByRank(ids: Uint32Array, set: IdSet): Uint32Array | null {
  if (set.size !== ids.length) return null
  const order = new Uint32Array(ids.length)
  for (let n = 0; n < ids.length; n++) order[set.rank(ids[n])] = n
  return order
}
