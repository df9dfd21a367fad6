/**
 * Arrays of whole numbers — the nodes and edges (records of a few fields)
 * and the small lists (`trace_function_infos`, `samples`, `locations`) —
 * read by one byte loop, scanNumbers, into a NumberSink that knows what the
 * values mean: the model's columns (columns.ts) or a growable list
 * (NumberList, here).
 *
 * Most records never reach the byte loop: after a ',' that ends a record,
 * far enough from the chunk's end, the sink hands the whole records that
 * follow to the WebAssembly fast path (records.ts). The byte loop takes what
 * the fast path leaves: a chunk's first and last records (which may be cut),
 * whitespace V8 does not write, and every error, which it reports.
 */
import { type ByteCursor, COMMA, isWhitespace, LBRACKET, NINE, RBRACKET, ZERO } from './cursor.js'
import { type FastPath, RecordOp, RecordParser } from './records.js'

/**
 * The fast path starts records only while this many bytes are left in the
 * chunk: the byte loop takes the chunk's last records, which may be cut (the
 * fast path would stop at the cut anyway, at the 0 it puts after the chunk).
 */
export const FAST_MARGIN = 128

export const enum NumState {
  /** just after '[': a number or ']' */
  ExpectValueOrEnd = 0,
  /** just after ',': a number */
  ExpectValue = 1,
  /** inside a run of digits */
  InNumber = 2,
  /** after a number (and whitespace) */
  ExpectCommaOrEnd = 3,
}

/** The byte loop's state, kept between chunks: a number, a record or the array may be split at any byte. */
export class NumberScan {
  value = 0
  /** the field of the record being read */
  field = 0
  /** records completed so far */
  records = 0

  constructor(
    /** the array's name, for errors */
    readonly section: string,
    public state: NumState = NumState.ExpectValueOrEnd,
  ) {}

  /** At a record's first value, just after its ',': where a helper thread starts reading (split.ts). */
  get atRecordStart(): boolean {
    return this.state === NumState.ExpectValue && this.field === 0
  }
}

/** Where an array's values go, and what they must be. */
export interface NumberSink {
  /** values per record (1 for a plain list) */
  readonly fieldCount: number
  /**
   * Stores `value` as field `field` of record `record`, or throws the
   * format error (a type id, a target, a value out of range). `end` is the
   * chunk index just after the number, for the error's offset.
   */
  store(value: number, field: number, record: number, end: number): void
  /**
   * The fast path, from the ',' at chunk index `comma` that ends the record
   * before `record`: stores the whole records that follow, and returns how
   * many (0: none); the byte loop goes on after `lastComma`.
   */
  fast(c: ByteCursor, comma: number, record: number): number
  /** chunk index of the ',' after the last record fast() stored */
  readonly lastComma: number
}

/**
 * Scans the array in the current chunk into `sink`; true once its ']' is
 * consumed. A plain (not async) function called once per chunk: V8 does not
 * on-stack-replace loops inside async functions, so a hot loop in one would
 * stay unoptimized for the whole array.
 */
export function scanNumbers(c: ByteCursor, scan: NumberScan, sink: NumberSink): boolean {
  const fieldCount = sink.fieldCount
  let state = scan.state
  let value = scan.value
  let field = scan.field
  let n = scan.records
  // Preload fields into locals for the loop.
  const buf = c.buf
  const len = buf.length
  let i = c.pos
  let done = false
  for (; i < len; i++) {
    let b = buf[i]
    if (b >= ZERO && b <= NINE) {
      if (state !== NumState.InNumber) {
        if (state === NumState.ExpectCommaOrEnd) fail(c, scan, i, "',' between numbers")
        value = 0
        state = NumState.InNumber
      } else if (value === 0) fail(c, scan, i, 'a number without a leading zero') // "0" so far, from the last chunk
      // Consume the whole run of digits here: most bytes are digits.
      value = value * 10 + (b - ZERO)
      while (++i < len) {
        b = buf[i]
        if (b < ZERO || b > NINE) break
        if (value === 0) fail(c, scan, i, 'a number without a leading zero') // JSON: "0" is a number, "09" is not
        value = value * 10 + (b - ZERO)
      }
      if (i === len) break // the number may go on in the next chunk
    }
    if (state === NumState.InNumber) {
      // A complete value: the sink stores it (or reports it).
      sink.store(value, field, n, i)
      if (++field === fieldCount) {
        field = 0
        n++
      }
      state = NumState.ExpectCommaOrEnd
    }
    if (b === COMMA) {
      if (state !== NumState.ExpectCommaOrEnd) fail(c, scan, i, 'a number')
      state = NumState.ExpectValue
      if (field === 0 && i + 1 + FAST_MARGIN <= len) {
        // Whole records well inside the chunk: the fast path.
        const r = sink.fast(c, i, n)
        if (r > 0) {
          n += r
          i = sink.lastComma // the byte loop goes on after it
        }
      }
    } else if (b === RBRACKET) {
      if (state === NumState.ExpectValue) fail(c, scan, i, 'a number after ,')
      done = true
      i++
      break
    } else if (!isWhitespace(b)) {
      fail(c, scan, i, 'a number')
    }
  }
  c.pos = i
  scan.state = state
  scan.value = value
  scan.field = field
  scan.records = n
  return done
}

/** The byte loop's errors: `expected` in the array, found the byte at chunk index i. */
function fail(c: ByteCursor, scan: NumberScan, i: number, expected: string): never {
  c.pos = i
  return c.fail(`${expected} in the ${scan.section} array`)
}

/** A growable Float64Array: the small sections' values, as read. */
export class NumberList implements NumberSink {
  data: Float64Array = new Float64Array(1024)
  length = 0
  readonly fieldCount = 1
  lastComma = -1
  private readonly fastPath: RecordParser | null

  constructor(fast: FastPath | null = null) {
    this.fastPath = fast === null ? null : new RecordParser(fast, [RecordOp.U32])
  }

  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1)
    this.data[this.length++] = v
  }

  store(v: number): void {
    this.push(v)
  }

  fast(c: ByteCursor, comma: number): number {
    const fast = this.fastPath
    if (fast === null) return 0
    const r = fast.parseChunk(c.buf, c.chunkId, comma + 1, c.buf.length - FAST_MARGIN + 1, 2 ** 31)
    if (r > 0) {
      this.grow(this.length + r)
      this.data.set(fast.column(0, r), this.length)
      this.length += r
      this.lastComma = fast.lastComma
    }
    return r
  }

  /** Makes room for `count` values (doubling). */
  private grow(count: number): void {
    if (count <= this.data.length) return
    let size = this.data.length * 2
    while (size < count) size *= 2
    const next = new Float64Array(size)
    next.set(this.data.subarray(0, this.length))
    this.data = next
  }
}

/** A NumberList's values: as plain data (no fast path) they cross threads. */
export interface NumberListData {
  data: Float64Array
  length: number
}

/** The list's values as plain data. */
export function listData(list: NumberListData | null): NumberListData | null {
  return list === null ? null : { data: list.data, length: list.length }
}

/** Reads a small array of whole numbers (trace_function_infos, samples, locations) from its '['. */
export async function readNumberList(c: ByteCursor, section: string, fast: FastPath): Promise<NumberList> {
  await c.expectByte(LBRACKET, `'[' to open the ${section} array`)
  const list = new NumberList(fast)
  const scan = new NumberScan(section)
  for (;;) {
    if (!(await c.fill())) c.fail(`']' to close the ${section} array`)
    if (scanNumbers(c, scan, list)) return list
  }
}
