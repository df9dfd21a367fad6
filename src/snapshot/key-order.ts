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

/**
 * The positions 0..keys.length-1 ordered by `keys[position]`, equal keys in
 * position order. O(n): one pass when the keys are already in order, else
 * two counting passes (one when every key is below 2^16).
 *
 * @example
 *   orderByKey(Uint32Array.of(30, 10, 20)) // Uint32Array [1, 2, 0]
 */
export function orderByKey(keys: Uint32Array): Uint32Array {
  const count = keys.length
  const order = new Uint32Array(count)
  let sorted = true
  let max = 0
  for (let i = 0; i < count; i++) {
    const key = keys[i]
    if (key < max) sorted = false
    else max = key
  }
  if (sorted) {
    for (let i = 0; i < count; i++) order[i] = i
    return order
  }
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
