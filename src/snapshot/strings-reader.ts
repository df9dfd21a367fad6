/**
 * The `strings` section: its bytes are copied as they are, and each
 * literal's bounds noted (StringTable decodes a string when it is first
 * used); the WebAssembly fast path (records.ts) finds most literals, this
 * loop the rest and every error. Only the rare literals with escapes are
 * decoded here, by JSON.parse, which applies every escape rule (surrogate
 * pairs included) and rejects bad ones.
 *
 * The section is often a third of the file and may pass 512 MB, so its
 * buffer is sized once where the input says how much can follow: a plain
 * file's size, or the size a gzip file's trailer gives (modulo 2^32: a
 * hint, checked). Unreserved pages cost no memory; a buffer grown by
 * doubling held the old copy and the new one at once (a gzip holding one
 * 512 MiB string peaked at 1.58 GB). Only when nothing is known (stdin) or
 * the hint was wrong does it grow by doubling.
 */
import { BACKSLASH, type ByteCursor, COMMA, describeByte, isWhitespace, LBRACKET, QUOTE, RBRACKET } from './cursor.js'
import { type FastPath, StringLiterals } from './records.js'
import { sharedU32, sharedU8 } from './shared-arrays.js'
import type { StringTableParts } from './strings.js'

/** Offsets into the strings section are Uint32: it must stay under 4 GiB. */
export const MAX_STRING_BYTES = 2 ** 32 - 1
/** The strings section's bytes start this big when nothing says how big it is (stdin), then double. */
const UNKNOWN_STRING_BYTES = 16 << 20

const enum StringState {
  /** just after '[' */
  StringOrEnd = 0,
  /** just after ',' */
  String = 1,
  /** after a string */
  CommaOrEnd = 2,
  /** inside a literal */
  InString = 3,
}

/** How many bytes the strings section may take from file offset `at` on, if the input says: its first buffer's size. */
export function stringBytesFor(c: ByteCursor, at: number): number {
  const { sizeBound, sizeExact, sizeHint } = c.source
  let bytes = UNKNOWN_STRING_BYTES
  if (sizeExact && sizeBound !== null) bytes = sizeBound - at
  else if (sizeHint != null) {
    // The trailer's word, not checked until the end: never more than the compressed size can hold (a
    // forged trailer on a file of a few bytes would reserve 4 GiB).
    const end = sizeBound === null ? sizeHint : Math.min(sizeHint, sizeBound)
    if (end > at) bytes = end - at
  }
  return Math.max(0, Math.min(MAX_STRING_BYTES, bytes))
}

/** Reads the strings array from its '['. */
export async function readStrings(c: ByteCursor, fast: FastPath): Promise<StringTableParts> {
  await c.expectByte(LBRACKET, "'[' to open the strings array")
  const reader = new StringsReader(c, fast, stringBytesFor(c, c.offset))
  for (;;) {
    if (!(await c.fill())) {
      if ((reader.state as StringState) === StringState.InString) {
        c.fail("a closing '\"' for the string that starts here", 'end of file', reader.startOffset)
      }
      c.fail("']' to close the strings array")
    }
    if (reader.scanChunk()) return reader.parts()
  }
}

/** The strings array's scan, its state kept between chunks so that a literal may be split at any byte. */
class StringsReader {
  state = StringState.StringOrEnd
  /** the section's bytes so far (see StringTable), and how many are used */
  private bytes: Uint8Array
  private used = 0
  private bounds = sharedU32(1 << 16)
  private count = 0
  private readonly escaped: [number, string][] = []
  /** the literal being read: where its content starts in `bytes`, and its quote's file offset */
  private start = 0
  startOffset = 0
  private hasEscape = false
  /** the chunk ended just after a backslash inside a literal */
  private escapeNext = false
  private readonly fast: StringLiterals

  constructor(
    private readonly c: ByteCursor,
    fast: FastPath,
    capacity: number,
  ) {
    this.bytes = sharedU8(capacity)
    this.fast = new StringLiterals(fast)
  }

  parts(): StringTableParts {
    return { bytes: this.bytes.subarray(0, this.used), bounds: this.bounds.subarray(0, 2 * this.count), count: this.count, escaped: this.escaped }
  }

  /**
   * Copies the rest of the chunk to the section's bytes and notes where each
   * literal's content starts and ends. True once the array's ']' is
   * consumed; the bytes after it stay in the chunk for what follows.
   */
  scanChunk(): boolean {
    const c = this.c
    const buf = c.buf
    const from = c.pos
    const w0 = this.used
    const end = w0 + (buf.length - from)
    if (end > this.bytes.length) this.growBytes(end)
    const bytes = this.bytes
    bytes.set(from === 0 ? buf : buf.subarray(from), w0)
    /** file offset of bytes[k] */
    const offsetOf = (k: number): number => c.base + from + (k - w0)
    let state = this.state
    let i = w0
    let done = false
    let loaded = false
    while (i < end) {
      if (state === StringState.InString) {
        let j = i
        if (this.escapeNext) {
          this.escapeNext = false
          j++
        }
        for (;;) {
          while (j < end) {
            const d = bytes[j]
            if (d === QUOTE || d === BACKSLASH || d < 0x20) break
            j++
          }
          if (j >= end || bytes[j] !== BACKSLASH) break
          this.hasEscape = true
          if (j + 1 < end) {
            j += 2
            continue
          }
          this.escapeNext = true
          j = end
        }
        if (j >= end) {
          i = end
          break
        }
        if (bytes[j] !== QUOTE) {
          c.fail('a valid JSON string', `a control character (0x${bytes[j].toString(16).padStart(2, '0')}) inside it`, offsetOf(j))
        }
        this.endString(j)
        state = StringState.CommaOrEnd
        i = j + 1
        continue
      }
      const b = bytes[i]
      if (b === QUOTE && state !== StringState.CommaOrEnd) {
        state = StringState.InString
        this.start = i + 1
        this.startOffset = offsetOf(i)
        this.hasEscape = false
      } else if (b === COMMA && state === StringState.CommaOrEnd) {
        state = StringState.String
        // The literals that follow, up to one the fast path leaves to this loop.
        const fast = this.fast
        if (!loaded) {
          fast.load(from === 0 ? buf : buf.subarray(from))
          loaded = true
        }
        const found = fast.scan(i + 1 - w0, w0)
        if (found > 0) {
          const first = this.count
          if (2 * (first + found) > this.bounds.length) this.growBounds(first + found)
          this.bounds.set(fast.bounds(found), 2 * first)
          this.count += found
          if (fast.escapedCount > 0) {
            for (const k of fast.escaped()) this.decodeEscaped(first + k, offsetOf(this.bounds[2 * (first + k)]) - 1)
          }
          i = w0 + fast.next // just after a ','
          continue
        }
      } else if (b === RBRACKET && state !== StringState.String) {
        done = true
        i++
        break
      } else if (!isWhitespace(b)) {
        c.fail(state === StringState.CommaOrEnd ? "',' or ']' in the strings array" : 'a string in the strings array', describeByte(b), offsetOf(i))
      }
      i++
    }
    this.state = state
    this.used = done ? i : end
    c.pos = done ? from + (i - w0) : buf.length
    return done
  }

  /** Notes the literal that ends at bytes[end] (its closing quote). */
  private endString(end: number): void {
    const k = this.count
    if (2 * k + 2 > this.bounds.length) this.growBounds(k + 1)
    this.bounds[2 * k] = this.start
    this.bounds[2 * k + 1] = end
    this.count = k + 1
    if (this.hasEscape) this.decodeEscaped(k, this.startOffset)
  }

  /**
   * Decodes string k, which has escapes, with JSON.parse (every escape rule,
   * and an error for a bad one), keeps the value, and marks its bounds as
   * "decoded" (1, 0; see StringTable). `quoteOffset`, the file offset of
   * its opening quote, is for the error.
   */
  private decodeEscaped(k: number, quoteOffset: number): void {
    const start = this.bounds[2 * k]
    const end = this.bounds[2 * k + 1]
    const bytes = this.bytes
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8', start - 1, end + 1)
    let value: string
    try {
      value = JSON.parse(text) as string
    } catch (e) {
      this.c.fail('a valid JSON string', (e as Error).message, quoteOffset)
    }
    this.escaped.push([k, value])
    this.bounds[2 * k] = 1
    this.bounds[2 * k + 1] = 0
  }

  private growBounds(count: number): void {
    const grown = sharedU32(Math.max(2 * count, this.bounds.length * 2))
    grown.set(this.bounds)
    this.bounds = grown
  }

  /** More bytes than the input said could follow (stdin, or a gzip trailer's size that was wrong): doubles. */
  private growBytes(needed: number): void {
    if (needed > MAX_STRING_BYTES) this.c.fail('a "strings" section of less than 4 GiB (the most one buffer holds)', 'more')
    const grown = sharedU8(Math.min(MAX_STRING_BYTES, Math.max(needed, this.bytes.length * 2)))
    grown.set(this.bytes.subarray(0, this.used))
    this.bytes = grown
  }
}
