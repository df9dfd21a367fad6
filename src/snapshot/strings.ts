/**
 * The snapshot's string table, kept as the bytes the file holds and decoded
 * one string at a time, when first asked for.
 *
 * A heap snapshot's `strings` section is often a third of the file, and most
 * analyses read only a few of its strings (the dominator tree and retained
 * sizes read a handful of names; a summary reads the node names). Decoding
 * every literal into a JS string at load was the slowest part of parsing (a
 * native call per string), and the strings took more memory as JS strings
 * (a header each) than as bytes. So the parser copies the section's bytes
 * and notes where each literal's content starts and ends; `get(i)` decodes
 * it on first use and remembers it.
 *
 * Literals with escapes are rare (V8 escapes quotes, backslashes and control
 * characters): the parser decodes and validates them at load, with
 * JSON.parse, and they are kept decoded.
 */

/** The string table as plain data, to move it to another thread (see Snapshot.parts()). */
export interface StringTableParts {
  /** the bytes of the `strings` section (JSON literals with their quotes and commas) */
  bytes: Uint8Array
  /** string i's content is bytes[bounds[2i] .. bounds[2i+1]); escaped strings have bounds 1, 0 */
  bounds: Uint32Array
  count: number
  /** strings with escapes, decoded at load: [index, value] */
  escaped: [number, string][]
}

/**
 * The strings of a snapshot, by index.
 *
 * @example
 *   const name = s.strings.get(s.nodeNameIndex[n])
 *   const i = s.strings.indexOf('(Document DOM trees)') // -1 when absent
 */
export class StringTable {
  readonly length: number
  private readonly raw: Buffer
  private readonly bounds: Uint32Array
  private readonly cache: (string | undefined)[]
  private readonly source: StringTableParts

  constructor(p: StringTableParts) {
    this.source = p
    this.length = p.count
    this.raw = Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength)
    this.bounds = p.bounds
    this.cache = new Array<string | undefined>(p.count)
    for (const [i, value] of p.escaped) this.cache[i] = value
  }

  /** String i ('' for an index outside the table; the parser checked every index the model holds). */
  get(i: number): string {
    let s = this.cache[i]
    if (s === undefined) {
      s = this.decode(i)
      if (i >= 0 && i < this.length) this.cache[i] = s
    }
    return s
  }

  /**
   * String i, decoded afresh and not kept: for a one-time look at many
   * strings (is this edge name a WeakMap entry's?), where keeping each would
   * cost more than decoding it.
   */
  decode(i: number): string {
    const cached = this.cache[i]
    if (cached !== undefined) return cached
    if (!(i >= 0 && i < this.length)) return ''
    return this.raw.toString('utf8', this.bounds[2 * i], this.bounds[2 * i + 1])
  }

  /** The first index of `value`, or -1. Compares bytes: nothing is decoded. */
  indexOf(value: string): number {
    let found = -1
    for (const [i, s] of this.source.escaped) if (s === value && (found === -1 || i < found)) found = i
    const target = Buffer.from(value)
    const n = target.length
    const { raw, bounds } = this
    const end = found === -1 ? this.length : found
    for (let i = 0; i < end; i++) {
      const start = bounds[2 * i]
      // Escaped strings have no bounds (start > end): their length never matches.
      if (bounds[2 * i + 1] - start === n && raw.compare(target, 0, n, start, start + n) === 0) return i
    }
    return found
  }

  /** Every string, decoded (tests, small tables). */
  toArray(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i))
  }

  /** The table as plain data for Snapshot.parts(): its arrays can be transferred. */
  parts(): StringTableParts {
    return this.source
  }
}
