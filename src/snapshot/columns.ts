/**
 * The model's node and edge columns, filled record by record: NumberSinks
 * for the byte loop (numbers.ts) and its fast path (records.ts). They are
 * sized from the header's counts (grown up to them when the input's size
 * is unknown), check every value as it is stored — type ids, edge targets,
 * values of 2^32 or more — and keep the largest string index named, which
 * assemble.ts checks against the string count once instead of per record.
 *
 * The columns are SharedArrayBuffers: the helper threads read them without
 * a copy.
 */
import type { ByteCursor } from './cursor.js'
import { EdgeField, type Layout, NodeField } from './layout.js'
import { FAST_MARGIN, type NumberSink } from './numbers.js'
import { type FastPath, MAX_FIELDS, type RecordChecks, RecordOp, RecordParser } from './records.js'
import { sharedU32, sharedU8 } from './shared-arrays.js'

/** the largest value a Uint32 column holds */
export const MAX_U32 = 0xffffffff

/** A column of `capacity` entries holding `old`'s first ones. */
function regrow<T extends Uint8Array | Uint32Array>(old: T, capacity: number, make: (n: number) => T): T {
  const next = make(capacity)
  next.set(old.subarray(0, Math.min(old.length, capacity)))
  return next
}

/** What nodes and edges share: a capacity grown up to the claimed count, the fast path, the count check. */
abstract class RecordColumns implements NumberSink {
  readonly fieldCount: number
  /** records the columns hold room for */
  capacity = 0
  /** the largest string index the byte loop stored (see assemble.ts); -1 for none */
  protected byteLoopMaxName = -1
  /** the same for the fast path's records, once the section is read (end()) */
  private fastMaxName = -1
  lastComma = -1
  /** the fast path while the section is read (begin() to end()); none for records of more than MAX_FIELDS fields */
  protected fastPath: RecordParser | null = null
  /** each field's column, by field kind (NodeField or EdgeField), for the fast path's copies */
  protected byKind: (Uint8Array | Uint32Array | null)[] = []

  constructor(
    protected readonly c: ByteCursor,
    readonly section: 'nodes' | 'edges',
    protected readonly kinds: Uint8Array,
    /** how many records the header claims */
    readonly claimed: number,
    private readonly ops: RecordOp[],
    private readonly checks: RecordChecks,
  ) {
    this.fieldCount = kinds.length
  }

  /** Sets up the fast path for the section (it keeps one largest name per module instance: one section at a time). */
  begin(fast: FastPath): void {
    this.fastPath = this.ops.length <= MAX_FIELDS ? new RecordParser(fast, this.ops, this.checks) : null
  }

  /** The section is read: keeps what the fast path found. */
  end(): void {
    this.fastMaxName = Math.max(this.fastMaxName, this.fastPath?.maxName ?? -1)
    this.fastPath = null
  }

  abstract store(value: number, field: number, record: number, end: number): void
  protected abstract allocate(capacity: number): void

  /** The largest string index named by the records read so far. */
  get maxName(): number {
    return Math.max(this.fastPath?.maxName ?? -1, this.fastMaxName, this.byteLoopMaxName)
  }

  /** Makes room for record `record` (doubling, up to the claimed count), or fails: more records than claimed. */
  protected grow(record: number, end: number): void {
    if (record >= this.claimed) {
      this.c.pos = end
      this.c.fail(`${this.claimed} ${this.section} (${this.section === 'nodes' ? 'node_count' : 'edge_count'})`, `more values in the ${this.section} array`)
    }
    this.reserve(Math.min(this.claimed, Math.max(record + 1, this.capacity * 2)))
  }

  /**
   * Allocates the columns for `capacity` records. A header may claim more
   * than this machine's memory holds (a sparse file of a terabyte): that is
   * said as the input's error, not an internal one.
   */
  protected reserve(capacity: number): void {
    try {
      this.allocate(capacity)
    } catch (e) {
      if (!(e instanceof RangeError)) throw e
      const { section } = this
      this.c.fail(
        `${section === 'nodes' ? 'a node_count' : 'an edge_count'} whose columns fit in memory`,
        `${this.claimed} ${section}, whose columns could not be allocated (${e.message})`,
      )
    }
  }

  /** Throws the format error for `value`, which ends at chunk index `end`. */
  protected bad(expected: string, value: number, end: number): never {
    return this.c.fail(expected, String(value), this.c.base + end - String(value).length)
  }

  fast(c: ByteCursor, comma: number, record: number): number {
    const fast = this.fastPath
    if (fast === null || record >= this.capacity) return 0
    const r = fast.parseChunk(c.buf, c.chunkId, comma + 1, c.buf.length - FAST_MARGIN + 1, this.capacity - record)
    if (r > 0) {
      const kinds = this.kinds
      for (let f = 0; f < kinds.length; f++) this.byKind[kinds[f]]?.set(fast.column(f, r), record)
      this.lastComma = fast.lastComma
    }
    return r
  }

  /** Fails unless `records` whole records were read, as the header claims; `offset` is the array's ']'. */
  checkCount(records: number, field: number, offset: number): void {
    if (field !== 0 || records !== this.claimed) {
      const { section, fieldCount } = this
      this.c.fail(
        `${this.claimed} ${section} of ${fieldCount} fields (${section === 'nodes' ? 'node_count' : 'edge_count'}) in the ${section} array`,
        `${records * fieldCount + field} values (${field === 0 ? `${records} ${section}` : `not a whole number of ${section}`})`,
        offset,
      )
    }
  }
}

/** The node columns. */
export class NodeColumns extends RecordColumns {
  nodeType: Uint8Array = new Uint8Array(0)
  nodeNameIndex: Uint32Array = new Uint32Array(0)
  nodeId: Uint32Array = new Uint32Array(0)
  v8SelfSize: Uint32Array = new Uint32Array(0)
  /** edge count of node n at [n + 1] while parsing; prefix-summed into CSR offsets by assemble.ts */
  firstEdge: Uint32Array = new Uint32Array(0)
  nodeTraceNodeId: Uint32Array | null
  nodeDetachedness: Uint8Array | null
  /** self sizes of 4 GiB or more: how many, and the largest (kept as 2^32 - 1, with a warning) */
  oversized = 0
  largestOversized = 0
  private readonly typeCount: number

  constructor(c: ByteCursor, layout: Layout, capacity: number) {
    const kinds = layout.nodeFieldKinds
    super(
      c,
      'nodes',
      kinds,
      layout.nodeCount,
      [...kinds].map((k) =>
        k === NodeField.Type ? RecordOp.Type : k === NodeField.Detachedness ? RecordOp.U8 : k === NodeField.Ignore ? RecordOp.Skip : RecordOp.U32,
      ),
      { typeCount: layout.nodeTypeNames.length, nameField: kinds.indexOf(NodeField.Name) },
    )
    this.typeCount = layout.nodeTypeNames.length
    this.nodeTraceNodeId = layout.hasTraceNodeId ? new Uint32Array(0) : null
    this.nodeDetachedness = layout.hasDetachedness ? new Uint8Array(0) : null
    this.reserve(capacity)
  }

  protected allocate(capacity: number): void {
    this.nodeType = regrow(this.nodeType, capacity, sharedU8)
    this.nodeNameIndex = regrow(this.nodeNameIndex, capacity, sharedU32)
    this.nodeId = regrow(this.nodeId, capacity, sharedU32)
    this.v8SelfSize = regrow(this.v8SelfSize, capacity, sharedU32)
    this.firstEdge = regrow(this.firstEdge, capacity + 1, sharedU32)
    if (this.nodeTraceNodeId !== null) this.nodeTraceNodeId = regrow(this.nodeTraceNodeId, capacity, sharedU32)
    if (this.nodeDetachedness !== null) this.nodeDetachedness = regrow(this.nodeDetachedness, capacity, sharedU8)
    this.capacity = capacity
    // By NodeField; firstEdge[n + 1] holds node n's edge count until assemble.ts sums them.
    this.byKind = [
      null,
      this.nodeType,
      this.nodeNameIndex,
      this.nodeId,
      this.v8SelfSize,
      this.firstEdge.subarray(1),
      this.nodeTraceNodeId,
      this.nodeDetachedness,
    ]
  }

  store(value: number, field: number, n: number, end: number): void {
    const kind = this.kinds[field]
    if (value > MAX_U32) {
      // An ArrayBuffer's backing store can be that big: a self size is kept as 2^32 - 1, with a
      // warning. Ids, indexes and counts cannot be.
      if (kind !== NodeField.SelfSize) this.bad('a number below 2^32 in the nodes array', value, end)
      this.oversized++
      this.largestOversized = Math.max(this.largestOversized, value)
      value = MAX_U32
    }
    if (n >= this.capacity) this.grow(n, end)
    switch (kind) {
      case NodeField.Type:
        if (value >= this.typeCount) this.bad(`a node type index below ${this.typeCount}`, value, end)
        this.nodeType[n] = value
        break
      case NodeField.Name:
        this.nodeNameIndex[n] = value
        if (value > this.byteLoopMaxName) this.byteLoopMaxName = value
        break
      case NodeField.Id:
        this.nodeId[n] = value
        break
      case NodeField.SelfSize:
        this.v8SelfSize[n] = value
        break
      case NodeField.EdgeCount:
        this.firstEdge[n + 1] = value
        break
      case NodeField.TraceNodeId:
        ;(this.nodeTraceNodeId as Uint32Array)[n] = value
        break
      case NodeField.Detachedness:
        ;(this.nodeDetachedness as Uint8Array)[n] = value
        break
    }
  }
}

/** The edge columns. */
export class EdgeColumns extends RecordColumns {
  edgeType: Uint8Array = new Uint8Array(0)
  edgeNameOrIndex: Uint32Array = new Uint32Array(0)
  edgeTarget: Uint32Array = new Uint32Array(0)
  private readonly typeCount: number
  private readonly nodeFieldCount: number
  /** 1 / nodeFieldCount: multiplying by it and checking the product is cheaper than a division, and exact below 2^32 */
  private readonly inverse: number
  private readonly nodeLimit: number
  /** the types whose name_or_index is an index, not a string (-1: absent) */
  readonly elementType: number
  readonly hiddenType: number

  constructor(c: ByteCursor, layout: Layout, capacity: number) {
    const kinds = layout.edgeFieldKinds
    const elementType = layout.edgeTypeNames.indexOf('element')
    const hiddenType = layout.edgeTypeNames.indexOf('hidden')
    super(
      c,
      'edges',
      kinds,
      layout.edgeCount,
      [...kinds].map((k) =>
        k === EdgeField.Type ? RecordOp.Type : k === EdgeField.ToNode ? RecordOp.Target : k === EdgeField.Ignore ? RecordOp.Skip : RecordOp.U32,
      ),
      {
        typeCount: layout.edgeTypeNames.length,
        nodeFieldCount: layout.nodeFieldCount,
        nodeLimit: layout.nodeCount * layout.nodeFieldCount,
        nameField: kinds.indexOf(EdgeField.NameOrIndex),
        indexTypes: [elementType, hiddenType].reduce((bits, t) => (t >= 0 && t < 32 ? bits | (1 << t) : bits), 0),
      },
    )
    this.typeCount = layout.edgeTypeNames.length
    this.nodeFieldCount = layout.nodeFieldCount
    this.inverse = 1 / layout.nodeFieldCount
    this.nodeLimit = layout.nodeCount * layout.nodeFieldCount
    this.elementType = elementType
    this.hiddenType = hiddenType
    this.reserve(capacity)
  }

  protected allocate(capacity: number): void {
    this.edgeType = regrow(this.edgeType, capacity, sharedU8)
    this.edgeNameOrIndex = regrow(this.edgeNameOrIndex, capacity, sharedU32)
    this.edgeTarget = regrow(this.edgeTarget, capacity, sharedU32)
    this.capacity = capacity
    this.byKind = [null, this.edgeType, this.edgeNameOrIndex, this.edgeTarget]
  }

  store(value: number, field: number, e: number, end: number): void {
    if (value > MAX_U32) this.bad('a number below 2^32 in the edges array', value, end)
    if (e >= this.capacity) this.grow(e, end)
    switch (this.kinds[field]) {
      case EdgeField.Type:
        if (value >= this.typeCount) this.bad(`an edge type index below ${this.typeCount}`, value, end)
        this.edgeType[e] = value
        break
      case EdgeField.NameOrIndex:
        this.edgeNameOrIndex[e] = value
        break
      case EdgeField.ToNode: {
        const target = Math.round(value * this.inverse)
        if (value >= this.nodeLimit || target * this.nodeFieldCount !== value) {
          this.bad(`an edge target (to_node) that is a multiple of ${this.nodeFieldCount} below ${this.nodeLimit}`, value, end)
        }
        this.edgeTarget[e] = target
        break
      }
    }
    if (field === this.fieldCount - 1) {
      // A whole record: its name counts for maxName, unless its type names by index.
      const t = this.edgeType[e]
      if (t !== this.elementType && t !== this.hiddenType && this.edgeNameOrIndex[e] > this.byteLoopMaxName) this.byteLoopMaxName = this.edgeNameOrIndex[e]
    }
  }

  /** Takes the records a helper thread read, after the `record` read here. */
  append(record: number, edges: { edgeType: Uint8Array; edgeNameOrIndex: Uint32Array; edgeTarget: Uint32Array; maxName: number }): void {
    this.edgeType.set(edges.edgeType, record)
    this.edgeNameOrIndex.set(edges.edgeNameOrIndex, record)
    this.edgeTarget.set(edges.edgeTarget, record)
    this.byteLoopMaxName = Math.max(this.byteLoopMaxName, edges.maxName)
  }
}
