/**
 * Objects as reports show them: one row per object (`top`), the dominator
 * tree (`dominators`), retainer paths (`retainers`), one object in detail
 * (`inspect`). Pure: strings and plain data, no I/O.
 */
import { dominatorChain, type DominatorTree, type HeapAnalysis, type RetainerPath, type Snapshot } from '../index.js'
import { NodeNotFoundError } from '../snapshot/errors.js'
import { formatBytes } from './format.js'
import { displayNodeName, type NodeNameOptions } from './node-name.js'

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
  }
}

/**
 * The `limit` largest objects by retained size (0 = all), synthetic nodes
 * left out; ties by id. A partial selection, not a full sort, when limited.
 */
export function largestObjects(s: Snapshot, a: HeapAnalysis, limit: number): number[] {
  const synthetic = s.nodeTypes.synthetic
  const retained = a.retainedSize
  const candidates: number[] = []
  for (let n = 0; n < s.nodeCount; n++) if (s.nodeType[n] !== synthetic) candidates.push(n)
  const order = (x: number, y: number): number => retained[y] - retained[x] || s.nodeId[x] - s.nodeId[y]
  if (limit === 0 || limit >= candidates.length) return candidates.sort(order)
  // Keep a sorted window of the best `limit`; most candidates fail the first comparison.
  const best: number[] = []
  for (const n of candidates) {
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
  return best
}

/** `Foo @1234` — an object as people refer to it in DevTools. */
export function nodeLabel(s: Snapshot, n: number, names: NodeNameOptions = {}): string {
  if (n === s.rootOrdinal) return '(root)'
  const name = displayNodeName(s, n, { limit: 40, ...names })
  const type = s.nodeTypeName(n)
  const shown = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? `"${name}"` : name
  return `${shown === '' ? `(${type})` : shown} @${s.nodeId[n]}`
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
  /** dominated objects, largest first (cut to --limit per level) */
  children: DominatorTreeNode[]
  /** dominated objects left out by the limits */
  more: number
}

/** The dominator subtree under n, `depth` levels deep, at most `width` children per node. */
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
  const children: DominatorTreeNode[] = []
  for (let k = from; k < from + shown; k++) children.push(dominatorSubtree(s, a, tree, tree.child[k], depth - 1, width, names))
  return {
    id: s.nodeId[n],
    name: n === s.rootOrdinal ? '(root)' : displayNodeName(s, n, names),
    type: s.nodeTypeName(n),
    selfSize: a.shallowSize[n],
    retainedSize: a.retainedSize[n],
    children,
    more: to - from - shown,
  }
}

/** The subtree as indented text lines. */
export function renderDominatorTreeText(root: DominatorTreeNode, total: number): string {
  const lines: string[] = []
  const walk = (node: DominatorTreeNode, indent: string): void => {
    const pct = total > 0 ? ((node.retainedSize / total) * 100).toFixed(1) : '0.0'
    const name = node.name === '' ? `(${node.type})` : node.name
    lines.push(`${indent}${name} @${node.id}  retained ${formatBytes(node.retainedSize)} (${pct}%)  self ${formatBytes(node.selfSize)}`)
    for (const c of node.children) walk(c, indent + '  ')
    if (node.more > 0) lines.push(`${indent}  … ${node.more} more`)
  }
  walk(root, '')
  return lines.join('\n') + '\n'
}

/** Node n's dominators, immediate first, as labels. */
export function dominatorChainLabels(s: Snapshot, a: HeapAnalysis, n: number, names: NodeNameOptions = {}): string[] {
  return dominatorChain(s, a.dominators, n).map((m) => nodeLabel(s, m, names))
}
