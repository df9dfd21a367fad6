/**
 * Objects that hold each other in a loop: strongly connected components of
 * the graph of user-visible references (by default property, element and
 * context edges between non-synthetic objects, leaving out `constructor` and
 * `__proto__`, which tie every class to its prototype; weak edges never).
 * A closure reaches what it captured through its internal `context` edge, so
 * closure <-> context loops (listeners) show with internal edges included:
 * they are off by default because every module's functions and its context
 * form such a loop. Found with
 * Tarjan's algorithm (R. Tarjan, "Depth-first search and linear graph
 * algorithms", SIAM J. Comput. 1(2), 1972, https://doi.org/10.1137/0201010),
 * iterative, over typed arrays.
 *
 * A component is reported once, with its size and classes, whatever the
 * number of objects in it (a parent/child tree of 51 nodes is one entry).
 * Components are ranked by the bytes they retain as a group: what their
 * members dominate, each byte once (the outermost members on each dominator
 * path) — exact when the component has one way in, a lower bound otherwise.
 * For each reported component: a representative shortest cycle (a BFS inside
 * the component, on a graphology graph of just that component) and the
 * references from outside that keep it alive.
 */
import { graphology } from './graphology.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import { sumOutermostRetained } from './aggregates.js'
import { buildDominatorTree } from './dominator-tree.js'
import type { HeapAnalysis } from './heap-analysis.js'
import type { Retainers } from './retainers.js'
import { computeClassNames } from './class-names.js'

/**
 * The edge types `findCycles` follows unless told otherwise: the references a
 * program makes (internal edges would add every closure <-> context loop).
 *
 * @example
 *   findCycles(s, a, r, { edgeTypes: [...DEFAULT_CYCLE_EDGE_TYPES, 'internal'] })
 */
export const DEFAULT_CYCLE_EDGE_TYPES = ['property', 'element', 'context'] as const

export interface CycleOptions {
  /** edge types that make a reference (default property, element, context); weak is never used */
  edgeTypes?: readonly string[]
  /** components retaining less than this many bytes are left out (default 0) */
  minRetainedSize?: number
  /** how many components to describe (default 20; 0 = all) */
  top?: number
  /** components with more members than this get a cycle found from a sample (default 5000) */
  maxGraphNodes?: number
  /**
   * property names that do not count as references (default `constructor`
   * and `__proto__`: every class and its prototype form such a loop, which
   * is language plumbing, not a leak)
   */
  ignoreNames?: readonly string[]
}

export const DEFAULT_IGNORED_NAMES = ['constructor', '__proto__'] as const

export interface CycleStep {
  /** node ordinal */
  from: number
  /** edge index from `from` to the next step's node */
  edge: number
}

export interface ExternalRetainer {
  /** node ordinal outside the component */
  from: number
  /** the edge into the component */
  edge: number
}

export interface Cycle {
  /** node ordinals of the component's members */
  members: number[]
  retainedSize: number
  /** member classes, most common first */
  classes: { name: string; count: number }[]
  /** a shortest cycle through the component's largest member; the last edge returns to the first node */
  path: CycleStep[]
  /** references from outside the component (not weak), up to 20 */
  externalRetainers: ExternalRetainer[]
  /** how many outside references there are in all */
  externalRetainerCount: number
}

export interface CycleReport {
  /** components of two or more objects (or one with a self-reference) */
  componentCount: number
  cycles: Cycle[]
}

/**
 * Strongly connected components over the chosen edges. Returns the
 * component of each node (nodes outside any cycle get their own) and the
 * number of components. Iterative: heap depth reaches millions.
 */
export function stronglyConnectedComponents(
  s: Snapshot,
  edgeUsed: Uint8Array,
  nodeUsed: Uint8Array,
  /** string indices of edge names that do not count (-1 entries are ignored) */
  ignoredNames: readonly number[] = [],
): { component: Int32Array; count: number } {
  const nodeCount = s.nodeCount
  const { firstEdge, edgeTarget, edgeType, edgeNameOrIndex } = s
  const ignoredA = ignoredNames[0] ?? -1
  const ignoredB = ignoredNames[1] ?? -1
  const elementType = s.edgeTypes.element
  const hiddenType = s.edgeTypes.hidden
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
        const t = edgeType[e]
        if (edgeUsed[t] === 0) continue
        if (t !== elementType && t !== hiddenType && (edgeNameOrIndex[e] === ignoredA || edgeNameOrIndex[e] === ignoredB)) continue
        const w = edgeTarget[e]
        if (nodeUsed[w] === 0) continue
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
 * Groups of objects that hold each other in a loop, largest retained size
 * first, each with a shortest cycle and the references from outside that keep
 * it alive.
 *
 * @example
 *   const report = findCycles(s, analyzeHeap(s), buildRetainers(s), { top: 10 })
 *   report.cycles[0].members.length
 */
export function findCycles(s: Snapshot, a: HeapAnalysis, r: Retainers, options: CycleOptions = {}): CycleReport {
  const edgeTypes = options.edgeTypes ?? DEFAULT_CYCLE_EDGE_TYPES
  const top = options.top ?? 20
  const minRetained = options.minRetainedSize ?? 0
  const maxGraphNodes = options.maxGraphNodes ?? 5000
  const edgeUsed = new Uint8Array(s.edgeTypeNames.length)
  for (const t of edgeTypes) {
    const id = s.edgeTypeNames.indexOf(t)
    if (id >= 0 && id !== s.edgeTypes.weak) edgeUsed[id] = 1
  }
  const nodeUsed = new Uint8Array(s.nodeCount)
  const synthetic = s.nodeTypes.synthetic
  for (let n = 0; n < s.nodeCount; n++) nodeUsed[n] = s.nodeType[n] === synthetic ? 0 : 1

  const ignored = (options.ignoreNames ?? DEFAULT_IGNORED_NAMES).slice(0, 2).map((name) => s.strings.indexOf(name))
  const { component, count } = stronglyConnectedComponents(s, edgeUsed, nodeUsed, ignored)
  // Component sizes; a component is a cycle when it has 2+ members or a self-reference.
  const size = new Uint32Array(count)
  for (let n = 0; n < s.nodeCount; n++) if (component[n] >= 0) size[component[n]]++
  const selfLoop = new Uint8Array(count)
  for (let n = 0; n < s.nodeCount; n++) {
    const c = component[n]
    if (c < 0 || size[c] !== 1) continue
    for (let e = s.firstEdge[n]; e < s.firstEdge[n + 1]; e++) if (s.edgeTarget[e] === n && edgeUsed[s.edgeType[e]] === 1) selfLoop[c] = 1
  }
  const groupOf = new Int32Array(s.nodeCount).fill(-1)
  let componentCount = 0
  for (let c = 0; c < count; c++) if (size[c] > 1 || selfLoop[c] === 1) componentCount++
  for (let n = 0; n < s.nodeCount; n++) {
    const c = component[n]
    if (c >= 0 && (size[c] > 1 || selfLoop[c] === 1)) groupOf[n] = c
  }
  const tree = buildDominatorTree(s, a.dominators, a.retainedSize)
  const retained = sumOutermostRetained(s, tree, groupOf, count, a.retainedSize)
  const ranked: number[] = []
  for (let c = 0; c < count; c++) if ((size[c] > 1 || selfLoop[c] === 1) && retained[c] >= minRetained) ranked.push(c)
  ranked.sort((x, y) => retained[y] - retained[x] || size[y] - size[x] || x - y)
  const chosen = top > 0 ? ranked.slice(0, top) : ranked
  const want = new Int32Array(count).fill(-1)
  for (let i = 0; i < chosen.length; i++) want[chosen[i]] = i
  const members: number[][] = chosen.map(() => [])
  for (let n = 0; n < s.nodeCount; n++) {
    const c = component[n]
    if (c >= 0 && want[c] >= 0) members[want[c]].push(n)
  }
  const { classIndex, names } = computeClassNames(s)
  const cycles = chosen.map((c, i) => describe(s, a, r, members[i], component, c, edgeUsed, retained[c], classIndex, names, maxGraphNodes))
  return { componentCount, cycles }
}

function describe(
  s: Snapshot,
  a: HeapAnalysis,
  r: Retainers,
  memberList: number[],
  component: Int32Array,
  c: number,
  edgeUsed: Uint8Array,
  retainedSize: number,
  classIndex: Uint32Array,
  names: string[],
  maxGraphNodes: number,
): Cycle {
  const counts = new Map<string, number>()
  for (const n of memberList) counts.set(names[classIndex[n]], (counts.get(names[classIndex[n]]) ?? 0) + 1)
  const classes = [...counts].map(([name, count]) => ({ name, count })).sort((x, y) => y.count - x.count || (x.name < y.name ? -1 : 1))
  // The largest member by retained size anchors the representative cycle.
  let anchor = memberList[0]
  for (const n of memberList) if (a.retainedSize[n] > a.retainedSize[anchor]) anchor = n
  const path = shortestCycle(s, anchor, component, c, edgeUsed, maxGraphNodes)
  const externalRetainers: ExternalRetainer[] = []
  let externalRetainerCount = 0
  const weak = s.edgeTypes.weak
  for (const n of memberList) {
    for (let k = r.firstRetainer[n]; k < r.firstRetainer[n + 1]; k++) {
      const from = r.retainerNode[k]
      const e = r.retainerEdge[k]
      if (component[from] === c || s.edgeType[e] === weak) continue
      externalRetainerCount++
      if (externalRetainers.length < 20) externalRetainers.push({ from, edge: e })
    }
  }
  return { members: memberList, retainedSize, classes, path, externalRetainers, externalRetainerCount }
}

/**
 * A shortest cycle through `anchor` inside component c: the component (or,
 * when huge, the part of it within reach of a bounded BFS) is copied into a
 * graphology graph, and a BFS from the anchor stops at the first edge back.
 */
function shortestCycle(s: Snapshot, anchor: number, component: Int32Array, c: number, edgeUsed: Uint8Array, maxGraphNodes: number): CycleStep[] {
  const { DirectedGraph } = graphology()
  const g = new DirectedGraph<Record<string, never>, { edge: number }>()
  const key = (n: number): string => String(n)
  // Copy the component around the anchor, breadth first, up to maxGraphNodes members.
  const queue = [anchor]
  g.addNode(key(anchor))
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]
    for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) {
      const w = s.edgeTarget[e]
      if (edgeUsed[s.edgeType[e]] === 0 || component[w] !== c) continue
      if (!g.hasNode(key(w))) {
        if (g.order >= maxGraphNodes) continue
        g.addNode(key(w))
        queue.push(w)
      }
      if (!g.hasEdge(key(v), key(w))) g.addDirectedEdgeWithKey(`${v}>${w}`, key(v), key(w), { edge: e })
    }
  }
  // BFS on the graphology graph from the anchor until an edge leads back to it.
  const via = new Map<string, string>() // node -> edge key it was reached by
  const frontier = [key(anchor)]
  let closing: string | null = null
  for (let head = 0; head < frontier.length && closing === null; head++) {
    const v = frontier[head]
    g.forEachOutEdge(v, (edgeKey, _attrs, _source, target) => {
      if (closing !== null) return
      if (target === key(anchor)) {
        closing = edgeKey
        return
      }
      if (via.has(target)) return
      via.set(target, edgeKey)
      frontier.push(target)
    })
  }
  if (closing === null) return []
  const steps: CycleStep[] = []
  let edgeKey: string = closing
  for (;;) {
    const source = g.source(edgeKey)
    steps.push({ from: Number(source), edge: g.getEdgeAttribute(edgeKey, 'edge') })
    if (source === key(anchor)) break
    edgeKey = via.get(source) as string
  }
  return steps.reverse()
}
