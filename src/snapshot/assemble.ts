/**
 * The model, from the sections read: the checks that need more than one
 * section (string indexes against the string count, edge counts against
 * the edges, trace function indexes against the functions, locations
 * against the nodes), the node edge counts summed into CSR offsets, and the
 * small sections' values arranged into columns.
 */
import type { EdgeColumns, NodeColumns } from './columns.js'
import { MAX_U32 } from './columns.js'
import { SnapshotFormatError } from './errors.js'
import type { Layout } from './layout.js'
import type { NumberListData } from './numbers.js'
import { Snapshot, type Locations, type Samples, type TraceFunctionInfos, type TraceTree } from './snapshot.js'
import type { DataSections } from './split.js'

/** Everything read so far, section by section. */
export interface Sections extends DataSections {
  layout: Layout | null
  nodes: NodeColumns | null
  edges: EdgeColumns | null
  /** the sections seen, by name */
  seen: Set<string>
}

export function emptySections(): Sections {
  return {
    layout: null,
    nodes: null,
    edges: null,
    strings: null,
    traceFunctionInfoValues: null,
    sampleValues: null,
    locationValues: null,
    traceTree: null,
    seen: new Set(),
  }
}

/** Builds the model from the sections of `file`, or throws the format error of what is missing or does not agree. */
export function assemble(file: string, s: Sections): Snapshot {
  const fail = (expected: string, found: string): never => {
    throw new SnapshotFormatError(file, -1, expected, found)
  }
  const l = s.layout
  if (l === null) return fail('a "snapshot" header (this JSON is not a V8 heap snapshot)', 'none')
  const { nodes, edges, strings } = s
  if (nodes === null || !s.seen.has('nodes')) return fail('a "nodes" section', 'none')
  if (edges === null || !s.seen.has('edges')) return fail('an "edges" section', 'none')
  if (strings === null) return fail('a "strings" section', 'none')
  const warnings: string[] = []
  const nodeCount = l.nodeCount
  const edgeCount = l.edgeCount
  // The columns may be over-allocated when they grew; trim views.
  const nodeNameIndex = nodes.nodeNameIndex.subarray(0, nodeCount)
  const nodeId = nodes.nodeId.subarray(0, nodeCount)
  const firstEdge = nodes.firstEdge.subarray(0, nodeCount + 1)
  // Prefix-sum the edge counts into CSR offsets, checking they add up.
  let sum = 0
  for (let n = 0; n < nodeCount; n++) {
    sum += firstEdge[n + 1]
    firstEdge[n + 1] = sum
  }
  if (sum !== edgeCount) fail(`node edge_count fields that add up to edge_count ${edgeCount}`, `a sum of ${sum}`)
  if (!l.hasSelfSize) {
    // DevTools opens these (its own test snapshots have no self_size) and reads a neighbouring field.
    warnings.push('the nodes have no self_size field (meta.node_fields): every size is 0')
  }
  if (nodes.oversized > 0) {
    warnings.push(
      `${nodes.oversized} node${nodes.oversized === 1 ? ' has a self size' : 's have self sizes'} of 4 GiB or more (the largest ${nodes.largestOversized} bytes); counted as ${MAX_U32} bytes`,
    )
  }
  const stringCount = strings.count
  // Look for the culprit only when the largest index says there is one.
  for (let n = 0; nodes.maxName >= stringCount && n < nodeCount; n++) {
    if (nodeNameIndex[n] >= stringCount) fail(`node names that index the ${stringCount} strings`, `node ${n} (@${nodeId[n]}) names string ${nodeNameIndex[n]}`)
  }
  const edgeType = edges.edgeType.subarray(0, edgeCount)
  const edgeNameOrIndex = edges.edgeNameOrIndex.subarray(0, edgeCount)
  for (let e = 0; edges.maxName >= stringCount && e < edgeCount; e++) {
    const t = edgeType[e]
    if (t !== edges.elementType && t !== edges.hiddenType && edgeNameOrIndex[e] >= stringCount) {
      fail(`edge names that index the ${stringCount} strings`, `edge ${e} names string ${edgeNameOrIndex[e]}`)
    }
  }
  const traceFunctionInfos =
    s.traceFunctionInfoValues === null ? null : makeTraceFunctionInfos(s.traceFunctionInfoValues, l, stringCount, s.traceTree, warnings, fail)
  return new Snapshot({
    file,
    meta: l.meta,
    nodeTypeNames: l.nodeTypeNames,
    edgeTypeNames: l.edgeTypeNames,
    nodeType: nodes.nodeType.subarray(0, nodeCount),
    nodeNameIndex,
    nodeId,
    v8SelfSize: nodes.v8SelfSize.subarray(0, nodeCount),
    firstEdge,
    nodeTraceNodeId: nodes.nodeTraceNodeId?.subarray(0, nodeCount) ?? null,
    nodeDetachedness: nodes.nodeDetachedness?.subarray(0, nodeCount) ?? null,
    edgeType,
    edgeNameOrIndex,
    edgeTarget: edges.edgeTarget.subarray(0, edgeCount),
    strings,
    rootOrdinal: l.rootOrdinal,
    extraNativeBytes: l.extraNativeBytes,
    traceFunctionInfos,
    traceTree: s.traceTree,
    locations: s.locationValues === null ? null : makeLocations(s.locationValues, l, warnings, fail),
    samples: s.sampleValues === null ? null : makeSamples(s.sampleValues, l, fail),
    warnings,
  })
}

type Fail = (expected: string, found: string) => never

/** Records of `width` values: how many, or the error. */
function recordCount(values: NumberListData, width: number, section: string, fail: Fail): number {
  if (values.length % width !== 0) fail(`${section} in records of ${width} fields`, `${values.length} values`)
  return values.length / width
}

function makeTraceFunctionInfos(
  values: NumberListData,
  l: Layout,
  stringCount: number,
  tree: TraceTree | null,
  warnings: string[],
  fail: Fail,
): TraceFunctionInfos {
  const fields = l.traceFunctionInfoFields.length > 0 ? l.traceFunctionInfoFields : ['function_id', 'name', 'script_name', 'script_id', 'line', 'column']
  const width = fields.length
  const count = recordCount(values, width, 'trace_function_infos', fail)
  if (count !== l.traceFunctionCount) {
    // Node's in-process inspector writes the count from before the trace
    // was complete; the array itself is whole, so trust it and say so.
    warnings.push(`trace_function_count says ${l.traceFunctionCount} but trace_function_infos holds ${count}; using ${count}`)
  }
  const read = (name: string, into: Float64Array | Uint32Array): void => {
    const f = fields.indexOf(name)
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
  read('function_id', infos.functionId)
  read('name', infos.name)
  read('script_name', infos.scriptName)
  read('script_id', infos.scriptId)
  read('line', infos.line)
  read('column', infos.column)
  for (let i = 0; i < count; i++) {
    if (infos.name[i] >= stringCount || infos.scriptName[i] >= stringCount) {
      fail(`trace function names that index the ${stringCount} strings`, `function ${i} names string ${Math.max(infos.name[i], infos.scriptName[i])}`)
    }
  }
  for (let t = 0; tree !== null && t < tree.count; t++) {
    if (tree.functionInfoIndex[t] >= count && tree.parent[t] !== -1) fail(`trace_tree function indexes below ${count}`, String(tree.functionInfoIndex[t]))
  }
  return infos
}

/**
 * Locations by node ordinal. A location whose object_index is no node's
 * offset (not a multiple of the node field count, or past the nodes) names
 * no object: DevTools, which looks locations up by node offset, never finds
 * it. It is left out, with a warning.
 */
function makeLocations(values: NumberListData, l: Layout, warnings: string[], fail: Fail): Locations {
  const fields = l.locationFields.length > 0 ? l.locationFields : ['object_index', 'script_id', 'line', 'column']
  const width = fields.length
  const records = recordCount(values, width, 'locations', fail)
  const fObject = fields.indexOf('object_index')
  const fScript = fields.indexOf('script_id')
  const fLine = fields.indexOf('line')
  const fColumn = fields.indexOf('column')
  const loc: Omit<Locations, 'count'> = {
    node: new Uint32Array(records),
    scriptId: new Float64Array(records),
    line: new Float64Array(records),
    column: new Float64Array(records),
  }
  const nodeFieldCount = l.nodeFieldCount
  const nodeLimit = l.nodeCount * nodeFieldCount
  const data = values.data
  let kept = 0
  let firstLeftOut = -1
  for (let i = 0, at = 0; i < records; i++, at += width) {
    const object = fObject >= 0 ? data[at + fObject] : 0
    const ordinal = object / nodeFieldCount
    if (object >= nodeLimit || Math.floor(ordinal) !== ordinal) {
      if (firstLeftOut < 0) firstLeftOut = object
      continue
    }
    loc.node[kept] = ordinal
    if (fScript >= 0) loc.scriptId[kept] = data[at + fScript]
    if (fLine >= 0) loc.line[kept] = data[at + fLine]
    if (fColumn >= 0) loc.column[kept] = data[at + fColumn]
    kept++
  }
  if (kept < records) {
    const left = records - kept
    warnings.push(
      `${left} of the ${records} locations ${left === 1 ? 'names' : 'name'} no node (object_index ${firstLeftOut}${left > 1 ? ', ...' : ''} is not a multiple of ${nodeFieldCount} below ${nodeLimit}); left out`,
    )
  }
  return {
    count: kept,
    node: loc.node.subarray(0, kept),
    scriptId: loc.scriptId.subarray(0, kept),
    line: loc.line.subarray(0, kept),
    column: loc.column.subarray(0, kept),
  }
}

function makeSamples(values: NumberListData, l: Layout, fail: Fail): Samples {
  const fields = l.sampleFields.length > 0 ? l.sampleFields : ['timestamp_us', 'last_assigned_id']
  const width = fields.length
  const count = recordCount(values, width, 'samples', fail)
  const fTime = fields.indexOf('timestamp_us')
  const fId = fields.indexOf('last_assigned_id')
  const samples: Samples = { count, timestampUs: new Float64Array(count), lastAssignedId: new Float64Array(count) }
  for (let i = 0; i < count; i++) {
    if (fTime >= 0) samples.timestampUs[i] = values.data[i * width + fTime]
    if (fId >= 0) samples.lastAssignedId[i] = values.data[i * width + fId]
  }
  return samples
}
