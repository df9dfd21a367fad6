/** Searches in sorted arrays of numbers. */

/**
 * The first index at or after `from` whose value is at least n in `sorted`
 * (ascending): `sorted.length` if none.
 *
 * @example firstAtLeast(Uint32Array.of(1, 4, 4, 9), 4, 0) // 1
 */
export function firstAtLeast(sorted: ArrayLike<number>, n: number, from = 0): number {
  let lo = from
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid] < n) lo = mid + 1
    else hi = mid
  }
  return lo
}
