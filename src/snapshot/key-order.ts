/**
 * Positions ordered by a Uint32 key, in linear time: what `ordinalsById`
 * needs to find nodes by V8 id, and what location tables need to find
 * entries by node.
 *
 * V8 writes nodes almost in id order, but not quite: a 600 MB snapshot of a
 * long-running process has tens of thousands of ids out of place. A
 * comparator sort of millions of ordinals (`order.sort((a, b) => ids[a] -
 * ids[b])`) calls back into JS for every comparison and took longer than
 * the parse of the file; an LSD radix sort reads each key twice and writes
 * each position twice. Equal keys keep their positions' order (the sort is
 * stable), so the result is the one a stable comparator sort gives.
 */

/** Radix digit: 16 bits, so two passes cover a Uint32 and each histogram is 256 KiB. */
const DIGIT_BITS = 16
const DIGIT_MASK = (1 << DIGIT_BITS) - 1

/** Above this share of displaced keys (see orderByKey), the radix sort of all keys is cheaper. */
const MERGE_MAX_DISPLACED = 1 / 16

/**
 * The positions 0..keys.length-1 ordered by `keys[position]`, equal keys in
 * position order. O(n). Keys almost in order (as V8 writes ids) take
 * sequential passes only: the positions whose key is at least every key
 * before them are already a sorted run, the few others ("displaced") are
 * ordered on their own and merged in. Otherwise two counting passes (one
 * when every key is below 2^16), whose scattered writes cost more.
 *
 * @example
 *   orderByKey(Uint32Array.of(30, 10, 20)) // Uint32Array [1, 2, 0]
 */
export function orderByKey(keys: Uint32Array): Uint32Array {
  const count = keys.length
  let max = 0
  let displaced = 0
  for (let i = 0; i < count; i++) {
    const key = keys[i]
    if (key >= max) max = key
    else displaced++
  }
  if (displaced === 0) {
    const order = new Uint32Array(count)
    for (let i = 0; i < count; i++) order[i] = i
    return order
  }
  if (displaced > count * MERGE_MAX_DISPLACED) return radixOrder(keys, max)
  // The run (each key a new maximum, so in order) and the displaced positions, both in position order.
  const run = new Uint32Array(count - displaced)
  const out = new Uint32Array(displaced)
  const outKeys = new Uint32Array(displaced)
  let r = 0
  let d = 0
  max = 0
  for (let i = 0; i < count; i++) {
    const key = keys[i]
    if (key >= max) {
      max = key
      run[r++] = i
    } else {
      out[d] = i
      outKeys[d++] = key
    }
  }
  const outOrder = orderByKey(outKeys)
  // Merge; equal keys by position, so the result is the stable order.
  const order = new Uint32Array(count)
  let i = 0
  let j = 0
  let o = 0
  while (i < r && j < d) {
    const a = run[i]
    const b = out[outOrder[j]]
    const ka = keys[a]
    const kb = keys[b]
    if (ka < kb || (ka === kb && a < b)) {
      order[o++] = a
      i++
    } else {
      order[o++] = b
      j++
    }
  }
  while (i < r) order[o++] = run[i++]
  while (j < d) order[o++] = out[outOrder[j++]]
  return order
}

/** The stable order of positions by key by an LSD radix sort of 16-bit digits (`max`: the largest key). */
function radixOrder(keys: Uint32Array, max: number): Uint32Array {
  const count = keys.length
  const order = new Uint32Array(count)
  // Both histograms in one read of the keys.
  const low = new Uint32Array(DIGIT_MASK + 2)
  const high = new Uint32Array(DIGIT_MASK + 2)
  for (let i = 0; i < count; i++) {
    const key = keys[i]
    low[(key & DIGIT_MASK) + 1]++
    high[(key >>> DIGIT_BITS) + 1]++
  }
  // Prefix sums: low[d] is where the first position of digit d goes.
  for (let d = 1; d <= DIGIT_MASK + 1; d++) {
    low[d] += low[d - 1]
    high[d] += high[d - 1]
  }
  if (max <= DIGIT_MASK) {
    for (let i = 0; i < count; i++) order[low[keys[i]]++] = i
    return order
  }
  // By the low digit into `byLow`, then stably by the high digit into `order`.
  const byLow = new Uint32Array(count)
  for (let i = 0; i < count; i++) byLow[low[keys[i] & DIGIT_MASK]++] = i
  for (let j = 0; j < count; j++) {
    const i = byLow[j]
    order[high[keys[i] >>> DIGIT_BITS]++] = i
  }
  return order
}
