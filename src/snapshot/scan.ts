/**
 * The streaming parser: heap snapshot JSON bytes → the columnar Snapshot.
 *
 * The file never becomes one JS string (V8 strings stop near 512 MB and a
 * production snapshot is several GB). The top-level object is walked key by
 * key; the small `snapshot` header goes through JSON.parse; the big number
 * arrays go straight into typed arrays sized from the header's counts (whole
 * records in V8's form by the WebAssembly fast path, records.ts; the rest by
 * the byte loops here, which also report every error); the `strings` section is kept as its bytes, with each
 * literal's bounds, and decoded string by string when used (see
 * StringTable; literals with escapes are decoded and checked here, by
 * JSON.parse). Sections we do not know (Chromium's `scopes…`) are skipped
 * without being stored.
 *
 * Everything is validated here, once, so the analyses trust the arrays:
 * counts against the header, every `to_node` (a multiple of the node field
 * count, inside the node array), every type id and every string index.
 *
 * Each scan* method is synchronous over the current chunk and keeps its
 * state in fields, so a token may be split across chunks at any byte. A
 * chunk is not kept once the next is asked for: the source may reuse its
 * buffer, so whatever must outlive it is copied.
 */
import { SnapshotFormatError } from './errors.js'
import { EdgeField, NodeField, readLayout, type Layout } from './layout.js'
import { Snapshot, type Locations, type Samples, type TraceFunctionInfos, type TraceTree } from './snapshot.js'
import type { StringTableParts } from './strings.js'
import { FastPath, RecordOp, RecordParser, StringLiterals } from './records.js'
// The model's columns live in shared memory: the helper threads read them without a copy.
import { sharedU32, sharedU8 } from './shared-arrays.js'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const LBRACKET = 0x5b
const RBRACKET = 0x5d
const LBRACE = 0x7b
const RBRACE = 0x7d
const ZERO = 0x30
const NINE = 0x39
/** the largest value a Uint32 column holds */
const MAX_U32 = 0xffffffff
/**
 * The record fast path starts records only while this many bytes are left in
 * the chunk: the byte loop takes the chunk's last records, which may be cut
 * (the fast path would stop at the cut anyway, at the 0 it puts after the chunk).
 */
const FAST_MARGIN = 128

/** The `snapshot` header is small; anything bigger is not a heap snapshot header. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024
/** When the input size is unknown, arrays start this small and grow up to the header's claim. */
const UNKNOWN_SIZE_START = 1 << 20
/** The strings section's bytes start this big when the input's size is unknown (gzip, stdin), then double. */
const UNKNOWN_STRING_BYTES = 16 << 20
/** Offsets into the strings section are Uint32: it must stay under 4 GiB. */
const MAX_STRING_BYTES = 2 ** 32 - 1
/**
 * Deflate cannot expand more than ~1032:1, so a gzip file of C bytes holds at
 * most this many times C bytes of JSON. Used to refuse headers that claim far
 * more nodes than the file could hold, before allocating on their word.
 */
const MAX_GZIP_RATIO = 1100

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

/** Describes a byte for an error message. */
function describeByte(c: number | undefined): string {
  if (c === undefined) return 'end of file'
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`
  return `byte 0x${c.toString(16).padStart(2, '0')}`
}

/** A growable Float64Array for the small optional sections. */
class NumberList {
  data: Float64Array = new Float64Array(1024)
  length = 0
  /** A list that crossed threads (structured cloning keeps the fields, not the class). */
  static from(d: NumberListData | null): NumberList | null {
    if (d === null) return null
    const list = new NumberList()
    list.data = d.data
    list.length = d.length
    return list
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow()
    this.data[this.length++] = v
  }
  grow(): void {
    const next = new Float64Array(this.data.length * 2)
    next.set(this.data)
    this.data = next
  }
}

export interface ScanSource {
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
  /** a helper that parses the rest of the file meanwhile (plain files; rest-thread.ts), if any */
  rest?: RestParser
}

/**
 * Parses the rest of a plain file on another thread, from part-way through
 * the edges array to the end, while the scanner parses the start (see
 * readRecords). `begin` starts at the first record boundary after byte
 * `from`; `seen` are the sections the scanner has read so far.
 */
export interface RestParser {
  begin(layout: Layout, from: number, seen: string[]): PendingRest
  /** split only when at least this many bytes are left at the edges array's start (default SPLIT_MIN_BYTES) */
  minBytes?: number
}

export interface PendingRest {
  /** the byte where the helper's records start (a record's first value), or null: it found no place to start */
  start: Promise<number | null>
  result: Promise<Rest>
}

/**
 * What the helper read from `start` to the end of the file: the rest of the
 * edges array (`count` whole records and `field` values of a cut one, its
 * ']' at `end`), then the sections after it. `fallback`: the scanner reads
 * on from the split itself: the helper found an error (the scanner finds
 * and reports it as on one thread) or a section it does not read (the
 * nodes, after the edges).
 */
export type Rest =
  | {
      start: number
      edges: {
        end: number
        count: number
        field: number
        edgeType: Uint8Array
        edgeNameOrIndex: Uint32Array
        edgeTarget: Uint32Array
        maxName: number
      }
      sections: RestSections
    }
  | { fallback: true }

/** The sections after the edges array, as the scanner keeps them. */
export interface RestSections {
  strings: StringTableParts | null
  traceFunctionInfoValues: NumberListData | null
  sampleValues: NumberListData | null
  locationValues: NumberListData | null
  traceTree: TraceTree | null
  seen: string[]
}

interface NumberListData {
  data: Float64Array
  length: number
}

/**
 * Where an edge record starts in `bytes` (part of an edges array, from any
 * byte): the index of the first digit of a value that follows a ',', chosen
 * so that the SPLIT_SAMPLE_RECORDS records from there all fit the layout
 * (type ids below the type count, targets multiples of the node field count
 * inside the node array), and no other alignment of the fields fits them.
 * -1 when there is no such place (not an edges array, too few values, or
 * more than one alignment fits). V8 writes no marker between records that
 * every version keeps (newer ones write no newlines), so the values decide;
 * the scanner checks the guess against its own count of fields.
 */
export function recordStart(bytes: Uint8Array, layout: Layout): number {
  const fields = layout.edgeFieldCount
  const need = (SPLIT_SAMPLE_RECORDS + 1) * fields
  const values: number[] = []
  const starts: number[] = []
  let i = bytes.indexOf(COMMA)
  if (i < 0) return -1
  i++
  while (values.length < need) {
    while (i < bytes.length && isWhitespace(bytes[i])) i++
    if (i >= bytes.length || bytes[i] < ZERO || bytes[i] > NINE) return -1
    starts.push(i)
    let v = 0
    while (i < bytes.length && bytes[i] >= ZERO && bytes[i] <= NINE) v = v * 10 + (bytes[i++] - ZERO)
    if (i >= bytes.length) return -1 // the value may go on
    values.push(v)
    while (i < bytes.length && isWhitespace(bytes[i])) i++
    if (bytes[i] !== COMMA) return -1
    i++
  }
  const typeAt = layout.edgeFieldKinds.indexOf(EdgeField.Type)
  const toNodeAt = layout.edgeFieldKinds.indexOf(EdgeField.ToNode)
  const typeCount = layout.edgeTypeNames.length
  const nodeLimit = layout.nodeCount * layout.nodeFieldCount
  let found = -1
  for (let p = 0; p < fields; p++) {
    let fits = true
    for (let r = p; r + fields <= values.length && fits; r += fields) {
      if (typeAt >= 0 && values[r + typeAt] >= typeCount) fits = false
      const to = values[r + toNodeAt]
      if (toNodeAt >= 0 && (to >= nodeLimit || to % layout.nodeFieldCount !== 0)) fits = false
    }
    if (fits) {
      if (found >= 0) return -1
      found = p
    }
  }
  return found < 0 ? -1 : starts[found]
}

/** Thrown on the helper's side to hand the rest back to the scanner (see Rest's `fallback`). */
class Fallback extends Error {}

/** Files whose rest after the edges array starts is shorter than this are parsed on one thread. */
const SPLIT_MIN_BYTES = 16 << 20
/**
 * Where the helper starts: this fraction of the way from the start of the
 * edges array to the end of the file (more than half: the sections after
 * the edges parse slower than edge records), but at most SPLIT_MAX_EDGES of
 * the edges array's estimated length (the helper must start inside it).
 */
const SPLIT_AT = 0.6
const SPLIT_MAX_EDGES = 0.9
/**
 * The same, from the start of the nodes array, where the split is asked for
 * when the nodes come first (see beginSplit): measured at 150 MB, this
 * thread reads the nodes and the edges up to there in about the time the
 * helper reads the rest.
 */
const SPLIT_AT_NODES = 0.53
/** The helper looks for a record's start within this many bytes of its offset... */
const SPLIT_WINDOW = 1 << 16
/** ...from this many records' values, which only one alignment of the fields may fit. */
const SPLIT_SAMPLE_RECORDS = 64

const enum StringState {
  StringOrEnd = 0, // just after '['
  String = 1, // just after ','
  CommaOrEnd = 2, // after a string
  InString = 3, // inside a literal
}

const enum NumState {
  ExpectValueOrEnd = 0, // just after '[': a number or ']'
  ExpectValue = 1, // just after ',': a number
  InNumber = 2, // inside a run of digits
  ExpectCommaOrEnd = 3, // after a number (and whitespace)
}

export class SnapshotScanner {
  private buf: Buffer = Buffer.alloc(0)
  private pos = 0
  /** absolute offset of buf[0] in the decompressed stream */
  private base = 0
  private eof = false

  private layout: Layout | null = null
  private warnings: string[] = []

  // Node columns (allocated when the header is read).
  private nodeType: Uint8Array = new Uint8Array(0)
  private nodeNameIndex: Uint32Array = new Uint32Array(0)
  private nodeId: Uint32Array = new Uint32Array(0)
  private v8SelfSize: Uint32Array = new Uint32Array(0)
  /** edge count of node n at [n + 1] while parsing; prefix-summed into CSR offsets at the end */
  private firstEdge: Uint32Array = new Uint32Array(0)
  private nodeTraceNodeId: Uint32Array | null = null
  private nodeDetachedness: Uint8Array | null = null
  private nodeCapacity = 0
  private nodesRead = -1 // -1: section not seen

  private edgeType: Uint8Array = new Uint8Array(0)
  private edgeNameOrIndex: Uint32Array = new Uint32Array(0)
  private edgeTarget: Uint32Array = new Uint32Array(0)
  private edgeCapacity = 0
  private edgesRead = -1

  private strings: StringTableParts | null = null
  private traceFunctionInfoValues: NumberList | null = null
  private sampleValues: NumberList | null = null
  private locationValues: NumberList | null = null
  private traceTree: TraceTree | null = null

  constructor(
    private readonly file: string,
    private readonly source: ScanSource,
  ) {}

  // ---------------------------------------------------------------------------
  // Byte access

  private fail(expected: string, found?: string, offset?: number): never {
    const at = offset ?? this.base + this.pos
    throw new SnapshotFormatError(this.file, at, expected, found ?? describeByte(this.pos < this.buf.length ? this.buf[this.pos] : undefined))
  }

  /** Makes buf[pos] readable; false at the end of input. */
  private async fill(): Promise<boolean> {
    while (this.pos >= this.buf.length) {
      if (this.eof) return false
      const chunk = await this.source.next()
      this.base += this.buf.length
      this.pos = 0
      if (chunk === null) {
        this.eof = true
        this.buf = Buffer.alloc(0)
        return false
      }
      this.buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      this.fastChunk = null
    }
    return true
  }

  private async skipWhitespace(): Promise<void> {
    for (;;) {
      const buf = this.buf
      let i = this.pos
      while (i < buf.length && isWhitespace(buf[i])) i++
      this.pos = i
      if (i < buf.length || !(await this.fill())) return
    }
  }

  /** Skips a UTF-8 byte order mark (EF BB BF) at the very start, as editors on Windows write one. */
  private async skipByteOrderMark(): Promise<void> {
    // Byte by byte: chunks may split it. A partial mark is left to fail as "expected '{'".
    for (const byte of [0xef, 0xbb, 0xbf]) {
      if (!(await this.fill()) || this.buf[this.pos] !== byte) return
      this.pos++
    }
  }

  /** The next non-whitespace byte, not consumed; undefined at the end of input. */
  private async peek(): Promise<number | undefined> {
    await this.skipWhitespace()
    return this.pos < this.buf.length ? this.buf[this.pos] : undefined
  }

  private async expectByte(c: number, expected: string): Promise<void> {
    if ((await this.peek()) !== c) this.fail(expected)
    this.pos++
  }

  // ---------------------------------------------------------------------------
  // Top level

  async parse(): Promise<Snapshot> {
    await this.skipByteOrderMark()
    const first = await this.peek()
    if (first === undefined)
      this.fail("'{' (a heap snapshot is a JSON object)", this.base + this.pos === 0 ? 'end of file (the input is empty)' : 'end of file')
    if (first !== LBRACE) this.fail("'{' (a heap snapshot is a JSON object)")
    this.pos++
    if ((await this.peek()) === RBRACE) this.fail('the "snapshot" header', "'}' (an empty object)")
    await this.readMembers()
    return this.finish()
  }

  /** the sections read so far */
  private seen = new Set<string>()
  /** set when a helper has read the rest of the file (readRecords) */
  private restDone = false
  /** on a helper thread: reading the rest of a file for a scanner (readRest) */
  private readingRest = false

  /** The top-level members, from a key to the end of the file. */
  private async readMembers(): Promise<void> {
    for (;;) {
      const keyOffset = this.base + this.pos
      if ((await this.peek()) !== QUOTE) this.fail('a section name in quotes')
      const key = await this.readString(1 << 16)
      if (this.seen.has(key)) this.fail(`each section once`, `a second "${key}"`, keyOffset)
      this.seen.add(key)
      await this.expectByte(COLON, `':' after "${key}"`)
      await this.readSection(key, keyOffset)
      if (this.restDone) return
      if (await this.afterMember(key)) break
    }
    if ((await this.peek()) !== undefined) this.fail('the end of the file after the snapshot object')
  }

  /** After a member's value: true at the object's '}', false after a ','. */
  private async afterMember(key: string): Promise<boolean> {
    const next = await this.peek()
    if (next === COMMA) {
      this.pos++
      return false
    }
    if (next === RBRACE) {
      this.pos++
      return true
    }
    this.fail(`',' or '}' after the "${key}" section`)
  }

  private async readSection(key: string, keyOffset: number): Promise<void> {
    if (this.readingRest && (key === 'nodes' || key === 'snapshot')) throw new Fallback()
    if (key === 'snapshot') {
      const at = this.base + this.pos
      const raw = await this.captureValue(MAX_HEADER_BYTES, 'the "snapshot" header')
      let header: unknown
      try {
        header = JSON.parse(raw)
      } catch (e) {
        this.fail('a valid JSON "snapshot" header', (e as Error).message, at)
      }
      this.layout = readLayout(this.file, header, at)
      this.allocate(at)
      return
    }
    const known = ['nodes', 'edges', 'strings', 'trace_function_infos', 'trace_tree', 'samples', 'locations']
    if (known.includes(key) && this.layout === null) {
      this.fail('the "snapshot" header before the data sections', `"${key}" first`, keyOffset)
    }
    switch (key) {
      case 'nodes':
        return this.readNodes()
      case 'edges':
        return this.readEdges()
      case 'strings':
        return this.readStrings()
      case 'trace_function_infos':
        this.traceFunctionInfoValues = await this.readNumberList(key)
        return
      case 'samples':
        this.sampleValues = await this.readNumberList(key)
        return
      case 'locations':
        this.locationValues = await this.readNumberList(key)
        return
      case 'trace_tree':
        return this.readTraceTree()
      default:
        return this.skipValue(key)
    }
  }

  /** Sizes the columns from the header, refusing counts the input could not hold. */
  private allocate(headerOffset: number): void {
    const l = this.layout as Layout
    const bound = this.source.sizeBound
    // Each number takes at least two bytes ("0,"), so a header that claims more
    // values than the input could hold is refused before any allocation.
    const claimedBytes = 2 * (l.nodeCount * l.nodeFieldCount + l.edgeCount * l.edgeFieldCount)
    if (bound !== null && claimedBytes > bound) {
      throw new SnapshotFormatError(
        this.file,
        headerOffset,
        `node and edge counts that fit the file (at most ${bound} bytes of JSON)`,
        `node_count ${l.nodeCount} and edge_count ${l.edgeCount}, which need at least ${claimedBytes} bytes: the file is truncated, or its header is wrong`,
      )
    }
    this.nodeCapacity = bound === null ? Math.min(l.nodeCount, UNKNOWN_SIZE_START) : l.nodeCount
    this.edgeCapacity = bound === null ? Math.min(l.edgeCount, UNKNOWN_SIZE_START * 4) : l.edgeCount
    this.allocateNodes(this.nodeCapacity)
    this.allocateEdges(this.edgeCapacity)
  }

  private allocateNodes(capacity: number): void {
    const l = this.layout as Layout
    const grow = <T extends Uint8Array | Uint32Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity)
      next.set(old.subarray(0, Math.min(old.length, capacity)))
      return next
    }
    this.nodeType = grow(this.nodeType, sharedU8)
    this.nodeNameIndex = grow(this.nodeNameIndex, sharedU32)
    this.nodeId = grow(this.nodeId, sharedU32)
    this.v8SelfSize = grow(this.v8SelfSize, sharedU32)
    const fe = sharedU32(capacity + 1)
    fe.set(this.firstEdge.subarray(0, Math.min(this.firstEdge.length, capacity + 1)))
    this.firstEdge = fe
    if (l.hasTraceNodeId) this.nodeTraceNodeId = grow(this.nodeTraceNodeId ?? new Uint32Array(0), sharedU32)
    if (l.hasDetachedness) this.nodeDetachedness = grow(this.nodeDetachedness ?? new Uint8Array(0), sharedU8)
    this.nodeCapacity = capacity
  }

  private allocateEdges(capacity: number): void {
    const t = sharedU8(capacity)
    t.set(this.edgeType.subarray(0, Math.min(this.edgeType.length, capacity)))
    const n = sharedU32(capacity)
    n.set(this.edgeNameOrIndex.subarray(0, Math.min(this.edgeNameOrIndex.length, capacity)))
    const g = sharedU32(capacity)
    g.set(this.edgeTarget.subarray(0, Math.min(this.edgeTarget.length, capacity)))
    this.edgeType = t
    this.edgeNameOrIndex = n
    this.edgeTarget = g
    this.edgeCapacity = capacity
  }

  // ---------------------------------------------------------------------------
  // nodes

  // Number-array scan state, kept in fields so a number, a record or the
  // array itself may be split across chunks at any byte.
  private numState: NumState = NumState.ExpectValueOrEnd
  private numValue = 0
  private numField = 0
  /** records (nodes or edges) completed so far */
  private numRecords = 0

  /**
   * The chunk loops are plain (not async) methods called once per chunk: V8
   * does not on-stack-replace loops inside async functions, so a hot loop in
   * one would stay unoptimized for the whole array.
   */
  private async readRecords(section: 'nodes' | 'edges', scanChunk: () => boolean, claimed: number): Promise<void> {
    await this.expectByte(LBRACKET, `'[' to open the ${section} array`)
    this.startRecords(section, NumState.ExpectValueOrEnd)
    let split: { from: number; pending: PendingRest } | null = null
    if (section === 'nodes') {
      this.nodesSplit = this.beginSplit('nodes')
    } else {
      split = this.nodesSplit ?? this.beginSplit('edges')
      this.nodesSplit = null
    }
    for (;;) {
      if (!(await this.fill())) {
        this.fail(
          `${claimed} ${section} (${section === 'nodes' ? 'node_count' : 'edge_count'}) in the ${section} array`,
          `end of file after ${this.numRecords} ${section}`,
        )
      }
      if (split !== null && this.base + this.buf.length > split.from) {
        const start = await split.pending.start
        if (start === null || start <= this.base + this.pos) {
          split = null
        } else if (start <= this.base + this.buf.length) {
          // Scan up to the helper's start; from there the helper has read the rest of the file.
          const pending = split.pending
          split = null
          if (this.scanUpTo(start - this.base, scanChunk)) break
          if ((this.numState as NumState) === NumState.ExpectValue && this.numField === 0) {
            if (this.takeRest(await pending.result)) break
          }
          // Not at a record's first value there (the helper's guess at the alignment of the
          // fields was wrong), or a rest the helper did not read whole: this scanner goes on.
          continue
        }
      }
      if (scanChunk()) break
    }
    // The largest string index named: by the fast path's records and the byte loop's.
    const maxName = this.recordsMaxName()
    // (The edges' may hold the helper's part already: takeRest.)
    if (section === 'nodes') this.maxNodeName = Math.max(this.maxNodeName, maxName)
    else this.maxEdgeName = Math.max(this.maxEdgeName, maxName)
    this.byteLoopMaxName = -1
    this.fast = null
    if (this.restDone) return // counted in takeRest
    this.checkRecordCount(section, this.numRecords, this.numField, claimed, this.base + this.pos - 1)
  }

  /** Sets up the fast path and the byte loop's state for a records array, in `state`. */
  private startRecords(section: 'nodes' | 'edges', state: NumState): void {
    const l = this.layout as Layout
    this.fastKinds = section === 'nodes' ? l.nodeFieldKinds : l.edgeFieldKinds
    this.fast = section === 'nodes' ? this.nodeRecordParser(l) : this.edgeRecordParser(l)
    this.fastChunk = null
    this.numState = state
    this.numValue = 0
    this.numField = 0
    this.numRecords = 0
  }

  /** The largest string index the records read so far name: by the fast path's and the byte loop's. */
  private recordsMaxName(): number {
    return Math.max((this.fast as RecordParser).maxName, this.byteLoopMaxName)
  }

  private checkRecordCount(section: 'nodes' | 'edges', n: number, field: number, claimed: number, offset: number): void {
    const fieldCount = section === 'nodes' ? (this.layout as Layout).nodeFieldCount : (this.layout as Layout).edgeFieldCount
    if (field !== 0 || n !== claimed) {
      this.fail(
        `${claimed} ${section} of ${fieldCount} fields (${section === 'nodes' ? 'node_count' : 'edge_count'}) in the ${section} array`,
        `${n * fieldCount + field} values (${field === 0 ? n + ' ' + section : 'not a whole number of ' + section})`,
        offset,
      )
    }
  }

  private nodeRecordParser(l: Layout): RecordParser {
    return new RecordParser(
      this.wasm,
      [...l.nodeFieldKinds].map((k) =>
        k === NodeField.Type ? RecordOp.Type : k === NodeField.Detachedness ? RecordOp.U8 : k === NodeField.Ignore ? RecordOp.Skip : RecordOp.U32,
      ),
      { typeCount: l.nodeTypeNames.length, nameField: l.nodeFieldKinds.indexOf(NodeField.Name) },
    )
  }

  private edgeRecordParser(l: Layout): RecordParser {
    return new RecordParser(
      this.wasm,
      [...l.edgeFieldKinds].map((k) =>
        k === EdgeField.Type ? RecordOp.Type : k === EdgeField.ToNode ? RecordOp.Target : k === EdgeField.Ignore ? RecordOp.Skip : RecordOp.U32,
      ),
      {
        typeCount: l.edgeTypeNames.length,
        nodeFieldCount: l.nodeFieldCount,
        nodeLimit: l.nodeCount * l.nodeFieldCount,
        nameField: l.edgeFieldKinds.indexOf(EdgeField.NameOrIndex),
        indexTypes: [this.elementType(), this.hiddenType()].reduce((bits, t) => (t >= 0 && t < 32 ? bits | (1 << t) : bits), 0),
      },
    )
  }

  // ---------------------------------------------------------------------------
  // Two threads (plain files)
  //
  // The edges array is most of a snapshot. When the source has a helper, the
  // scanner asks it, at the start of the edges array, to read the file from a
  // point part-way through it (about half the bytes left) to the end: the
  // rest of the edges and every section after them, exactly as this scanner
  // would (the same code, on another SnapshotScanner). The helper starts at
  // what it takes for a record's first value (recordStart: the alignment of
  // the fields that the values there fit); the scanner parses up to there,
  // and takes the helper's rest only if its own scan is then at a record's
  // first value, the state the helper starts in. Otherwise, or if the helper
  // meets a section it does not read or an error, this scanner goes on from
  // there as if there were no helper: errors come out as on one thread.

  /**
   * Asks the helper, if any, to read the rest of the file from part-way
   * through the edges; null to read it all here. Asked at the start of the
   * nodes array (so that the helper works while this thread reads the
   * nodes), with the split placed past their estimated end; or, if that
   * cannot be, at the start of the edges array.
   */
  private beginSplit(section: 'nodes' | 'edges'): { from: number; pending: PendingRest } | null {
    const helper = this.source.rest
    // Offsets in the stream must be offsets in the file (not so for gzip). One split per file.
    if (helper === undefined || this.splitAsked || !this.source.sizeExact || this.source.sizeBound === null) return null
    const l = this.layout as Layout
    // Bytes per record in the first records, to place the split inside the edges array.
    const fields = section === 'nodes' ? l.nodeFieldCount : l.edgeFieldCount
    const sample = this.buf.subarray(this.pos, Math.min(this.buf.length, this.pos + (1 << 18)))
    let commas = 0
    for (let i = 0; i < sample.length; i++) if (sample[i] === COMMA) commas++
    const records = commas / fields
    if (records < 64) return null
    const here = this.base + this.pos
    const left = this.source.sizeBound - here
    if (left < (helper.minBytes ?? SPLIT_MIN_BYTES)) return null
    const bytes = (sample.length / records) * (section === 'nodes' ? l.nodeCount : l.edgeCount)
    let from: number
    if (section === 'nodes') {
      from = Math.floor(here + left * SPLIT_AT_NODES)
      if (from < here + bytes * 1.1) return null
    } else {
      from = Math.floor(here + Math.min(left * SPLIT_AT, bytes * SPLIT_MAX_EDGES))
    }
    this.splitAsked = true
    return { from, pending: helper.begin(l, from, [...this.seen]) }
  }

  /** whether the helper has been asked for the rest (it reads one) */
  private splitAsked = false

  /** the split asked for at the start of the nodes array, for the edges array's loop */
  private nodesSplit: { from: number; pending: PendingRest } | null = null

  /** Scans this chunk only up to index `end`; true if the array ended before it. */
  private scanUpTo(end: number, scanChunk: () => boolean): boolean {
    const whole = this.buf
    this.buf = whole.subarray(0, end)
    this.fastChunk = null
    try {
      return scanChunk()
    } finally {
      this.buf = whole
      this.fastChunk = null
    }
  }

  /**
   * Takes the helper's rest of the file into this scanner, if it read it
   * whole and without error and the edge count adds up; false otherwise. A
   * broken file is then read on from the split here, so that its first
   * error is reported exactly as on one thread (slower, but only for a file
   * that fails anyway).
   */
  private takeRest(rest: Rest): boolean {
    if (!('edges' in rest)) return false
    const { edges, sections } = rest
    const m = this.numRecords
    if (edges.field !== 0 || m + edges.count !== (this.layout as Layout).edgeCount) return false
    this.edgeType.set(edges.edgeType, m)
    this.edgeNameOrIndex.set(edges.edgeNameOrIndex, m)
    this.edgeTarget.set(edges.edgeTarget, m)
    this.numRecords = m + edges.count
    this.maxEdgeName = Math.max(this.maxEdgeName, edges.maxName)
    this.strings = sections.strings
    this.traceFunctionInfoValues = NumberList.from(sections.traceFunctionInfoValues)
    this.sampleValues = NumberList.from(sections.sampleValues)
    this.locationValues = NumberList.from(sections.locationValues)
    this.traceTree = sections.traceTree
    for (const key of sections.seen) this.seen.add(key)
    this.restDone = true
    return true
  }

  /**
   * The helper's side: this scanner's source starts at byte `from` of the
   * file (its base). Finds a record's start there (recordStart), reports it
   * through `onStart` (or null), and reads from there to the end of the
   * file: edge records to the edges array's ']', then the sections after it.
   */
  async readRest(layout: Layout, from: number, seen: string[], onStart: (start: number | null) => void): Promise<Rest> {
    this.layout = layout
    this.base = from
    if (!(await this.fill())) {
      onStart(null)
      return { fallback: true }
    }
    const at = recordStart(this.buf.subarray(0, SPLIT_WINDOW), layout)
    if (at < 0) {
      onStart(null)
      return { fallback: true }
    }
    const start = this.base + at
    onStart(start)
    this.pos = at
    this.allocateEdges(layout.edgeCount)
    // At a record's first value, after its ',': as the scanner stops there.
    this.startRecords('edges', NumState.ExpectValue)
    try {
      for (;;) {
        if (!(await this.fill())) return { fallback: true } // the scanner reports the end of file
        if (this.scanEdgesChunk()) break
      }
      const count = this.numRecords
      const edges = {
        end: this.base + this.pos - 1,
        count,
        field: this.numField,
        edgeType: this.edgeType.subarray(0, count),
        edgeNameOrIndex: this.edgeNameOrIndex.subarray(0, count),
        edgeTarget: this.edgeTarget.subarray(0, count),
        maxName: this.recordsMaxName(),
      }
      this.fast = null
      this.readingRest = true
      for (const key of seen) this.seen.add(key)
      this.seen.add('edges')
      if (!(await this.afterMember('edges'))) await this.readMembers()
      else if ((await this.peek()) !== undefined) this.fail('the end of the file after the snapshot object')
      const sections: RestSections = {
        strings: this.strings,
        traceFunctionInfoValues: this.traceFunctionInfoValues,
        sampleValues: this.sampleValues,
        locationValues: this.locationValues,
        traceTree: this.traceTree,
        seen: [...this.seen],
      }
      return { start, edges, sections }
    } catch (e) {
      // Not the helper's to report: the scanner reads on from the split and finds it.
      if (e instanceof Fallback || e instanceof SnapshotFormatError) return { fallback: true }
      throw e
    }
  }

  /** the WebAssembly fast paths' instance (records.ts), made on first use */
  private wasmInstance: FastPath | null = null
  private get wasm(): FastPath {
    if (this.wasmInstance === null) this.wasmInstance = new FastPath()
    return this.wasmInstance
  }
  /**
   * The largest string index the nodes' names and the edges' names (not
   * their indexes) hold, -1 for none: finish() checks these against the
   * string count rather than every record. byteLoopMaxName is the byte
   * loops' share in the section being read.
   */
  private maxNodeName = -1
  private maxEdgeName = -1
  private byteLoopMaxName = -1

  private elementType(): number {
    return (this.layout as Layout).edgeTypeNames.indexOf('element')
  }

  private hiddenType(): number {
    return (this.layout as Layout).edgeTypeNames.indexOf('hidden')
  }

  /** self sizes of 4 GiB or more: how many, and the largest */
  private oversized = 0
  private largestOversized = 0

  /**
   * A value of 2^32 or more, ending at chunk index i: the columns are Uint32.
   * A self size is kept as 2^32 - 1, with a warning (an ArrayBuffer's
   * backing store can be that big); anything else (ids, indexes, counts)
   * cannot be, and fails.
   */
  private tooBig(value: number, selfSize: boolean, section: string, i: number): number {
    if (!selfSize) {
      this.fail(`a number below 2^32 in the ${section} array`, String(value), this.base + i - String(value).length)
    }
    this.oversized++
    this.largestOversized = Math.max(this.largestOversized, value)
    return MAX_U32
  }

  /** the fast path of the section being read, the chunk it holds, and the section's field kinds */
  private fast: RecordParser | null = null
  private fastChunk: Uint8Array | null = null
  private fastKinds: Uint8Array = new Uint8Array(0)

  /**
   * The fast path from chunk index i, a ',' that ends a record: parses the
   * whole records after it (at most `room`) and copies them into the
   * section's columns from record `at`. `byKind` holds the column of each
   * field kind (NodeField or EdgeField), indexed by record. Returns how many records it stored;
   * the byte loop goes on after `fast.lastComma`.
   */
  private fastRecords(i: number, at: number, room: number, byKind: readonly (Uint8Array | Uint32Array | null)[]): number {
    const r = this.fastParse(i, room)
    if (r > 0) {
      const fast = this.fast as RecordParser
      const kinds = this.fastKinds
      for (let f = 0; f < kinds.length; f++) byKind[kinds[f]]?.set(fast.column(f, r), at)
    }
    return r
  }

  /** The fast path's records after the ',' at chunk index i (at most `max`), loading the chunk into it first if need be. */
  private fastParse(i: number, max: number): number {
    const buf = this.buf
    const fast = this.fast as RecordParser
    if (this.fastChunk !== buf) {
      fast.load(buf)
      this.fastChunk = buf
    }
    return fast.parse(i + 1, buf.length - FAST_MARGIN + 1, max)
  }

  private async readNodes(): Promise<void> {
    const l = this.layout as Layout
    await this.readRecords('nodes', () => this.scanNodesChunk(), l.nodeCount)
    this.nodesRead = this.numRecords
  }

  private async readEdges(): Promise<void> {
    const l = this.layout as Layout
    await this.readRecords('edges', () => this.scanEdgesChunk(), l.edgeCount)
    this.edgesRead = this.numRecords
  }

  /** Scans the nodes array in the current chunk; true once its ']' is consumed. */
  private scanNodesChunk(): boolean {
    const l = this.layout as Layout
    const kinds = l.nodeFieldKinds
    const fieldCount = l.nodeFieldCount
    const typeCount = l.nodeTypeNames.length
    const claimed = l.nodeCount
    let state = this.numState
    let value = this.numValue
    let field = this.numField
    let n = this.numRecords
    // Preload fields into locals for the hot loop.
    const buf = this.buf
    const len = buf.length
    let i = this.pos
    let done = false
    let nodeType = this.nodeType
    let nodeNameIndex = this.nodeNameIndex
    let nodeId = this.nodeId
    let v8SelfSize = this.v8SelfSize
    let firstEdge = this.firstEdge
    let nodeTraceNodeId = this.nodeTraceNodeId as Uint32Array
    let nodeDetachedness = this.nodeDetachedness as Uint8Array
    let capacity = this.nodeCapacity
    for (; i < len; i++) {
      let c = buf[i]
      if (c >= ZERO && c <= NINE) {
        if (state !== NumState.InNumber) {
          if (state === NumState.ExpectCommaOrEnd) {
            this.pos = i
            this.fail("',' between numbers in the nodes array")
          }
          value = 0
          state = NumState.InNumber
        }
        // Consume the whole run of digits here: most bytes are digits.
        value = value * 10 + (c - ZERO)
        while (++i < len) {
          c = buf[i]
          if (c < ZERO || c > NINE) break
          value = value * 10 + (c - ZERO)
        }
        if (i === len) break // the number may go on in the next chunk
      }
      if (state === NumState.InNumber) {
        // A complete value: store it in its column.
        if (value > MAX_U32) value = this.tooBig(value, kinds[field] === NodeField.SelfSize, 'nodes', i)
        if (n >= capacity) {
          if (n >= claimed) {
            this.pos = i
            this.fail(`${claimed} nodes (node_count)`, 'more values in the nodes array')
          }
          this.allocateNodes(Math.min(claimed, capacity * 2))
          capacity = this.nodeCapacity
          nodeType = this.nodeType
          nodeNameIndex = this.nodeNameIndex
          nodeId = this.nodeId
          v8SelfSize = this.v8SelfSize
          firstEdge = this.firstEdge
          nodeTraceNodeId = this.nodeTraceNodeId as Uint32Array
          nodeDetachedness = this.nodeDetachedness as Uint8Array
        }
        switch (kinds[field]) {
          case NodeField.Type:
            if (value >= typeCount) {
              this.pos = i
              this.fail(`a node type index below ${typeCount}`, String(value), this.base + i - String(value).length)
            }
            nodeType[n] = value
            break
          case NodeField.Name:
            nodeNameIndex[n] = value
            if (value > this.byteLoopMaxName) this.byteLoopMaxName = value
            break
          case NodeField.Id:
            nodeId[n] = value
            break
          case NodeField.SelfSize:
            v8SelfSize[n] = value
            break
          case NodeField.EdgeCount:
            firstEdge[n + 1] = value
            break
          case NodeField.TraceNodeId:
            nodeTraceNodeId[n] = value
            break
          case NodeField.Detachedness:
            nodeDetachedness[n] = value
            break
        }
        if (++field === fieldCount) {
          field = 0
          n++
        }
        state = NumState.ExpectCommaOrEnd
      }
      if (c === COMMA) {
        if (state !== NumState.ExpectCommaOrEnd) {
          this.pos = i
          this.fail('a number in the nodes array')
        }
        state = NumState.ExpectValue
        if (field === 0 && i + 1 + FAST_MARGIN <= len && n < capacity) {
          // Whole records well inside the chunk: the fast path (records.ts).
          // firstEdge[n + 1] holds node n's edge count until finish() sums them.
          const r = this.fastRecords(i, n, capacity - n, [
            null,
            nodeType,
            nodeNameIndex,
            nodeId,
            v8SelfSize,
            firstEdge.subarray(1),
            nodeTraceNodeId,
            nodeDetachedness,
          ])
          if (r > 0) {
            n += r
            i = (this.fast as RecordParser).lastComma // the byte loop goes on after it
          }
        }
      } else if (c === RBRACKET) {
        if (state === NumState.ExpectValue) {
          this.pos = i
          this.fail('a number after , in the nodes array')
        }
        done = true
        i++
        break
      } else if (!isWhitespace(c)) {
        this.pos = i
        this.fail('a number in the nodes array')
      }
    }
    this.pos = i
    this.numState = state
    this.numValue = value
    this.numField = field
    this.numRecords = n
    return done
  }

  /** Scans the edges array in the current chunk; true once its ']' is consumed. */
  private scanEdgesChunk(): boolean {
    const l = this.layout as Layout
    const kinds = l.edgeFieldKinds
    const fieldCount = l.edgeFieldCount
    const typeCount = l.edgeTypeNames.length
    const nodeFieldCount = l.nodeFieldCount
    const nodeLimit = l.nodeCount * nodeFieldCount
    const elementType = this.elementType()
    const hiddenType = this.hiddenType()
    // Multiplying by the reciprocal and checking the product is cheaper than
    // a division per edge; exact for every value below 2^32.
    const inverse = 1 / nodeFieldCount
    const claimed = l.edgeCount
    let state = this.numState
    let value = this.numValue
    let field = this.numField
    let e = this.numRecords
    const buf = this.buf
    const len = buf.length
    let i = this.pos
    let done = false
    let edgeType = this.edgeType
    let edgeNameOrIndex = this.edgeNameOrIndex
    let edgeTarget = this.edgeTarget
    let capacity = this.edgeCapacity
    for (; i < len; i++) {
      let c = buf[i]
      if (c >= ZERO && c <= NINE) {
        if (state !== NumState.InNumber) {
          if (state === NumState.ExpectCommaOrEnd) {
            this.pos = i
            this.fail("',' between numbers in the edges array")
          }
          value = 0
          state = NumState.InNumber
        }
        value = value * 10 + (c - ZERO)
        while (++i < len) {
          c = buf[i]
          if (c < ZERO || c > NINE) break
          value = value * 10 + (c - ZERO)
        }
        if (i === len) break // the number may go on in the next chunk
      }
      if (state === NumState.InNumber) {
        if (value > MAX_U32) value = this.tooBig(value, false, 'edges', i)
        if (e >= capacity) {
          if (e >= claimed) {
            this.pos = i
            this.fail(`${claimed} edges (edge_count)`, 'more values in the edges array')
          }
          this.allocateEdges(Math.min(claimed, capacity * 2))
          capacity = this.edgeCapacity
          edgeType = this.edgeType
          edgeNameOrIndex = this.edgeNameOrIndex
          edgeTarget = this.edgeTarget
        }
        switch (kinds[field]) {
          case EdgeField.Type:
            if (value >= typeCount) {
              this.pos = i
              this.fail(`an edge type index below ${typeCount}`, String(value), this.base + i - String(value).length)
            }
            edgeType[e] = value
            break
          case EdgeField.NameOrIndex:
            edgeNameOrIndex[e] = value
            break
          case EdgeField.ToNode: {
            const target = Math.round(value * inverse)
            if (value >= nodeLimit || target * nodeFieldCount !== value) {
              this.pos = i
              this.fail(
                `an edge target (to_node) that is a multiple of ${nodeFieldCount} below ${nodeLimit}`,
                String(value),
                this.base + i - String(value).length,
              )
            }
            edgeTarget[e] = target
            break
          }
        }
        if (++field === fieldCount) {
          field = 0
          const t = edgeType[e]
          if (t !== elementType && t !== hiddenType && edgeNameOrIndex[e] > this.byteLoopMaxName) this.byteLoopMaxName = edgeNameOrIndex[e]
          e++
        }
        state = NumState.ExpectCommaOrEnd
      }
      if (c === COMMA) {
        if (state !== NumState.ExpectCommaOrEnd) {
          this.pos = i
          this.fail('a number in the edges array')
        }
        state = NumState.ExpectValue
        if (field === 0 && i + 1 + FAST_MARGIN <= len && e < capacity) {
          // Whole records well inside the chunk: the fast path (records.ts).
          const r = this.fastRecords(i, e, capacity - e, [null, edgeType, edgeNameOrIndex, edgeTarget])
          if (r > 0) {
            e += r
            i = (this.fast as RecordParser).lastComma // the byte loop goes on after it
          }
        }
      } else if (c === RBRACKET) {
        if (state === NumState.ExpectValue) {
          this.pos = i
          this.fail('a number after , in the edges array')
        }
        done = true
        i++
        break
      } else if (!isWhitespace(c)) {
        this.pos = i
        this.fail('a number in the edges array')
      }
    }
    this.pos = i
    this.numState = state
    this.numValue = value
    this.numField = field
    this.numRecords = e
    return done
  }

  // ---------------------------------------------------------------------------
  // Small number arrays (trace_function_infos, samples, locations)

  private async readNumberList(section: string): Promise<NumberList> {
    await this.expectByte(LBRACKET, `'[' to open the ${section} array`)
    const list = new NumberList()
    this.numState = NumState.ExpectValueOrEnd
    this.numValue = 0
    this.fast = new RecordParser(this.wasm, [RecordOp.U32])
    this.fastChunk = null
    for (;;) {
      if (!(await this.fill())) this.fail(`']' to close the ${section} array`)
      if (this.scanNumberListChunk(list, section)) break
    }
    this.fast = null
    return list
  }

  /** Scans a plain number array in the current chunk into `list`; true once its ']' is consumed. */
  private scanNumberListChunk(list: NumberList, section: string): boolean {
    let state = this.numState
    let value = this.numValue
    const buf = this.buf
    const len = buf.length
    let i = this.pos
    let done = false
    let data = list.data
    let count = list.length
    for (; i < len; i++) {
      let c = buf[i]
      if (c >= ZERO && c <= NINE) {
        if (state !== NumState.InNumber) {
          if (state === NumState.ExpectCommaOrEnd) {
            this.pos = i
            this.fail(`',' between numbers in the ${section} array`)
          }
          value = 0
          state = NumState.InNumber
        }
        value = value * 10 + (c - ZERO)
        while (++i < len) {
          c = buf[i]
          if (c < ZERO || c > NINE) break
          value = value * 10 + (c - ZERO)
        }
        if (i === len) break // the number may go on in the next chunk
      }
      if (state === NumState.InNumber) {
        if (count === data.length) {
          list.length = count
          list.grow()
          data = list.data
        }
        data[count++] = value
        state = NumState.ExpectCommaOrEnd
      }
      if (c === COMMA && state === NumState.ExpectCommaOrEnd) {
        state = NumState.ExpectValue
        if (i + 1 + FAST_MARGIN <= len) {
          // The values that follow, by the fast path (records.ts: records of one field).
          const r = this.fastParse(i, 2 ** 31)
          if (r > 0) {
            const fast = this.fast as RecordParser
            list.length = count
            while (count + r > list.data.length) list.grow()
            data = list.data
            data.set(fast.column(0, r), count)
            count += r
            i = fast.lastComma // the byte loop goes on after it
          }
        }
      } else if (c === RBRACKET && state !== NumState.ExpectValue) {
        done = true
        i++
        break
      } else if (!isWhitespace(c)) {
        this.pos = i
        this.fail(`a whole number in the ${section} array`)
      }
    }
    list.length = count
    this.pos = i
    this.numState = state
    this.numValue = value
    return done
  }

  // ---------------------------------------------------------------------------
  // trace_tree: nested [id, function_info_index, count, size, [children], ...]

  private async readTraceTree(): Promise<void> {
    const l = this.layout as Layout
    const fields = l.traceNodeFields.length > 0 ? l.traceNodeFields : ['id', 'function_info_index', 'count', 'size', 'children']
    const childrenField = fields.indexOf('children')
    const idField = fields.indexOf('id')
    const fnField = fields.indexOf('function_info_index')
    const countField = fields.indexOf('count')
    const sizeField = fields.indexOf('size')
    if (childrenField !== fields.length - 1) this.fail('"children" as the last of meta.trace_node_fields', JSON.stringify(fields))
    await this.expectByte(LBRACKET, "'[' to open the trace_tree array")
    const id = new NumberList()
    const fn = new NumberList()
    const parent = new NumberList()
    const count = new NumberList()
    const size = new NumberList()
    // Stack of open trace nodes; -1 is the top-level list.
    const stack: number[] = [-1]
    let field = 0
    let current = -1
    let inNumber = false
    let value = 0
    let expectValue = false // right after ','
    for (;;) {
      if (!(await this.fill())) this.fail("']' to close the trace_tree array")
      const buf = this.buf
      let i = this.pos
      for (; i < buf.length; i++) {
        const c = buf[i]
        if (c >= ZERO && c <= NINE) {
          value = inNumber ? value * 10 + (c - ZERO) : c - ZERO
          inNumber = true
          continue
        }
        if (inNumber) {
          inNumber = false
          expectValue = false
          if (field === 0) {
            current = id.length
            id.push(0)
            fn.push(0)
            count.push(0)
            size.push(0)
            parent.push(stack[stack.length - 1])
          }
          if (field === idField) id.data[current] = value
          else if (field === fnField) fn.data[current] = value
          else if (field === countField) count.data[current] = value
          else if (field === sizeField) size.data[current] = value
          else if (field === childrenField) {
            this.pos = i
            this.fail("'[' for the children of a trace node")
          }
          field++
        }
        if (c === COMMA) {
          expectValue = true
        } else if (c === LBRACKET) {
          if (field !== childrenField) {
            this.pos = i
            this.fail('a number in a trace_tree node')
          }
          stack.push(current)
          field = 0
          expectValue = false
        } else if (c === RBRACKET) {
          if (field !== 0 || expectValue) {
            this.pos = i
            this.fail(`${fields.length} fields per trace_tree node`)
          }
          const closed = stack.pop() as number
          if (stack.length === 0) {
            this.pos = i + 1
            this.traceTree = this.makeTraceTree(id, fn, parent, count, size)
            return
          }
          // The closed list was the children of `closed`: that node is complete.
          current = closed
          field = 0
        } else if (!isWhitespace(c)) {
          this.pos = i
          this.fail('a number or a list in the trace_tree array')
        }
      }
      this.pos = i
    }
  }

  private makeTraceTree(id: NumberList, fn: NumberList, parent: NumberList, count: NumberList, size: NumberList): TraceTree {
    const n = id.length
    const functionInfoIndex = new Uint32Array(n)
    const parentIndex = new Int32Array(n)
    for (let t = 0; t < n; t++) {
      functionInfoIndex[t] = fn.data[t]
      parentIndex[t] = parent.data[t]
    }
    return {
      count: n,
      id: id.data.slice(0, n),
      functionInfoIndex,
      parent: parentIndex,
      allocationCount: count.data.slice(0, n),
      allocationSize: size.data.slice(0, n),
    }
  }

  // ---------------------------------------------------------------------------
  // Strings

  private async readStrings(): Promise<void> {
    await this.expectByte(LBRACKET, "'[' to open the strings array")
    const bound = this.source.sizeBound
    const remaining = bound === null ? null : Math.max(0, bound - (this.base + this.pos))
    // A plain file's size bounds the section: reserve that much at once (pages never written
    // cost no memory). Otherwise start small and double.
    this.stringBytes = sharedU8(
      Math.min(MAX_STRING_BYTES, this.source.sizeExact && remaining !== null ? remaining : Math.min(remaining ?? UNKNOWN_STRING_BYTES, UNKNOWN_STRING_BYTES)),
    )
    this.stringBounds = sharedU32(1 << 16)
    this.stringState = StringState.StringOrEnd
    this.fastStrings = new StringLiterals(this.wasm)
    for (;;) {
      if (!(await this.fill())) {
        if ((this.stringState as StringState) === StringState.InString) {
          this.fail("a closing '\"' for the string that starts here", 'end of file', this.stringStartOffset)
        }
        this.fail("']' to close the strings array")
      }
      if (this.scanStringsChunk()) break
    }
    this.fastStrings = null
    this.strings = {
      bytes: this.stringBytes.subarray(0, this.stringBytesUsed),
      bounds: this.stringBounds.subarray(0, 2 * this.stringCount),
      count: this.stringCount,
      escaped: this.escapedStrings,
    }
  }

  // Strings scan state, kept in fields so a literal may be split across chunks at any byte.
  private stringState: StringState = StringState.StringOrEnd
  /** the section's bytes so far (see StringTable), and how many are used */
  private stringBytes: Uint8Array = new Uint8Array(0)
  private stringBytesUsed = 0
  private stringBounds: Uint32Array = new Uint32Array(0)
  private stringCount = 0
  private escapedStrings: [number, string][] = []
  /** the literal being read: where its content starts in stringBytes, and its quote's file offset */
  private stringStart = 0
  private stringStartOffset = 0
  private stringHasEscape = false
  /** the chunk ended just after a backslash inside a literal */
  private stringEscapeNext = false
  private fastStrings: StringLiterals | null = null

  /**
   * Copies the rest of the chunk to the section's bytes and notes where each
   * literal's content starts and ends; nothing is decoded, except the rare
   * literals with escapes (JSON.parse, which applies every escape rule,
   * surrogate pairs included, and rejects bad ones). True once the array's
   * ']' is consumed; the bytes after it stay in the chunk for what follows.
   */
  private scanStringsChunk(): boolean {
    const buf = this.buf
    const from = this.pos
    const w0 = this.stringBytesUsed
    const end = w0 + (buf.length - from)
    if (end > this.stringBytes.length) this.growStringBytes(end)
    const bytes = this.stringBytes
    bytes.set(from === 0 ? buf : buf.subarray(from), w0)
    /** file offset of bytes[k] */
    const offsetOf = (k: number): number => this.base + from + (k - w0)
    let state = this.stringState
    let i = w0
    let done = false
    let loaded = false
    while (i < end) {
      if (state === StringState.InString) {
        let j = i
        if (this.stringEscapeNext) {
          this.stringEscapeNext = false
          j++
        }
        for (;;) {
          while (j < end) {
            const d = bytes[j]
            if (d === QUOTE || d === BACKSLASH || d < 0x20) break
            j++
          }
          if (j >= end || bytes[j] !== BACKSLASH) break
          this.stringHasEscape = true
          if (j + 1 < end) {
            j += 2
            continue
          }
          this.stringEscapeNext = true
          j = end
        }
        if (j >= end) {
          i = end
          break
        }
        if (bytes[j] !== QUOTE) {
          this.fail('a valid JSON string', `a control character (0x${bytes[j].toString(16).padStart(2, '0')}) inside it`, offsetOf(j))
        }
        this.endString(j)
        state = StringState.CommaOrEnd
        i = j + 1
        continue
      }
      const c = bytes[i]
      if (c === QUOTE && state !== StringState.CommaOrEnd) {
        state = StringState.InString
        this.stringStart = i + 1
        this.stringStartOffset = offsetOf(i)
        this.stringHasEscape = false
      } else if (c === COMMA && state === StringState.CommaOrEnd) {
        state = StringState.String
        // The literals that follow, up to one the fast path leaves to this loop (records.ts).
        const fast = this.fastStrings as StringLiterals
        if (!loaded) {
          fast.load(from === 0 ? buf : buf.subarray(from))
          loaded = true
        }
        const found = fast.scan(i + 1 - w0, w0)
        if (found > 0) {
          const first = this.stringCount
          if (2 * (first + found) > this.stringBounds.length) this.growStringBounds(first + found)
          this.stringBounds.set(fast.bounds(found), 2 * first)
          this.stringCount += found
          if (fast.escapedCount > 0) {
            for (const k of fast.escaped()) this.decodeEscaped(first + k, offsetOf(this.stringBounds[2 * (first + k)]) - 1)
          }
          i = w0 + fast.next // just after a ','
          continue
        }
      } else if (c === RBRACKET && state !== StringState.String) {
        done = true
        i++
        break
      } else if (!isWhitespace(c)) {
        this.fail(state === StringState.CommaOrEnd ? "',' or ']' in the strings array" : 'a string in the strings array', describeByte(c), offsetOf(i))
      }
      i++
    }
    this.stringState = state
    this.stringBytesUsed = done ? i : end
    this.pos = done ? from + (i - w0) : buf.length
    return done
  }

  /** Notes the literal that ends at bytes[end] (its closing quote). */
  private endString(end: number): void {
    const k = this.stringCount
    if (2 * k + 2 > this.stringBounds.length) this.growStringBounds(k + 1)
    this.stringBounds[2 * k] = this.stringStart
    this.stringBounds[2 * k + 1] = end
    this.stringCount = k + 1
    if (this.stringHasEscape) this.decodeEscaped(k, this.stringStartOffset)
  }

  /**
   * Decodes string k, which has escapes, with JSON.parse (every escape rule,
   * and an error for a bad one), keeps the value, and marks its bounds as
   * "decoded" (1, 0; see StringTable). `quoteOffset`, the file offset of
   * its opening quote, is for the error.
   */
  private decodeEscaped(k: number, quoteOffset: number): void {
    const start = this.stringBounds[2 * k]
    const end = this.stringBounds[2 * k + 1]
    const bytes = this.stringBytes
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8', start - 1, end + 1)
    let value: string
    try {
      value = JSON.parse(text) as string
    } catch (e) {
      this.fail('a valid JSON string', (e as Error).message, quoteOffset)
    }
    this.escapedStrings.push([k, value])
    this.stringBounds[2 * k] = 1
    this.stringBounds[2 * k + 1] = 0
  }

  private growStringBounds(count: number): void {
    const grown = sharedU32(Math.max(2 * count, this.stringBounds.length * 2))
    grown.set(this.stringBounds)
    this.stringBounds = grown
  }

  private growStringBytes(needed: number): void {
    if (needed > MAX_STRING_BYTES) {
      this.fail('a "strings" section of less than 4 GiB (the most one buffer holds)', 'more')
    }
    const grown = sharedU8(Math.min(MAX_STRING_BYTES, Math.max(needed, this.stringBytes.length * 2)))
    grown.set(this.stringBytes.subarray(0, this.stringBytesUsed))
    this.stringBytes = grown
  }

  /**
   * Reads one JSON string literal (a section name); buf[pos] is its opening
   * quote. An escape-free literal inside one chunk is decoded straight from the buffer;
   * anything else is gathered and decoded by JSON.parse, which knows every
   * escape rule (\uXXXX surrogate pairs included).
   */
  private async readString(maxBytes: number): Promise<string> {
    const start = this.base + this.pos
    this.pos++ // opening quote
    let buf = this.buf
    let i = this.pos
    while (i < buf.length) {
      const c = buf[i]
      if (c === QUOTE) {
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
      parts.push(Buffer.from(buf.subarray(from, i))) // a copy: chunk buffers are reused
      total += i - from
      if (total > maxBytes) this.fail('a short section name', 'a string of more than 64 KiB', start)
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

  // ---------------------------------------------------------------------------
  // Generic values: the header is captured, unknown sections are skipped

  /** Returns the raw text of the JSON value at pos (used for the small header). */
  private async captureValue(maxBytes: number, what: string): Promise<string> {
    const parts: Uint8Array[] = []
    let total = 0
    await this.walkValue(what, (chunk) => {
      total += chunk.length
      if (total > maxBytes) this.fail(`${what} of at most ${maxBytes} bytes`, 'more')
      parts.push(Buffer.from(chunk)) // a copy: chunk buffers are reused
    })
    return Buffer.concat(parts).toString('utf8')
  }

  private async skipValue(section: string): Promise<void> {
    await this.walkValue(`the "${section}" section`, null)
  }

  /**
   * Walks one JSON value (object, array, string or scalar) without
   * interpreting it, tracking nesting depth and strings; hands each consumed
   * byte range to `sink`. Unknown sections are skipped this way in O(1) memory.
   */
  private async walkValue(what: string, sink: ((bytes: Uint8Array) => void) | null): Promise<void> {
    const startOffset = this.base + this.pos
    const first = await this.peek()
    if (first === undefined) this.fail(what)
    let depth = 0
    let inString = false
    let escaped = false
    const scalar = first !== LBRACE && first !== LBRACKET && first !== QUOTE
    for (;;) {
      if (!(await this.fill())) {
        if (scalar && depth === 0) return
        this.fail(`the end of ${what} that starts at byte ${startOffset}`, 'end of file')
      }
      const buf = this.buf
      const from = this.pos
      let i = from
      let done = false
      for (; i < buf.length; i++) {
        const c = buf[i]
        if (inString) {
          if (escaped) escaped = false
          else if (c === BACKSLASH) escaped = true
          else if (c === QUOTE) {
            inString = false
            if (depth === 0) {
              i++
              done = true
              break
            }
          }
        } else if (scalar) {
          if (c === COMMA || c === RBRACE || c === RBRACKET || isWhitespace(c)) {
            done = true
            break
          }
        } else if (c === QUOTE) {
          inString = true
        } else if (c === LBRACE || c === LBRACKET) {
          depth++
        } else if (c === RBRACE || c === RBRACKET) {
          depth--
          if (depth === 0) {
            i++
            done = true
            break
          }
        }
      }
      if (sink !== null) sink(buf.subarray(from, i))
      this.pos = i
      if (done) return
    }
  }

  // ---------------------------------------------------------------------------
  // Checks that need all sections, and the model

  private finish(): Snapshot {
    const l = this.layout
    if (l === null) this.fail('a "snapshot" header (this JSON is not a V8 heap snapshot)', 'none', -1)
    if (this.nodesRead < 0) this.fail('a "nodes" section', 'none', -1)
    if (this.edgesRead < 0) this.fail('an "edges" section', 'none', -1)
    const strings = this.strings
    if (strings === null) this.fail('a "strings" section', 'none', -1)
    const nodeCount = l.nodeCount
    const edgeCount = l.edgeCount
    // The columns may be over-allocated when they grew; trim views.
    const nodeType = this.nodeType.subarray(0, nodeCount)
    const nodeNameIndex = this.nodeNameIndex.subarray(0, nodeCount)
    const nodeId = this.nodeId.subarray(0, nodeCount)
    const v8SelfSize = this.v8SelfSize.subarray(0, nodeCount)
    const firstEdge = this.firstEdge.subarray(0, nodeCount + 1)
    // Prefix-sum the edge counts into CSR offsets, checking they add up.
    let sum = 0
    for (let n = 0; n < nodeCount; n++) {
      sum += firstEdge[n + 1]
      firstEdge[n + 1] = sum
    }
    if (sum !== edgeCount) {
      this.fail(`node edge_count fields that add up to edge_count ${edgeCount}`, `a sum of ${sum}`, -1)
    }
    if (this.oversized > 0) {
      this.warnings.push(
        `${this.oversized} node${this.oversized === 1 ? ' has a self size' : 's have self sizes'} of 4 GiB or more (the largest ${this.largestOversized} bytes); counted as ${MAX_U32} bytes`,
      )
    }
    const stringCount = strings.count
    // Look for the culprit only when the largest index says there is one.
    for (let n = 0; this.maxNodeName >= stringCount && n < nodeCount; n++) {
      if (nodeNameIndex[n] >= stringCount) {
        this.fail(`node names that index the ${stringCount} strings`, `node ${n} (@${nodeId[n]}) names string ${nodeNameIndex[n]}`, -1)
      }
    }
    const edgeType = this.edgeType.subarray(0, edgeCount)
    const edgeNameOrIndex = this.edgeNameOrIndex.subarray(0, edgeCount)
    const elementType = this.elementType()
    const hiddenType = this.hiddenType()
    for (let e = 0; this.maxEdgeName >= stringCount && e < edgeCount; e++) {
      const t = edgeType[e]
      if (t !== elementType && t !== hiddenType && edgeNameOrIndex[e] >= stringCount) {
        this.fail(`edge names that index the ${stringCount} strings`, `edge ${e} names string ${edgeNameOrIndex[e]}`, -1)
      }
    }
    return new Snapshot({
      file: this.file,
      meta: l.meta,
      nodeTypeNames: l.nodeTypeNames,
      edgeTypeNames: l.edgeTypeNames,
      nodeType,
      nodeNameIndex,
      nodeId,
      v8SelfSize,
      firstEdge,
      nodeTraceNodeId: this.nodeTraceNodeId?.subarray(0, nodeCount) ?? null,
      nodeDetachedness: this.nodeDetachedness?.subarray(0, nodeCount) ?? null,
      edgeType,
      edgeNameOrIndex,
      edgeTarget: this.edgeTarget.subarray(0, edgeCount),
      strings,
      rootOrdinal: l.rootOrdinal,
      extraNativeBytes: l.extraNativeBytes,
      traceFunctionInfos: this.makeTraceFunctionInfos(l, stringCount),
      traceTree: this.traceTree,
      locations: this.makeLocations(l),
      samples: this.makeSamples(l),
      warnings: this.warnings,
    })
  }

  private makeTraceFunctionInfos(l: Layout, stringCount: number): TraceFunctionInfos | null {
    const values = this.traceFunctionInfoValues
    if (values === null) return null
    const fields = l.traceFunctionInfoFields.length > 0 ? l.traceFunctionInfoFields : ['function_id', 'name', 'script_name', 'script_id', 'line', 'column']
    const width = fields.length
    if (values.length % width !== 0) {
      this.fail(`trace_function_infos in records of ${width} fields`, `${values.length} values`, -1)
    }
    const count = values.length / width
    if (count !== l.traceFunctionCount) {
      // Node's in-process inspector writes the count from before the trace
      // was complete; the array itself is whole, so trust it and say so.
      this.warnings.push(`trace_function_count says ${l.traceFunctionCount} but trace_function_infos holds ${count}; using ${count}`)
    }
    const col = (name: string): number => fields.indexOf(name)
    const read = (f: number, into: Float64Array | Uint32Array): void => {
      if (f < 0) return
      for (let i = 0; i < count; i++) into[i] = values.data[i * width + f]
    }
    const infos: TraceFunctionInfos = {
      count,
      functionId: new Float64Array(count),
      name: new Uint32Array(count),
      scriptName: new Uint32Array(count),
      scriptId: new Float64Array(count),
      line: new Float64Array(count),
      column: new Float64Array(count),
    }
    read(col('function_id'), infos.functionId)
    read(col('name'), infos.name)
    read(col('script_name'), infos.scriptName)
    read(col('script_id'), infos.scriptId)
    read(col('line'), infos.line)
    read(col('column'), infos.column)
    for (let i = 0; i < count; i++) {
      if (infos.name[i] >= stringCount || infos.scriptName[i] >= stringCount) {
        this.fail(
          `trace function names that index the ${stringCount} strings`,
          `function ${i} names string ${Math.max(infos.name[i], infos.scriptName[i])}`,
          -1,
        )
      }
    }
    const tree = this.traceTree
    if (tree !== null) {
      for (let t = 0; t < tree.count; t++) {
        if (tree.functionInfoIndex[t] >= count && tree.parent[t] !== -1) {
          this.fail(`trace_tree function indexes below ${count}`, String(tree.functionInfoIndex[t]), -1)
        }
      }
    }
    return infos
  }

  private makeLocations(l: Layout): Locations | null {
    const values = this.locationValues
    if (values === null) return null
    const fields = l.locationFields.length > 0 ? l.locationFields : ['object_index', 'script_id', 'line', 'column']
    const width = fields.length
    if (values.length % width !== 0) this.fail(`locations in records of ${width} fields`, `${values.length} values`, -1)
    const count = values.length / width
    const fObject = fields.indexOf('object_index')
    const fScript = fields.indexOf('script_id')
    const fLine = fields.indexOf('line')
    const fColumn = fields.indexOf('column')
    const loc: Locations = {
      count,
      node: new Uint32Array(count),
      scriptId: new Float64Array(count),
      line: new Float64Array(count),
      column: new Float64Array(count),
    }
    const nodeFieldCount = l.nodeFieldCount
    const nodeLimit = l.nodeCount * nodeFieldCount
    const data = values.data
    const node = loc.node
    const scriptId = loc.scriptId
    const line = loc.line
    const column = loc.column
    for (let i = 0, at = 0; i < count; i++, at += width) {
      const object = fObject >= 0 ? data[at + fObject] : 0
      const ordinal = object / nodeFieldCount
      if (object >= nodeLimit || Math.floor(ordinal) !== ordinal) {
        this.fail('location object_index values that are node offsets', String(object), -1)
      }
      node[i] = ordinal
      if (fScript >= 0) scriptId[i] = data[at + fScript]
      if (fLine >= 0) line[i] = data[at + fLine]
      if (fColumn >= 0) column[i] = data[at + fColumn]
    }
    return loc
  }

  private makeSamples(l: Layout): Samples | null {
    const values = this.sampleValues
    if (values === null) return null
    const fields = l.sampleFields.length > 0 ? l.sampleFields : ['timestamp_us', 'last_assigned_id']
    const width = fields.length
    if (values.length % width !== 0) this.fail(`samples in records of ${width} fields`, `${values.length} values`, -1)
    const count = values.length / width
    const fTime = fields.indexOf('timestamp_us')
    const fId = fields.indexOf('last_assigned_id')
    const samples: Samples = { count, timestampUs: new Float64Array(count), lastAssignedId: new Float64Array(count) }
    for (let i = 0; i < count; i++) {
      if (fTime >= 0) samples.timestampUs[i] = values.data[i * width + fTime]
      if (fId >= 0) samples.lastAssignedId[i] = values.data[i * width + fId]
    }
    return samples
  }
}

export { MAX_GZIP_RATIO }
