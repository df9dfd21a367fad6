/**
 * The parser's fast paths, in WebAssembly (records.wat, which says why):
 * whole records of the nodes and edges arrays in V8's own form, parsed into
 * columns in the module's memory and copied to the model's typed arrays with
 * one `set()` per column; and the literals of the strings array, whose
 * bounds it finds. The JS byte loops (numbers.ts, strings-reader.ts) handle
 * everything else: what is split across chunks, other whitespace, decoding
 * escapes, and every error.
 */
import { readFileSync } from 'node:fs'

/** What the fast path does with a field (the ops of records.wat). */
export const enum RecordOp {
  Skip = 0,
  /** a type id: u8, below the type count */
  Type = 1,
  U32 = 2,
  U8 = 3,
  /** an edge's to_node: a multiple of the node field count below the node array's length, stored divided */
  Target = 4,
}

const TABLE = 0
/** Records of more fields than this have no fast path (the field table's room): the byte loop reads them. */
export const MAX_FIELDS = 64
/** where the chunk goes: after the field table */
const IN = MAX_FIELDS * 8
const PAGE = 65536

interface FastExports {
  memory: WebAssembly.Memory
  count: WebAssembly.Global
  escCount: WebAssembly.Global
  maxName: WebAssembly.Global
  records(
    pos: number,
    end: number,
    fields: number,
    max: number,
    typeCount: number,
    nodeFieldCount: number,
    nodeLimit: number,
    nameField: number,
    indexTypes: number,
  ): number
  strings(pos: number, out: number, max: number, base: number, escOut: number): number
}

let compiled: WebAssembly.Module | null = null

/** Compiled on first use (a synchronous compile of a few hundred bytes). */
function fastModule(): WebAssembly.Module {
  if (compiled === null) {
    const url = new URL('./records.wasm', import.meta.url)
    let bytes: Buffer
    try {
      bytes = readFileSync(url)
    } catch {
      // Not an input error: the build is incomplete (tsc alone does not assemble records.wat).
      throw new Error(`${url.pathname} is missing: build heapscope with \`npm run build\``)
    }
    compiled = new WebAssembly.Module(bytes)
  }
  return compiled
}

/**
 * A module instance with its own memory, and the chunk loaded in it. One per
 * parse, shared by its sections one after the other (its memory is as big as
 * a chunk and its output, so one is enough).
 */
export class FastPath {
  readonly wasm: FastExports
  /** where the output goes, after the chunk */
  outAt = 0

  constructor() {
    this.wasm = new WebAssembly.Instance(fastModule()).exports as unknown as FastExports
  }

  /** Copies a chunk into memory, followed by a 0 byte that stops every loop, with `outBytes` of room after it. */
  loadChunk(chunk: Uint8Array, outBytes: number): void {
    this.outAt = (IN + chunk.length + 1 + 7) & ~7
    const memory = this.wasm.memory
    const needed = this.outAt + outBytes
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE))
    const bytes = new Uint8Array(memory.buffer)
    bytes.set(chunk, IN)
    bytes[IN + chunk.length] = 0
  }
}

/** What a section's records are checked against, and which of their values are tracked. */
export interface RecordChecks {
  /** type ids (RecordOp.Type) are below this */
  typeCount?: number
  /** edge targets (RecordOp.Target) are multiples of this below nodeLimit */
  nodeFieldCount?: number
  nodeLimit?: number
  /** the field that names a string, whose largest value maxName keeps; none when absent */
  nameField?: number
  /** a bit per type id whose records' name field is an index, not a string (element, hidden edges) */
  indexTypes?: number
}

/**
 * One section's record fast path.
 *
 * @example
 *   const fast = new RecordParser(new FastPath(), [RecordOp.Type, RecordOp.U32, RecordOp.Target], { typeCount, nodeFieldCount: 7, nodeLimit: nodeCount * 7 })
 *   fast.load(chunk)
 *   const r = fast.parse(i, chunk.length - 128, capacity - e)
 *   edgeType.set(fast.column(0, r), e)
 */
export class RecordParser {
  /** records a chunk of the loaded length can hold at most */
  private perChunk = 0
  /** where each field's column is in the module's memory */
  private readonly bases: number[] = []
  /** chunk index of the ',' after the last record parse() stored */
  lastComma = -1
  /** the chunk load() copied in, by the reader's chunk id (see ByteCursor.chunkId) */
  private loadedId = -1

  constructor(
    private readonly fast: FastPath,
    private readonly ops: readonly RecordOp[],
    private readonly checks: RecordChecks = {},
  ) {
    if (ops.length > MAX_FIELDS) throw new RangeError(`at most ${MAX_FIELDS} fields`)
    fast.wasm.maxName.value = 0
  }

  /** The largest string index named by the records parse() stored (see RecordChecks.nameField). */
  get maxName(): number {
    return (this.fast.wasm.maxName.value as number) >>> 0
  }

  private width(f: number): number {
    return this.ops[f] === RecordOp.Type || this.ops[f] === RecordOp.U8 ? 1 : 4
  }

  /** parse() on chunk `chunkId`, loading it first unless it is the one loaded. */
  parseChunk(chunk: Uint8Array, chunkId: number, from: number, end: number, max: number): number {
    if (this.loadedId !== chunkId) {
      this.load(chunk)
      this.loadedId = chunkId
    }
    return this.parse(from, end, max)
  }

  /** Copies a chunk into the module's memory, with room for its records' columns. */
  load(chunk: Uint8Array): void {
    this.loadedId = -1
    const fields = this.ops.length
    // Each field of a record takes two bytes at least (a digit and a ',').
    this.perChunk = Math.floor(chunk.length / (2 * fields)) + 1
    // Column f's offset from the output's start, 8-byte aligned.
    let size = 0
    for (let f = 0; f < fields; f++) {
      this.bases[f] = size
      size += (this.width(f) * this.perChunk + 7) & ~7
    }
    this.fast.loadChunk(chunk, size)
    const table = new Int32Array(this.fast.wasm.memory.buffer, TABLE, 2 * fields)
    for (let f = 0; f < fields; f++) {
      this.bases[f] += this.fast.outAt
      table[2 * f] = this.ops[f]
      table[2 * f + 1] = this.bases[f]
    }
  }

  /**
   * Parses whole records from chunk index `from` (a record's first digit)
   * while one starts before `end`, at most `max`; returns how many, and sets
   * lastComma. Columns are then read with column(f, count).
   */
  parse(from: number, end: number, max: number): number {
    const last = this.fast.wasm.records(
      IN + from,
      IN + Math.max(from, end),
      this.ops.length,
      Math.min(max, this.perChunk),
      this.checks.typeCount ?? 0,
      this.checks.nodeFieldCount ?? 1,
      Math.min(this.checks.nodeLimit ?? 0, 0xffffffff) | 0,
      this.checks.nameField ?? -1,
      this.checks.indexTypes ?? 0,
    )
    this.lastComma = last - IN
    return this.fast.wasm.count.value as number
  }

  /** Field f of the last parse()'s first `count` records. */
  column(f: number, count: number): Uint8Array | Uint32Array {
    const buffer = this.fast.wasm.memory.buffer
    return this.width(f) === 1 ? new Uint8Array(buffer, this.bases[f], count) : new Uint32Array(buffer, this.bases[f], count)
  }
}

/**
 * The strings array's fast path: the bounds of its literals.
 *
 * @example
 *   const fast = new StringLiterals(new FastPath())
 *   fast.load(chunk)
 *   const n = fast.scan(i, offsetOfChunkByte0) // bounds in fast.bounds(n)
 */
export class StringLiterals {
  private perChunk = 0
  /** chunk index just after the ',' of the last literal scan() found */
  next = 0

  constructor(private readonly fast: FastPath) {}

  load(chunk: Uint8Array): void {
    // A literal and its ',' take three bytes at least: room for their bounds and the escaped ones' ordinals.
    this.perChunk = Math.floor(chunk.length / 3) + 1
    this.fast.loadChunk(chunk, 12 * this.perChunk)
  }

  /**
   * Finds the literals each followed by a ',' from chunk index `from`
   * (just after a ','); their bounds are chunk indexes plus `base`. Returns
   * how many; sets next, and escapedCount (those with escapes, to decode).
   */
  scan(from: number, base: number): number {
    const wasm = this.fast.wasm
    const perChunk = this.perChunk
    this.next = wasm.strings(IN + from, this.fast.outAt, perChunk, base - IN, this.fast.outAt + 8 * perChunk) - IN
    this.escapedCount = wasm.escCount.value as number
    return wasm.count.value as number
  }

  /** how many of the last scan()'s literals have escapes */
  escapedCount = 0

  /** The ordinals (within the last scan()) of its literals with escapes. */
  escaped(): Uint32Array {
    return new Uint32Array(this.fast.wasm.memory.buffer, this.fast.outAt + 8 * this.perChunk, this.escapedCount)
  }

  /** The bounds (start, end pairs) of the last scan()'s `count` literals. */
  bounds(count: number): Uint32Array {
    return new Uint32Array(this.fast.wasm.memory.buffer, this.fast.outAt, 2 * count)
  }
}
