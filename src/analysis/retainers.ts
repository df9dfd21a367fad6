/**
 * Why is an object alive: its retainers (reverse edges) and the shortest
 * paths from the root to it.
 *
 * `buildRetainers` is the reverse CSR, built once in two passes (count,
 * prefix-sum, fill) as DevTools' `buildRetainers` does. `findRetainerPaths`
 * runs a breadth-first search backwards from the object over non-weak edges
 * until it meets the root, so the path it returns is a shortest one; each
 * further path must enter the object through a retainer no earlier path used,
 * which gives distinct answers to "what do I have to release".
 *
 * `shortestRetainerPath` needs no search: it walks up the shortest-path
 * tree the distance computation recorded (HeapAnalysis.predecessorEdge), so
 * it is the path DevTools' distance counts, through user roots where there
 * is one, and costs one step per edge of the path. Lists of objects (diff,
 * clusters, detached trees) use it for every object they show.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { edgeSource, NO_PREDECESSOR } from './distances.js'

export interface Retainers {
  /** node n's retaining edges are retainerEdge[firstRetainer[n] .. firstRetainer[n+1]-1] */
  firstRetainer: Uint32Array
  /** edge index of each retaining edge */
  retainerEdge: Uint32Array
  /** node ordinal the retaining edge comes from */
  retainerNode: Uint32Array
}

/**
 * The retainers of every node (the reverse edges), in CSR form: what
 * `findRetainerPaths` searches. Built once per snapshot.
 *
 * @example
 *   const r = buildRetainers(s)
 *   for (let k = r.firstRetainer[n]; k < r.firstRetainer[n + 1]; k++) console.log(s.nodeName(r.retainerNode[k]))
 */
export function buildRetainers(s: Snapshot): Retainers {
  const nodeCount = s.nodeCount
  const { firstEdge, edgeTarget } = s
  const firstRetainer = new Uint32Array(nodeCount + 1)
  for (let e = 0; e < s.edgeCount; e++) firstRetainer[edgeTarget[e] + 1]++
  for (let n = 0; n < nodeCount; n++) firstRetainer[n + 1] += firstRetainer[n]
  const retainerEdge = new Uint32Array(s.edgeCount)
  const retainerNode = new Uint32Array(s.edgeCount)
  const cursor = firstRetainer.slice(0, nodeCount)
  for (let n = 0; n < nodeCount; n++) {
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      const slot = cursor[edgeTarget[e]]++
      retainerEdge[slot] = e
      retainerNode[slot] = n
    }
  }
  return { firstRetainer, retainerEdge, retainerNode }
}

/** A path from the root to an object: edges[i] goes from nodes[i] to nodes[i + 1]. */
export interface RetainerPath {
  /** node ordinals, the root first, the object last */
  nodes: number[]
  /** edge indices, one fewer than nodes */
  edges: number[]
}

export interface RetainerPathOptions {
  /** how many distinct paths (default 1) */
  maxPaths?: number
  /** give up on paths longer than this many edges (default: no limit) */
  maxDepth?: number
}

/**
 * Up to `maxPaths` shortest retainer paths from the root to node `n`, over
 * non-weak edges; empty when nothing but weak edges holds it.
 *
 * @example
 *   const [path] = findRetainerPaths(s, buildRetainers(s), n)
 *   path.nodes.map((m) => s.nodeName(m))
 */
export function findRetainerPaths(s: Snapshot, r: Retainers, n: number, options: RetainerPathOptions = {}): RetainerPath[] {
  const maxPaths = options.maxPaths ?? 1
  const maxDepth = options.maxDepth ?? Infinity
  const root = s.rootOrdinal
  const weak = s.edgeTypes.weak
  const { firstRetainer, retainerEdge, retainerNode } = r
  const paths: RetainerPath[] = []
  if (n === root) return [{ nodes: [root], edges: [] }]
  // Each path must enter n through a retainer edge no earlier path used.
  const usedFirstEdges = new Set<number>()
  // Per search: the edge by which each visited node continues towards n.
  const via = new Int32Array(s.nodeCount)
  const depth = new Uint32Array(s.nodeCount)
  const queue = new Uint32Array(s.nodeCount)
  while (paths.length < maxPaths) {
    via.fill(-1)
    via[n] = -2 // n itself: the end of the path
    let head = 0
    let tail = 0
    queue[tail++] = n
    let found = -1
    search: while (head < tail) {
      const m = queue[head++]
      if (depth[m] >= maxDepth) continue
      for (let k = firstRetainer[m]; k < firstRetainer[m + 1]; k++) {
        const e = retainerEdge[k]
        if (s.edgeType[e] === weak) continue
        if (m === n && usedFirstEdges.has(e)) continue
        const from = retainerNode[k]
        if (via[from] !== -1) continue
        via[from] = e
        depth[from] = m === n ? 1 : depth[m] + 1
        if (from === root) {
          found = from
          break search
        }
        queue[tail++] = from
      }
    }
    if (found < 0) break
    const nodes = [found]
    const edges: number[] = []
    for (let m = found; m !== n; ) {
      const e = via[m]
      edges.push(e)
      m = s.edgeTarget[e]
      nodes.push(m)
    }
    usedFirstEdges.add(edges[edges.length - 1])
    paths.push({ nodes, edges })
  }
  return paths
}

/**
 * The shortest retainer path of node n as the distance search found it
 * (through user roots where there is one; see distances.ts), or null when
 * nothing but weak references holds n. O(path length).
 *
 * @example
 *   const path = shortestRetainerPath(s, analyzeHeap(s), n)
 *   path?.nodes.map((m) => s.nodeName(m)) // ['', 'global', 'Object', ...]
 */
export function shortestRetainerPath(s: Snapshot, a: { predecessorEdge: Uint32Array }, n: number): RetainerPath | null {
  const root = s.rootOrdinal
  const nodes = [n]
  const edges: number[] = []
  for (let m = n; m !== root; ) {
    const e = a.predecessorEdge[m]
    if (e === NO_PREDECESSOR) return null
    edges.push(e)
    m = edgeSource(s, e)
    nodes.push(m)
  }
  return { nodes: nodes.reverse(), edges: edges.reverse() }
}
