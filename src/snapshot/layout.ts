/**
 * Field positions and type names, read from `snapshot.meta`: never
 * hard-coded, because V8 versions differ (newer ones add `detachedness`,
 * Chromium drops `trace_node_id` when allocation tracking is off, ...).
 */
import { SnapshotFormatError } from './errors.js'

/** What one node field is stored as in the model. */
export const enum NodeField {
  Ignore = 0,
  Type = 1,
  Name = 2,
  Id = 3,
  SelfSize = 4,
  EdgeCount = 5,
  TraceNodeId = 6,
  Detachedness = 7,
}

/** What one edge field is stored as in the model. */
export const enum EdgeField {
  Ignore = 0,
  Type = 1,
  NameOrIndex = 2,
  ToNode = 3,
}

export interface Layout {
  nodeFieldCount: number
  /** NodeField kind of each position in a node's record */
  nodeFieldKinds: Uint8Array
  edgeFieldCount: number
  /** EdgeField kind of each position in an edge's record */
  edgeFieldKinds: Uint8Array
  nodeTypeNames: string[]
  edgeTypeNames: string[]
  hasTraceNodeId: boolean
  hasDetachedness: boolean
  /** false for a snapshot without `self_size` (DevTools' own test snapshots): every size is 0 */
  hasSelfSize: boolean
  traceFunctionInfoFields: string[]
  traceNodeFields: string[]
  sampleFields: string[]
  locationFields: string[]
  nodeCount: number
  edgeCount: number
  traceFunctionCount: number
  rootOrdinal: number
  extraNativeBytes: number
  meta: Record<string, unknown>
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string')
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}

/** The most nodes or edges a snapshot may have: the columns index them with 32 bits. */
const MAX_RECORDS = 2 ** 32 - 1

/**
 * Reads the `snapshot` header object. `headerOffset` is where it started in
 * the file, for messages.
 */
export function readLayout(file: string, header: unknown, headerOffset: number): Layout {
  const bad = (expected: string, found: string): never => {
    throw new SnapshotFormatError(file, headerOffset, expected, found)
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return bad('the "snapshot" header object', header === null ? 'null' : Array.isArray(header) ? 'an array' : typeof header)
  }
  const h = header as Record<string, unknown>
  const meta = h.meta
  if (typeof meta !== 'object' || meta === null) return bad('"snapshot.meta"', 'none (not a V8 heap snapshot)')
  const m = meta as Record<string, unknown>
  const nodeFields = m.node_fields
  const edgeFields = m.edge_fields
  if (!isStringArray(nodeFields) || nodeFields.length === 0) return bad('"meta.node_fields" as a list of names', JSON.stringify(nodeFields) ?? 'nothing')
  if (!isStringArray(edgeFields) || edgeFields.length === 0) return bad('"meta.edge_fields" as a list of names', JSON.stringify(edgeFields) ?? 'nothing')
  const nodeTypes = Array.isArray(m.node_types) ? m.node_types[0] : undefined
  const edgeTypes = Array.isArray(m.edge_types) ? m.edge_types[0] : undefined
  if (!isStringArray(nodeTypes)) return bad('"meta.node_types[0]" as a list of type names', JSON.stringify(m.node_types) ?? 'nothing')
  if (!isStringArray(edgeTypes)) return bad('"meta.edge_types[0]" as a list of type names', JSON.stringify(m.edge_types) ?? 'nothing')
  if (nodeTypes.length > 255 || edgeTypes.length > 255) return bad('at most 255 node and edge types', `${nodeTypes.length} and ${edgeTypes.length}`)

  const nodeKinds = new Uint8Array(nodeFields.length)
  nodeFields.forEach((name, i) => {
    nodeKinds[i] =
      name === 'type'
        ? NodeField.Type
        : name === 'name'
          ? NodeField.Name
          : name === 'id'
            ? NodeField.Id
            : name === 'self_size'
              ? NodeField.SelfSize
              : name === 'edge_count'
                ? NodeField.EdgeCount
                : name === 'trace_node_id'
                  ? NodeField.TraceNodeId
                  : name === 'detachedness'
                    ? NodeField.Detachedness
                    : NodeField.Ignore
  })
  // Without self_size the sizes are 0 (assemble.ts says so); without the others there is no graph.
  for (const required of ['type', 'name', 'id', 'edge_count']) {
    if (!nodeFields.includes(required)) bad(`"${required}" in meta.node_fields`, JSON.stringify(nodeFields))
  }
  const edgeKinds = new Uint8Array(edgeFields.length)
  edgeFields.forEach((name, i) => {
    edgeKinds[i] =
      name === 'type' ? EdgeField.Type : name === 'name_or_index' ? EdgeField.NameOrIndex : name === 'to_node' ? EdgeField.ToNode : EdgeField.Ignore
  })
  for (const required of ['type', 'name_or_index', 'to_node']) {
    if (!edgeFields.includes(required)) bad(`"${required}" in meta.edge_fields`, JSON.stringify(edgeFields))
  }
  if (!isCount(h.node_count)) return bad('"snapshot.node_count" as a whole number', JSON.stringify(h.node_count) ?? 'nothing')
  if (!isCount(h.edge_count)) return bad('"snapshot.edge_count" as a whole number', JSON.stringify(h.edge_count) ?? 'nothing')
  if (h.node_count > MAX_RECORDS || h.edge_count > MAX_RECORDS) {
    return bad(
      `node_count and edge_count below 2^32 (${MAX_RECORDS + 1}: heapscope indexes nodes and edges with 32 bits, as V8 writes them)`,
      `node_count ${h.node_count} and edge_count ${h.edge_count}`,
    )
  }
  const rootIndex = h.root_index === undefined ? 0 : h.root_index
  if (!isCount(rootIndex) || rootIndex % nodeFields.length !== 0) return bad('"snapshot.root_index" as a node offset', JSON.stringify(rootIndex))
  if (h.node_count === 0) return bad('at least one node (the root)', 'node_count 0')
  const rootOrdinal = rootIndex / nodeFields.length
  if (rootOrdinal >= h.node_count) return bad('"snapshot.root_index" inside the node array', String(rootIndex))
  const extra = h.extra_native_bytes
  const list = (v: unknown): string[] => (isStringArray(v) ? v : [])
  return {
    nodeFieldCount: nodeFields.length,
    nodeFieldKinds: nodeKinds,
    edgeFieldCount: edgeFields.length,
    edgeFieldKinds: edgeKinds,
    nodeTypeNames: nodeTypes,
    edgeTypeNames: edgeTypes,
    hasTraceNodeId: nodeFields.includes('trace_node_id'),
    hasDetachedness: nodeFields.includes('detachedness'),
    hasSelfSize: nodeFields.includes('self_size'),
    traceFunctionInfoFields: list(m.trace_function_info_fields),
    traceNodeFields: list(m.trace_node_fields),
    sampleFields: list(m.sample_fields),
    locationFields: list(m.location_fields),
    nodeCount: h.node_count,
    edgeCount: h.edge_count,
    traceFunctionCount: isCount(h.trace_function_count) ? h.trace_function_count : 0,
    rootOrdinal,
    extraNativeBytes: typeof extra === 'number' && Number.isFinite(extra) && extra > 0 ? extra : 0,
    meta: m,
  }
}
