/**
 * Objects as reports show them: one row per object (`top`), the dominator
 * tree (`dominators`), retainer paths (`retainers`), one object in detail
 * (`inspect`). Pure: strings and plain data, no I/O.
 */
import {
  SYSTEM_DISTANCE,
  allocationStackOf,
  dominatorChain,
  formatLocation,
  sourceLocations,
  type AllocationSite,
  type DominatorTree,
  type HeapAnalysis,
  type PositionMapper,
  type RetainerPath,
  type Snapshot,
  type SourceLocation,
} from '../index.js'
import { NodeNotFoundError } from '../snapshot/errors.js'
import { DEFAULT_STRING_LIMIT, countOf, formatBytes, formatCount, formatDistance, formatPercent } from './format.js'
import { displayNodeName, type NodeNameOptions } from './node-name.js'
import { jsonRows, type JsonRows } from './json.js'
import { tableLines, type Cell, type Column } from './table.js'

/** The widest formatBytes text: `1023.9 KiB`. */
const BYTES_WIDTH = 10

/** The ordinal of the object with V8 id `id`; throws NodeNotFoundError. */
export function resolveNodeId(s: Snapshot, id: number): number {
  const n = Number.isSafeInteger(id) && id >= 0 ? s.ordinalOfId(id) : -1
  if (n < 0) throw new NodeNotFoundError(s.file, id)
  return n
}

/** One object, as `top --json` and `inspect --json` give it. */
export interface ObjectRow {
  id: number
  name: string
  type: string
  /** DevTools' shallow size (after redistribution), bytes */
  selfSize: number
  /** V8's self size as written in the snapshot, bytes */
  rawSelfSize: number
  retainedSize: number
  /** DevTools' distance from the roots (-5 when unreachable) */
  distance: number
  /** the immediate dominator's V8 id */
  dominatorId: number
  /** where a closure's function, or an object's constructor, is defined (1-based), when the snapshot says */
  location?: SourceLocation
  /** the allocation stack, innermost frame first, when the snapshot has allocation traces for the object */
  allocationStack?: AllocationSite[]
}

export function objectRow(s: Snapshot, a: HeapAnalysis, n: number, names: NodeNameOptions = {}): ObjectRow {
  return {
    id: s.nodeId[n],
    name: displayNodeName(s, n, names),
    type: s.nodeTypeName(n),
    selfSize: a.shallowSize[n],
    rawSelfSize: s.v8SelfSize[n],
    retainedSize: a.retainedSize[n],
    distance: a.distance[n],
    dominatorId: s.nodeId[a.dominators.dominator[n]],
    ...codeOf(s, n, names.mapPosition),
  }
}

/** The definition site and the allocation stack of node n, each when known, with their original positions when source maps are given. */
export function codeOf(s: Snapshot, n: number, mapPosition?: PositionMapper): { location?: SourceLocation; allocationStack?: AllocationSite[] } {
  const location = mappedLocation(sourceLocations(s).of(n), mapPosition)
  const stack = allocationStackOf(s, n).map((frame) => mappedSite(frame, mapPosition))
  return { ...(location === null ? {} : { location }), ...(stack.length === 0 ? {} : { allocationStack: stack }) }
}

function mappedLocation(location: SourceLocation | null, mapPosition: PositionMapper | undefined): SourceLocation | null {
  if (location === null || mapPosition === undefined || location.scriptName === '') return location
  const original = mapPosition(location.scriptName, location.line, location.column)
  return original === undefined ? location : { ...location, original }
}

function mappedSite(site: AllocationSite, mapPosition: PositionMapper | undefined): AllocationSite {
  if (mapPosition === undefined || site.scriptName === '' || site.line === 0) return site
  const original = mapPosition(site.scriptName, site.line, site.column)
  return original === undefined ? site : { ...site, original }
}

/**
 * The `limit` largest objects by retained size (0 = all), synthetic nodes
 * left out; ties by id. A partial selection, not a full sort, when limited;
 * ordinals in a typed array (every object of a big snapshot is millions).
 */
export function largestObjects(s: Snapshot, a: HeapAnalysis, limit: number): Uint32Array {
  const synthetic = s.nodeTypes.synthetic
  const retained = a.retainedSize
  const ids = s.nodeId
  const types = s.nodeType
  let count = 0
  for (let n = 0; n < s.nodeCount; n++) if (types[n] !== synthetic) count++
  const order = (x: number, y: number): number => retained[y] - retained[x] || ids[x] - ids[y]
  if (limit === 0 || limit >= count) {
    const all = new Uint32Array(count)
    for (let n = 0, k = 0; n < s.nodeCount; n++) if (types[n] !== synthetic) all[k++] = n
    return all.sort(order)
  }
  // Keep a sorted window of the best `limit`; most candidates fail the first comparison.
  const best: number[] = []
  for (let n = 0; n < s.nodeCount; n++) {
    if (types[n] === synthetic) continue
    if (best.length === limit && order(n, best[limit - 1]) >= 0) continue
    let lo = 0
    let hi = best.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (order(best[mid], n) <= 0) lo = mid + 1
      else hi = mid
    }
    best.splice(lo, 0, n)
    if (best.length > limit) best.pop()
  }
  return Uint32Array.from(best)
}

/** Rows of `order` (ordinals), made one at a time as they are read. */
export function* objectRows(s: Snapshot, a: HeapAnalysis, order: ArrayLike<number>, names: NodeNameOptions = {}): Generator<ObjectRow> {
  for (let i = 0; i < order.length; i++) yield objectRow(s, a, order[i], names)
}

/** Rows that decide the text table's widths before the rest stream out (see tableLines). */
const TABLE_SAMPLE_ROWS = 1000

/**
 * The `top` table as lines, made as they are read: a table of every object
 * of a big snapshot is never held. Beyond TABLE_SAMPLE_ROWS rows, the
 * columns are as wide as any row can need (names at their 60-character cut).
 *
 * @example
 *   for (const line of objectTableLines(s, a, largestObjects(s, a, 0))) out.write(line)
 */
export function* objectTableLines(
  s: Snapshot,
  a: HeapAnalysis,
  order: ArrayLike<number>,
  options: NodeNameOptions & { maxWidth?: number } = {},
): Generator<string> {
  const names = { redact: options.redact }
  yield `Total size ${formatBytes(a.totalSize)}; ${order.length === 1 ? 'the largest object' : `${countOf(order.length, 'object')}, largest`} by retained size first\n`
  const long = order.length > TABLE_SAMPLE_ROWS
  let maxId = 0
  let maxDistance = 0
  if (long) {
    for (let n = 0; n < s.nodeCount; n++) {
      if (s.nodeId[n] > maxId) maxId = s.nodeId[n]
      const d = a.distance[n]
      if (d < SYSTEM_DISTANCE && d > maxDistance) maxDistance = d
    }
  }
  // Only for a long table: the widest cell any row can have.
  const at = (width: number): { width?: number } => (long ? { width } : {})
  const columns: Column[] = [
    { header: 'Object', minWidth: 16, ...at(DEFAULT_STRING_LIMIT) },
    { header: 'Id', shrink: false, ...at(String(maxId).length + 1) },
    { header: 'Type', shrink: false, ...at(Math.max(...s.nodeTypeNames.map((t) => t.length))) },
    { header: 'Shallow', align: 'right', ...at(BYTES_WIDTH) },
    { header: 'Retained', align: 'right', ...at(BYTES_WIDTH) },
    { header: '%', align: 'right', ...at('100.0%'.length) },
    { header: 'Distance', align: 'right', ...at(formatCount(maxDistance).length) },
    { header: 'Dominator', shrink: false, ...at(String(maxId).length + 1) },
  ]
  function* cells(): Generator<Cell[]> {
    for (let i = 0; i < order.length; i++) {
      const r = objectRow(s, a, order[i], names)
      yield [
        r.name === '' ? `(${r.type})` : r.name,
        `@${r.id}`,
        r.type,
        formatBytes(r.selfSize),
        formatBytes(r.retainedSize),
        formatPercent(r.retainedSize, a.totalSize),
        formatDistance(r.distance),
        `@${r.dominatorId}`,
      ]
    }
  }
  yield* tableLines(columns, cells(), { sample: TABLE_SAMPLE_ROWS, ...(options.maxWidth === undefined ? {} : { maxWidth: options.maxWidth }) })
}

/** `Foo @1234` — an object as people refer to it in DevTools; a closure with where its function is defined: `onData /app/server.js:27:5 @1234`. */
export function nodeLabel(s: Snapshot, n: number, names: NodeNameOptions = {}): string {
  if (n === s.rootOrdinal) return '(root)'
  const name = displayNodeName(s, n, { limit: 40, ...names })
  const type = s.nodeTypeName(n)
  const shown = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? `"${name}"` : name
  const where = type === 'closure' ? closureLocation(s, n, names.mapPosition) : ''
  return `${shown === '' ? `(${type})` : shown}${where} @${s.nodeId[n]}`
}

/** ` /app/server.js:27:5` for a closure whose definition the snapshot records, else ''. */
function closureLocation(s: Snapshot, n: number, mapPosition: PositionMapper | undefined): string {
  const location = mappedLocation(sourceLocations(s).of(n), mapPosition)
  return location === null ? '' : ` ${formatLocation(location)}`
}

/** How an edge reads in a path: `.cache` (a property or a context variable), `[12]`, `{internal}`, `[[weak]]`. */
export function edgeLabel(s: Snapshot, e: number): string {
  const name = s.edgeName(e)
  switch (s.edgeTypeName(e)) {
    case 'element':
      return `[${name}]`
    case 'weak':
      return `[[${name}]]`
    // A context variable reads as a property of its Context (`Context @7 .cache`), as DevTools lists it.
    case 'context':
    case 'property':
    case 'shortcut':
      return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name.slice(0, 60))}]`
    default:
      return `{${name.slice(0, 60)}}`
  }
}

/** A retainer path as one line: `(root) .global -> Object @3 .cache -> Map @9 ... -> Foo @1234`. */
export function formatRetainerPath(s: Snapshot, path: RetainerPath, names: NodeNameOptions = {}): string {
  let out = nodeLabel(s, path.nodes[0], names)
  for (let i = 0; i < path.edges.length; i++) {
    out += ` ${edgeLabel(s, path.edges[i])} -> ${nodeLabel(s, path.nodes[i + 1], names)}`
  }
  return out
}

/** A retainer path as data, for `--json`. */
export function retainerPathJson(s: Snapshot, path: RetainerPath, names: NodeNameOptions = {}) {
  return path.edges.map((e, i) => ({
    from: path.nodes[i] === s.rootOrdinal ? null : s.nodeId[path.nodes[i]],
    edge: s.edgeName(e),
    edgeType: s.edgeTypeName(e),
    to: s.nodeId[path.nodes[i + 1]],
    toName: displayNodeName(s, path.nodes[i + 1], names),
  }))
}

export interface DominatorTreeNode {
  id: number
  name: string
  type: string
  selfSize: number
  retainedSize: number
  /** dominated objects, largest first (cut to --width per level); made as they are read */
  children: JsonRows<DominatorTreeNode>
  /** dominated objects left out by the limits */
  more: number
}

/**
 * The dominator subtree under n, `depth` levels deep, at most `width`
 * children per node. Children are made as they are read (the whole tree of
 * a big snapshot, `--width 0`, is millions of nodes), and can be read again.
 */
export function dominatorSubtree(
  s: Snapshot,
  a: HeapAnalysis,
  tree: DominatorTree,
  n: number,
  depth: number,
  width: number,
  names: NodeNameOptions = {},
): DominatorTreeNode {
  const from = tree.firstChild[n]
  const to = tree.firstChild[n + 1]
  const shown = depth > 0 ? Math.min(to - from, width) : 0
  const children = {
    *[Symbol.iterator](): Generator<DominatorTreeNode> {
      for (let k = from; k < from + shown; k++) yield dominatorSubtree(s, a, tree, tree.child[k], depth - 1, width, names)
    },
  }
  return {
    id: s.nodeId[n],
    name: n === s.rootOrdinal ? '(root)' : displayNodeName(s, n, names),
    type: s.nodeTypeName(n),
    selfSize: a.shallowSize[n],
    retainedSize: a.retainedSize[n],
    children: jsonRows(children),
    more: to - from - shown,
  }
}

/** The subtree as indented text lines, made as they are read. */
export function* dominatorTreeLines(root: DominatorTreeNode, total: number): Generator<string> {
  function* walk(node: DominatorTreeNode, indent: string): Generator<string> {
    const pct = formatPercent(node.retainedSize, total)
    const name = node.name === '' ? `(${node.type})` : node.name
    yield `${indent}${name} @${node.id}  retained ${formatBytes(node.retainedSize)} (${pct})  self ${formatBytes(node.selfSize)}\n`
    for (const c of node.children.rows) yield* walk(c, indent + '  ')
    if (node.more > 0) yield `${indent}  … ${formatCount(node.more)} more\n`
  }
  yield* walk(root, '')
}

/** Node n's dominators, immediate first, as labels. */
export function dominatorChainLabels(s: Snapshot, a: HeapAnalysis, n: number, names: NodeNameOptions = {}): string[] {
  return dominatorChain(s, a.dominators, n).map((m) => nodeLabel(s, m, names))
}
