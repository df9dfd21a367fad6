/**
 * A hash table from pairs of unsigned 32-bit integers to int32 values, on
 * typed arrays (open addressing, linear probing). The shape tables of
 * clusters.ts and cycles.ts can hold an entry per node of the heap: a JS Map
 * stops at 2^24 entries and costs ~80 bytes an entry; this costs 12 bytes an
 * entry at half load.
 */

/** `get` of a pair that is not in the table. */
export const ABSENT = -1

export class PairTable {
  private keyA: Uint32Array
  private keyB: Uint32Array
  private value: Int32Array
  /** ABSENT marks an empty slot */
  private size = 0
  private mask: number

  constructor(expected = 1024) {
    let capacity = 1024
    while (capacity < expected * 2) capacity *= 2
    this.mask = capacity - 1
    this.keyA = new Uint32Array(capacity)
    this.keyB = new Uint32Array(capacity)
    this.value = new Int32Array(capacity).fill(ABSENT)
  }

  get count(): number {
    return this.size
  }

  private slot(a: number, b: number): number {
    // Multiplicative mixing of both halves (constants from MurmurHash3's finaliser).
    let h = Math.imul(a ^ (b >>> 16), 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35)
    h ^= h >>> 15
    return h & this.mask
  }

  /** The value stored for (a, b), or ABSENT. */
  get(a: number, b: number): number {
    const { keyA, keyB, value, mask } = this
    for (let i = this.slot(a, b); ; i = (i + 1) & mask) {
      const v = value[i]
      if (v === ABSENT) return ABSENT
      if (keyA[i] === a >>> 0 && keyB[i] === b >>> 0) return v
    }
  }

  /** Stores v (>= 0) for (a, b), replacing any value there was. */
  set(a: number, b: number, v: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow()
    const { keyA, keyB, value, mask } = this
    for (let i = this.slot(a, b); ; i = (i + 1) & mask) {
      if (value[i] === ABSENT) {
        keyA[i] = a
        keyB[i] = b
        value[i] = v
        this.size++
        return
      }
      if (keyA[i] === a >>> 0 && keyB[i] === b >>> 0) {
        value[i] = v
        return
      }
    }
  }

  private grow(): void {
    const { keyA, keyB, value } = this
    const capacity = (this.mask + 1) * 2
    this.mask = capacity - 1
    this.keyA = new Uint32Array(capacity)
    this.keyB = new Uint32Array(capacity)
    this.value = new Int32Array(capacity).fill(ABSENT)
    this.size = 0
    for (let i = 0; i < value.length; i++) if (value[i] !== ABSENT) this.set(keyA[i], keyB[i], value[i])
  }
}

/** A growable Int32Array (the columns of the shape tables). */
export class IntColumn {
  data: Int32Array
  length = 0

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity)
  }

  push(v: number): number {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2)
      bigger.set(this.data)
      this.data = bigger
    }
    this.data[this.length] = v
    return this.length++
  }
}
