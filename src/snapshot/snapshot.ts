/**
 * The Snapshot model: a heap snapshot as columns of typed arrays, indexed by
 * node ordinal `n` (0..nodeCount-1) and edge index `e` (0..edgeCount-1).
 *
 * There is no JS object per node or edge: a production snapshot has tens of
 * millions of edges, and an object each would cost ~100 bytes. Edges are in
 * CSR form, the way V8 writes them: node n's outgoing edges are
 * `firstEdge[n] .. firstEdge[n + 1] - 1`, and `edgeTarget[e]` is a node
 * ordinal (V8 writes a field offset; the parser divides it on the way in).
 *
 * The parser has validated every edge target and every string index, so the
 * hot loops of the analyses read these arrays without checks.
 */

import { orderByKey } from './key-order.js'
import { StringTable, type StringTableParts } from './strings.js'

/** Type ids of node types, resolved from `snapshot.meta.node_types`; -1 when this V8 does not have the type. */
export interface NodeTypeIds {
  hidden: number
  array: number
  string: number
  object: number
  code: number
  closure: number
  regexp: number
  number: number
  native: number
  synthetic: number
  consString: number
  slicedString: number
  symbol: number
  bigint: number
  objectShape: number
}

/** Type ids of edge types, resolved from `snapshot.meta.edge_types`; -1 when absent. */
export interface EdgeTypeIds {
  context: number
  element: number
  property: number
  internal: number
  hidden: number
  shortcut: number
  weak: number
}

/** `trace_function_infos`, one entry per function, as columns. */
export interface TraceFunctionInfos {
  count: number
  functionId: Float64Array
  /** string index */
  name: Uint32Array
  /** string index */
  scriptName: Uint32Array
  scriptId: Float64Array
  /** 1-based; 0 = unknown */
  line: Float64Array
  /** 1-based; 0 = unknown */
  column: Float64Array
}

/**
 * `trace_tree` flattened in pre-order. Index `t` is a position in these
 * arrays (not the trace node id). `count`/`size` are allocation events, freed
 * objects included: count live objects through `Snapshot.nodeTraceNodeId`.
 */
export interface TraceTree {
  count: number
  /** the trace node id that `Snapshot.nodeTraceNodeId` refers to */
  id: Float64Array
  /** index into TraceFunctionInfos */
  functionInfoIndex: Uint32Array
  /** parent position, -1 for the top */
  parent: Int32Array
  allocationCount: Float64Array
  allocationSize: Float64Array
}

/** `locations`: where some objects (closures, classes) were defined. */
export interface Locations {
  count: number
  /** node ordinal of the object */
  node: Uint32Array
  scriptId: Float64Array
  /** 0-based */
  line: Float64Array
  /** 0-based */
  column: Float64Array
}

export interface Samples {
  count: number
  timestampUs: Float64Array
  lastAssignedId: Float64Array
}

/** Everything the parser hands to the model; see the field docs on Snapshot. */
export interface SnapshotParts {
  file: string
  meta: Record<string, unknown>
  nodeTypeNames: string[]
  edgeTypeNames: string[]
  nodeType: Uint8Array
  nodeNameIndex: Uint32Array
  nodeId: Uint32Array
  v8SelfSize: Uint32Array
  firstEdge: Uint32Array
  nodeTraceNodeId: Uint32Array | null
  nodeDetachedness: Uint8Array | null
  edgeType: Uint8Array
  edgeNameOrIndex: Uint32Array
  edgeTarget: Uint32Array
  strings: StringTableParts
  rootOrdinal: number
  extraNativeBytes: number
  traceFunctionInfos: TraceFunctionInfos | null
  traceTree: TraceTree | null
  locations: Locations | null
  samples: Samples | null
  warnings: string[]
}

function typeId(names: string[], name: string): number {
  return names.indexOf(name)
}

/**
 * A parsed heap snapshot. Build one with `openSnapshot(path)`.
 *
 * @example
 *   const s = await openSnapshot('app.heapsnapshot.gz')
 *   for (let e = s.firstEdge[0]; e < s.firstEdge[1]; e++) console.log(s.edgeName(e))
 */
export class Snapshot {
  /** The file it came from ('-' for stdin), for messages. */
  readonly file: string
  /** `snapshot.meta` as written by V8. */
  readonly meta: Record<string, unknown>
  readonly nodeCount: number
  readonly edgeCount: number
  readonly nodeTypeNames: string[]
  readonly edgeTypeNames: string[]
  readonly nodeTypes: NodeTypeIds
  readonly edgeTypes: EdgeTypeIds
  /** type id of node n (index into nodeTypeNames) */
  readonly nodeType: Uint8Array
  /** string index of node n's name: `strings.get(nodeNameIndex[n])` is `nodeName(n)` */
  readonly nodeNameIndex: Uint32Array
  /** V8's object id of node n (`@id` in DevTools) */
  readonly nodeId: Uint32Array
  /**
   * self size of node n in bytes, as V8 wrote it. DevTools' *shallow* size
   * (what reports call `selfSize`) moves the size of arrays owned by one
   * object to that object: `computeShallowSizes(s)`.
   */
  readonly v8SelfSize: Uint32Array
  /** CSR offsets, length nodeCount + 1: node n's edges are firstEdge[n] .. firstEdge[n+1]-1 */
  readonly firstEdge: Uint32Array
  /** trace node id of node n (0 = none); null when the snapshot has no such field */
  readonly nodeTraceNodeId: Uint32Array | null
  /** 0 unknown, 1 attached, 2 detached, as V8 wrote it; null when the snapshot has no such field */
  readonly nodeDetachedness: Uint8Array | null
  /** type id of edge e (index into edgeTypeNames) */
  readonly edgeType: Uint8Array
  /** element/hidden edges: the index; all others: a string index */
  readonly edgeNameOrIndex: Uint32Array
  /** target node ordinal of edge e */
  readonly edgeTarget: Uint32Array
  /** the string table: `strings.get(i)` */
  readonly strings: StringTable
  /** ordinal of the synthetic root (0 in every V8 so far) */
  readonly rootOrdinal: number
  /** `snapshot.extra_native_bytes`, 0 when absent */
  readonly extraNativeBytes: number
  readonly traceFunctionInfos: TraceFunctionInfos | null
  readonly traceTree: TraceTree | null
  readonly locations: Locations | null
  readonly samples: Samples | null
  /** Non-fatal inconsistencies the parser noticed and worked around. */
  readonly warnings: string[]

  /** what the model was built from, for parts() */
  private readonly source: SnapshotParts
  private idOrder: Uint32Array | null = null
  private traceIndexById: Int32Array | null = null

  constructor(p: SnapshotParts) {
    this.source = p
    this.file = p.file
    this.meta = p.meta
    this.nodeTypeNames = p.nodeTypeNames
    this.edgeTypeNames = p.edgeTypeNames
    this.nodeType = p.nodeType
    this.nodeNameIndex = p.nodeNameIndex
    this.nodeId = p.nodeId
    this.v8SelfSize = p.v8SelfSize
    this.firstEdge = p.firstEdge
    this.nodeTraceNodeId = p.nodeTraceNodeId
    this.nodeDetachedness = p.nodeDetachedness
    this.edgeType = p.edgeType
    this.edgeNameOrIndex = p.edgeNameOrIndex
    this.edgeTarget = p.edgeTarget
    this.strings = new StringTable(p.strings)
    this.rootOrdinal = p.rootOrdinal
    this.extraNativeBytes = p.extraNativeBytes
    this.traceFunctionInfos = p.traceFunctionInfos
    this.traceTree = p.traceTree
    this.locations = p.locations
    this.samples = p.samples
    this.warnings = p.warnings
    this.nodeCount = p.nodeType.length
    this.edgeCount = p.edgeTarget.length
    const nt = p.nodeTypeNames
    this.nodeTypes = {
      hidden: typeId(nt, 'hidden'),
      array: typeId(nt, 'array'),
      string: typeId(nt, 'string'),
      object: typeId(nt, 'object'),
      code: typeId(nt, 'code'),
      closure: typeId(nt, 'closure'),
      regexp: typeId(nt, 'regexp'),
      number: typeId(nt, 'number'),
      native: typeId(nt, 'native'),
      synthetic: typeId(nt, 'synthetic'),
      consString: typeId(nt, 'concatenated string'),
      slicedString: typeId(nt, 'sliced string'),
      symbol: typeId(nt, 'symbol'),
      bigint: typeId(nt, 'bigint'),
      objectShape: typeId(nt, 'object shape'),
    }
    const et = p.edgeTypeNames
    this.edgeTypes = {
      context: typeId(et, 'context'),
      element: typeId(et, 'element'),
      property: typeId(et, 'property'),
      internal: typeId(et, 'internal'),
      hidden: typeId(et, 'hidden'),
      shortcut: typeId(et, 'shortcut'),
      weak: typeId(et, 'weak'),
    }
  }

  /**
   * The data this model was built from: plain objects and typed arrays, so
   * it crosses to another thread (`postMessage`); `new Snapshot(parts)` on
   * the other side is the same model. The parser's columns and string bytes
   * are SharedArrayBuffers: both threads then read the same memory.
   * `transferList(parts)` moves the rest (the allocation traces) instead of
   * copying it.
   */
  parts(): SnapshotParts {
    return this.source
  }

  /**
   * Whether the snapshot was taken with allocation tracking. V8 writes the
   * trace tree's root whenever tracking is on, so a tree with only its root
   * counts: the first snapshot after tracking started, of a program that has
   * allocated nothing since, is still a tracked baseline (its objects all
   * have trace id 0, and a diff against it groups by site).
   */
  get hasAllocationTraces(): boolean {
    return this.traceTree !== null && this.traceTree.count > 0 && this.nodeTraceNodeId !== null
  }

  /** Node n's type name: 'object', 'closure', 'native', ... */
  nodeTypeName(n: number): string {
    return this.nodeTypeNames[this.nodeType[n]] ?? 'unknown'
  }

  /** Node n's name (for objects, the constructor name). */
  nodeName(n: number): string {
    return this.strings.get(this.nodeNameIndex[n])
  }

  edgeCountOf(n: number): number {
    return this.firstEdge[n + 1] - this.firstEdge[n]
  }

  edgeTypeName(e: number): string {
    return this.edgeTypeNames[this.edgeType[e]] ?? 'unknown'
  }

  /** Whether edge e is named by an index (element and hidden edges) rather than a string. */
  edgeHasIndex(e: number): boolean {
    const t = this.edgeType[e]
    return t === this.edgeTypes.element || t === this.edgeTypes.hidden
  }

  /** Edge e's name: the property/variable name, or the index as a string for element and hidden edges. */
  edgeName(e: number): string {
    return this.edgeHasIndex(e) ? String(this.edgeNameOrIndex[e]) : this.strings.get(this.edgeNameOrIndex[e])
  }

  /**
   * The ordinal of the node with V8 id `id`, or -1. The first call orders the
   * ids once (ordinalsById); each lookup is a binary search. No Map per node:
   * V8 Maps stop at 2^24 entries.
   */
  ordinalOfId(id: number): number {
    const order = this.ordinalsById()
    const ids = this.nodeId
    let lo = 0
    let hi = order.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const v = ids[order[mid]]
      if (v < id) lo = mid + 1
      else if (v > id) hi = mid - 1
      else return order[mid]
    }
    return -1
  }

  /** Node ordinals sorted by V8 id (computed once, in linear time: key-order.ts). */
  ordinalsById(): Uint32Array {
    this.idOrder ??= orderByKey(this.nodeId)
    return this.idOrder
  }

  /** The position in `traceTree` of the trace node with id `traceNodeId`, or -1. */
  traceIndexOf(traceNodeId: number): number {
    const tree = this.traceTree
    if (tree === null) return -1
    let index = this.traceIndexById
    if (index === null) {
      let max = 0
      for (let t = 0; t < tree.count; t++) if (tree.id[t] > max) max = tree.id[t]
      // Trace node ids are handed out densely from 1, so a direct table is small.
      index = new Int32Array(Math.min(max + 1, 4 * tree.count + 1024)).fill(-1)
      for (let t = 0; t < tree.count; t++) if (tree.id[t] < index.length) index[tree.id[t]] = t
      this.traceIndexById = index
    }
    if (traceNodeId < index.length) return index[traceNodeId]
    for (let t = 0; t < tree.count; t++) if (tree.id[t] === traceNodeId) return t
    return -1
  }
}

/**
 * The distinct ArrayBuffers under every typed array found in `value`
 * (searched through plain objects and arrays): the transfer list that moves
 * them to another thread without copying them. SharedArrayBuffers (the
 * parser's columns) are left out: they are shared, never copied.
 *
 * @example
 *   port.postMessage(s.parts(), transferList(s.parts()))
 */
export function transferList(value: unknown): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>()
  const visit = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) {
      // Never a Node Buffer: small ones share a pool that other code still uses.
      if (v.buffer instanceof ArrayBuffer && !Buffer.isBuffer(v)) buffers.add(v.buffer)
    } else if (Array.isArray(v)) {
      // An array of strings holds no buffers: skip it whole.
      if (v.length > 0 && typeof v[0] !== 'string') v.forEach(visit)
    } else if (typeof v === 'object' && v !== null) {
      for (const x of Object.values(v)) visit(x)
    }
  }
  visit(value)
  return [...buffers]
}
