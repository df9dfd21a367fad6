/**
 * Strongly connected components (Tarjan's algorithm, iterative: heap depth
 * reaches millions) over a chosen set of edges: what cycles are made of.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import type { EdgeBits } from './essential-edges.js'

/**
 * Strongly connected components over the edges in `edges` (a bit per edge)
 * between nodes with nodeUsed[n] = 1. Returns the component of each node
 * (-1 for unused nodes; nodes outside any cycle get their own) and the
 * number of components. Iterative: heap depth reaches millions.
 *
 * @example
 *   const { component, count } = componentsOverEdges(s, computeCycleEdges(s).edges, nodeUsed)
 */
export function componentsOverEdges(s: Snapshot, edges: EdgeBits, nodeUsed: Uint8Array): { component: Int32Array; count: number } {
  const nodeCount = s.nodeCount
  const { firstEdge, edgeTarget } = s
  const index = new Int32Array(nodeCount).fill(-1)
  const low = new Int32Array(nodeCount)
  const component = new Int32Array(nodeCount).fill(-1)
  const onStack = new Uint8Array(nodeCount)
  const stack = new Uint32Array(nodeCount) // Tarjan's stack
  const callNode = new Uint32Array(nodeCount) // DFS stack: node
  const callEdge = new Uint32Array(nodeCount) // DFS stack: next edge to look at
  let sp = 0
  let counter = 0
  let count = 0
  for (let start = 0; start < nodeCount; start++) {
    if (index[start] !== -1 || nodeUsed[start] === 0) continue
    let depth = 0
    callNode[0] = start
    callEdge[0] = firstEdge[start]
    index[start] = low[start] = counter++
    stack[sp++] = start
    onStack[start] = 1
    while (depth >= 0) {
      const v = callNode[depth]
      let e = callEdge[depth]
      const end = firstEdge[v + 1]
      let descended = false
      for (; e < end; e++) {
        if (((edges[e >>> 5] >>> (e & 31)) & 1) === 0) continue
        const w = edgeTarget[e]
        if (index[w] === -1) {
          callEdge[depth] = e + 1
          depth++
          callNode[depth] = w
          callEdge[depth] = firstEdge[w]
          index[w] = low[w] = counter++
          stack[sp++] = w
          onStack[w] = 1
          descended = true
          break
        }
        if (onStack[w] === 1 && index[w] < low[v]) low[v] = index[w]
      }
      if (descended) continue
      // v is done: close its component if it is a root, then return to the caller.
      if (low[v] === index[v]) {
        let w: number
        do {
          w = stack[--sp]
          onStack[w] = 0
          component[w] = count
        } while (w !== v)
        count++
      }
      depth--
      if (depth >= 0) {
        const u = callNode[depth]
        if (low[v] < low[u]) low[u] = low[v]
      }
    }
  }
  return { component, count }
}

/**
 * Strongly connected components over the edges of the types with
 * edgeUsed[type] = 1, leaving out edges named in `ignoredNames` (string
 * indices; -1 entries are ignored), between nodes with nodeUsed[n] = 1.
 *
 * @example
 *   const { component, count } = stronglyConnectedComponents(s, edgeUsed, nodeUsed)
 */
export function stronglyConnectedComponents(
  s: Snapshot,
  edgeUsed: Uint8Array,
  nodeUsed: Uint8Array,
  ignoredNames: readonly number[] = [],
): { component: Int32Array; count: number } {
  const edges: EdgeBits = new Uint32Array((s.edgeCount + 31) >>> 5)
  const { edgeType, edgeNameOrIndex, edgeTarget } = s
  const element = s.edgeTypes.element
  const hidden = s.edgeTypes.hidden
  for (let e = 0; e < s.edgeCount; e++) {
    const t = edgeType[e]
    if (edgeUsed[t] === 0 || nodeUsed[edgeTarget[e]] === 0) continue
    if (t !== element && t !== hidden && ignoredNames.includes(edgeNameOrIndex[e])) continue
    edges[e >>> 5] |= 1 << (e & 31)
  }
  return componentsOverEdges(s, edges, nodeUsed)
}
