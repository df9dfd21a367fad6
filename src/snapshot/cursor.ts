/**
 * The tokenizer: a cursor over the input's bytes, chunk by chunk. It knows
 * bytes and JSON's smallest pieces (whitespace, one expected byte, a string
 * literal), never the heap snapshot format: the section readers
 * (record-arrays.ts, numbers.ts, strings-reader.ts, trace-tree.ts,
 * json-value.ts) read through it, and say what they expected where.
 *
 * A chunk is not kept once the next is asked for: the source may reuse its
 * buffer, so whatever must outlive it is copied. `chunkId` changes whenever
 * `buf` does, so a reader that copied a chunk elsewhere (the WebAssembly fast
 * path) knows when its copy is stale.
 */
import { SnapshotFormatError } from './errors.js'

export const QUOTE = 0x22
export const BACKSLASH = 0x5c
export const COMMA = 0x2c
export const COLON = 0x3a
export const LBRACKET = 0x5b
export const RBRACKET = 0x5d
export const LBRACE = 0x7b
export const RBRACE = 0x7d
export const ZERO = 0x30
export const NINE = 0x39

export function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

/** Describes a byte for an error message. */
export function describeByte(c: number | undefined): string {
  if (c === undefined) return 'end of file'
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`
  return `byte 0x${c.toString(16).padStart(2, '0')}`
}

/** Where the bytes come from: open.ts makes one for a file, stdin or chunks in memory. */
export interface ByteSource {
  /** Next chunk of decompressed bytes, or null at the end. */
  next(): Promise<Uint8Array | null>
  /**
   * An upper bound on the decompressed size, used only to refuse absurd
   * header counts before allocating: the file size for plain files, a
   * multiple of it for gzip, null when unknown (stdin).
   */
  sizeBound: number | null
  /** sizeBound is the input's exact size (a plain file) */
  sizeExact: boolean
  /**
   * The decompressed size a gzip file says it has (its trailer's ISIZE, the
   * size modulo 2^32), if known: a hint for sizing the strings' buffer, never
   * trusted further.
   */
  sizeHint?: number | null
}

export class ByteCursor {
  /** the current chunk; buf[pos] is the next byte */
  buf: Buffer = Buffer.alloc(0)
  pos = 0
  /** the offset of buf[0] in the (decompressed) input */
  base = 0
  /** changes whenever buf does */
  chunkId = 0
  private eof = false

  constructor(
    readonly file: string,
    readonly source: ByteSource,
    /** the input's offset of its first byte (a helper thread starts part-way through a file) */
    start = 0,
  ) {
    this.base = start
  }

  /** the input's offset of buf[pos] */
  get offset(): number {
    return this.base + this.pos
  }

  /** Throws the format error: `expected` at `offset` (default: here), `found` (default: the byte here). */
  fail(expected: string, found?: string, offset?: number): never {
    const at = offset ?? this.base + this.pos
    throw new SnapshotFormatError(this.file, at, expected, found ?? describeByte(this.pos < this.buf.length ? this.buf[this.pos] : undefined))
  }

  /** Makes buf[pos] readable; false at the end of input. */
  async fill(): Promise<boolean> {
    while (this.pos >= this.buf.length) {
      if (this.eof) return false
      const chunk = await this.source.next()
      this.base += this.buf.length
      this.pos = 0
      this.chunkId++
      if (chunk === null) {
        this.eof = true
        this.buf = Buffer.alloc(0)
        return false
      }
      this.buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    }
    return true
  }

  /** Runs `read` with the chunk cut short at index `end` (the two-thread split), then restores it. */
  upTo<T>(end: number, read: () => T): T {
    const whole = this.buf
    this.buf = whole.subarray(0, end)
    this.chunkId++
    try {
      return read()
    } finally {
      this.buf = whole
      this.chunkId++
    }
  }

  async skipWhitespace(): Promise<void> {
    for (;;) {
      const buf = this.buf
      let i = this.pos
      while (i < buf.length && isWhitespace(buf[i])) i++
      this.pos = i
      if (i < buf.length || !(await this.fill())) return
    }
  }

  /** Skips a UTF-8 byte order mark (EF BB BF) at the very start, as editors on Windows write one. */
  async skipByteOrderMark(): Promise<void> {
    // Byte by byte: chunks may split it. A partial mark is left to fail as "expected '{'".
    for (const byte of [0xef, 0xbb, 0xbf]) {
      if (!(await this.fill()) || this.buf[this.pos] !== byte) return
      this.pos++
    }
  }

  /** The next non-whitespace byte, not consumed; undefined at the end of input. */
  async peek(): Promise<number | undefined> {
    await this.skipWhitespace()
    return this.pos < this.buf.length ? this.buf[this.pos] : undefined
  }

  /** Consumes byte `c` after any whitespace, or fails with `expected`. */
  async expectByte(c: number, expected: string): Promise<void> {
    if ((await this.peek()) !== c) this.fail(expected)
    this.pos++
  }

  /**
   * Reads one JSON string literal of at most `maxBytes` bytes (a section
   * name); buf[pos] is its opening quote. An escape-free literal inside one
   * chunk is decoded straight from the buffer; anything else is gathered and
   * decoded by JSON.parse, which knows every escape rule (\uXXXX surrogate
   * pairs included).
   */
  async readString(maxBytes: number, what: string): Promise<string> {
    const start = this.base + this.pos
    const tooLong = (): never => this.fail(`${what} of at most ${maxBytes} bytes`, 'a longer string', start)
    this.pos++ // opening quote
    let buf = this.buf
    let i = this.pos
    while (i < buf.length) {
      const c = buf[i]
      if (c === QUOTE) {
        if (i - this.pos > maxBytes) tooLong()
        const s = buf.toString('utf8', this.pos, i)
        this.pos = i + 1
        return s
      }
      if (c === BACKSLASH || c < 0x20) break
      i++
    }
    // Slow path: gather the raw literal, across chunks if need be.
    const parts: Uint8Array[] = []
    let total = 0
    let escaped = false
    let from = this.pos
    for (;;) {
      buf = this.buf
      i = from
      let closed = false
      for (; i < buf.length; i++) {
        const c = buf[i]
        if (escaped) {
          escaped = false
        } else if (c === BACKSLASH) {
          escaped = true
        } else if (c === QUOTE) {
          closed = true
          break
        }
      }
      total += i - from
      if (total > maxBytes) tooLong()
      parts.push(Buffer.from(buf.subarray(from, i))) // a copy: chunk buffers are reused
      if (closed) {
        this.pos = i + 1
        break
      }
      this.pos = buf.length
      if (!(await this.fill())) this.fail("a closing '\"' for the string that starts here", 'end of file', start)
      from = this.pos
    }
    const raw = Buffer.concat([Buffer.from('"'), ...parts, Buffer.from('"')])
    try {
      return JSON.parse(raw.toString('utf8')) as string
    } catch (e) {
      return this.fail('a valid JSON string', (e as Error).message, start)
    }
  }
}
