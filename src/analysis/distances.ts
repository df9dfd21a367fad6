/**
 * Distance of every node from the roots, as DevTools computes it
 * (HeapSnapshot.ts `calculateDistances` with JSHeapSnapshot's filter).
 *
 * Two breadth-first searches: the first from the user roots (the root's
 * non-synthetic children and `(Document DOM trees)`) at distance 1; the
 * second from the root for whatever the first did not reach, with the root at
 * SYSTEM_DISTANCE (when there were user roots), so system-only objects sort
 * after everything a page or program holds. Weak edges are never followed;
 * nor are the `sloppy_function_map` edge of a native context, the descriptor
 * slots of `(map descriptors)` arrays (shared between maps, crbug.com/413608),
 * or the first-seen edge of each WeakMap key/value pair, so a value gets the
 * greater of (table + 1, key + 1) (crbug.com/1290800). Nodes neither search
 * reaches keep NO_DISTANCE.
 *
 * The same searches give a shortest-path tree: the edge by which each node
 * was first reached (`predecessorEdge`). Walking it up from any node gives
 * the path DevTools' distance counts: through user roots where there is
 * one, in edge order on ties. Retainer clusters (clusters.ts) and the
 * retainer path of every listed object read it, instead of a search per
 * object.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { EphemeronNames } from './essential-edges.js'
import { isUserRoot } from './retained-size.js'

/**
 * The distance of a node that no search reaches (DevTools' `noDistance`):
 * it is held only through weak edges, or by nothing.
 *
 * @example
 *   const unreachable = a.distance[n] === NO_DISTANCE
 */
export const NO_DISTANCE = -5
/**
 * The base distance of nodes reached only from the root, not from user roots
 * (GC roots, V8 internals); DevTools shows such distances as `-`.
 *
 * @example
 *   const fromUserRoots = a.distance[n] >= 0 && a.distance[n] < SYSTEM_DISTANCE
 */
export const SYSTEM_DISTANCE = 100000000
/**
 * The `predecessorEdge` of the root and of nodes no search reaches (held
 * only through weak edges, or by nothing).
 *
 * @example
 *   const held = a.predecessorEdge[n] !== NO_PREDECESSOR
 */
export const NO_PREDECESSOR = 0xffffffff

/** Distances and the shortest-path tree of the searches that computed them. */
export interface DistanceTree {
  /** DevTools' distance of node n; NO_DISTANCE when unreachable */
  distance: Int32Array
  /** the edge (index) by which the search first reached node n; NO_PREDECESSOR for the root and unreachable nodes */
  predecessorEdge: Uint32Array
}

/**
 * @example
 *   const distance = computeDistances(s)
 *   distance[n] // 1 for a global, NO_DISTANCE when unreachable
 */
export function computeDistances(s: Snapshot): Int32Array {
  return computeDistanceTree(s).distance
}

/**
 * computeDistances, keeping the edge each node was first reached by.
 *
 * @example
 *   const { distance, predecessorEdge } = computeDistanceTree(s)
 *   const e = predecessorEdge[n] // s.edgeTarget[e] === n, and the edge's source is one step closer to the roots
 */
export function computeDistanceTree(s: Snapshot): DistanceTree {
  const nodeCount = s.nodeCount
  const { firstEdge, edgeTarget, edgeType, edgeNameOrIndex, nodeType, nodeNameIndex, strings } = s
  const weak = s.edgeTypes.weak
  const internal = s.edgeTypes.internal
  const element = s.edgeTypes.element
  const hiddenEdge = s.edgeTypes.hidden
  const hiddenNode = s.nodeTypes.hidden
  const arrayNode = s.nodeTypes.array
  const nativeContext = strings.indexOf('system / NativeContext')
  const sloppyFunctionMap = strings.indexOf('sloppy_function_map')
  const mapDescriptors = strings.indexOf('(map descriptors)')
  const ephemerons = new EphemeronNames(strings)
  /** WeakMap pairs whose first edge has been seen (and skipped). */
  const pendingPairs = new Set<string>()

  const distance = new Int32Array(nodeCount).fill(NO_DISTANCE)
  const predecessorEdge = new Uint32Array(nodeCount).fill(NO_PREDECESSOR)
  const root = s.rootOrdinal
  // Room for every node once, plus duplicate root edges to one user root.
  const queue = new Uint32Array(nodeCount + firstEdge[root + 1] - firstEdge[root])

  /** DevTools' filter: false for edges the search must not follow. */
  const follows = (n: number, e: number): boolean => {
    const t = edgeType[e]
    const nt = nodeType[n]
    if (nt === hiddenNode && nodeNameIndex[n] === nativeContext && t !== element && t !== hiddenEdge && edgeNameOrIndex[e] === sloppyFunctionMap) {
      return false
    }
    if (nt === arrayNode && nodeNameIndex[n] === mapDescriptors && mapDescriptors >= 0) {
      const index = t === element || t === hiddenEdge ? edgeNameOrIndex[e] : parseInt(strings.get(edgeNameOrIndex[e]), 10)
      return index < 2 || index % 3 !== 1
    }
    if (t === internal) {
      const pair = ephemerons.pairOf(edgeNameOrIndex[e])
      if (pair !== null && !pendingPairs.delete(pair)) {
        pendingPairs.add(pair)
        return false
      }
    }
    return true
  }

  const bfs = (length: number): void => {
    let head = 0
    while (head < length) {
      const n = queue[head++]
      const next = distance[n] + 1
      for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
        const t = edgeType[e]
        if (t === weak) continue
        const child = edgeTarget[e]
        if (distance[child] !== NO_DISTANCE) continue
        // Only internal edges and hidden/array nodes can be filtered out.
        if ((t === internal || nodeType[n] === hiddenNode || nodeType[n] === arrayNode) && !follows(n, e)) continue
        distance[child] = next
        predecessorEdge[child] = e
        queue[length++] = child
      }
    }
  }

  let seeds = 0
  for (let e = firstEdge[root]; e < firstEdge[root + 1]; e++) {
    const child = edgeTarget[e]
    if (isUserRoot(s, child)) {
      if (distance[child] === NO_DISTANCE) predecessorEdge[child] = e
      distance[child] = 1
      queue[seeds++] = child
    }
  }
  bfs(seeds)
  distance[root] = seeds > 0 ? SYSTEM_DISTANCE : 0
  queue[0] = root
  bfs(1)
  return { distance, predecessorEdge }
}

/**
 * The node edge `e` comes from: a binary search in `firstEdge` (the model
 * keeps no source per edge).
 *
 * @example
 *   edgeSource(s, a.predecessorEdge[n]) // the node that holds n on its shortest path
 */
export function edgeSource(s: Snapshot, e: number): number {
  const { firstEdge } = s
  // The last node whose edges start at or before e (nodes without edges share a start).
  let lo = 0
  let hi = s.nodeCount - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (firstEdge[mid] <= e) lo = mid
    else hi = mid - 1
  }
  return lo
}
