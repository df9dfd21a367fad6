/**
 * Small graphs around one object, as graphology graphs, for people to look
 * at or export (Gephi, yEd, ...). The whole heap never becomes a graphology
 * graph: these walk the typed arrays and copy at most `maxNodes` nodes.
 *
 * - retainers: the object and what holds it, `depth` steps back towards the
 *   roots, over non-weak edges.
 * - dominated: the object's dominator subtree, `depth` levels down.
 */
import { graphology } from './graphology.js'
import type { AbstractGraph as Graph } from 'graphology-types'
import type { Snapshot } from '../snapshot/snapshot.js'
import type { DominatorTree } from './dominator-tree.js'
import type { HeapAnalysis } from './heap-analysis.js'
import type { Retainers } from './retainers.js'

export interface SubgraphOptions {
  /** steps from the object (default 3) */
  depth?: number
  /** stop adding nodes past this many (default 2000) */
  maxNodes?: number
}

function addObject(g: Graph, s: Snapshot, a: HeapAnalysis, n: number): string {
  const key = String(s.nodeId[n])
  if (!g.hasNode(key)) {
    g.addNode(key, {
      label: `${s.nodeName(n).slice(0, 80)} @${s.nodeId[n]}`,
      name: s.nodeName(n).slice(0, 200),
      type: s.nodeTypeName(n),
      selfSize: a.shallowSize[n],
      retainedSize: a.retainedSize[n],
      distance: a.distance[n],
    })
  }
  return key
}

/**
 * The retainer graph of node n: n, its retainers, theirs, ... `depth` steps.
 *
 * @example
 *   const g = retainerSubgraph(s, a, buildRetainers(s), n, { depth: 4 })
 *   g.order // nodes in the graph
 */
export function retainerSubgraph(s: Snapshot, a: HeapAnalysis, r: Retainers, n: number, options: SubgraphOptions = {}): Graph {
  const depth = options.depth ?? 3
  const maxNodes = options.maxNodes ?? 2000
  const g = new (graphology().MultiDirectedGraph)()
  const weak = s.edgeTypes.weak
  let frontier = [n]
  addObject(g, s, a, n)
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: number[] = []
    for (const m of frontier) {
      for (let k = r.firstRetainer[m]; k < r.firstRetainer[m + 1]; k++) {
        const e = r.retainerEdge[k]
        if (s.edgeType[e] === weak) continue
        const from = r.retainerNode[k]
        const known = g.hasNode(String(s.nodeId[from]))
        if (!known && g.order >= maxNodes) continue
        addObject(g, s, a, from)
        g.addDirectedEdge(String(s.nodeId[from]), String(s.nodeId[m]), { label: s.edgeName(e).slice(0, 80), type: s.edgeTypeName(e) })
        if (!known) next.push(from)
      }
    }
    frontier = next
  }
  return g
}

/**
 * The dominator subtree of node n, `depth` levels down, largest first.
 *
 * @example
 *   const g = dominatedSubgraph(s, a, buildDominatorTree(s, a.dominators, a.retainedSize), n)
 */
export function dominatedSubgraph(s: Snapshot, a: HeapAnalysis, tree: DominatorTree, n: number, options: SubgraphOptions = {}): Graph {
  const depth = options.depth ?? 3
  const maxNodes = options.maxNodes ?? 2000
  const g = new (graphology().DirectedGraph)()
  addObject(g, s, a, n)
  let frontier = [n]
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: number[] = []
    for (const m of frontier) {
      for (let k = tree.firstChild[m]; k < tree.firstChild[m + 1] && g.order < maxNodes; k++) {
        const c = tree.child[k]
        addObject(g, s, a, c)
        g.addDirectedEdge(String(s.nodeId[m]), String(s.nodeId[c]), { label: 'dominates', type: 'dominator' })
        next.push(c)
      }
    }
    frontier = next
  }
  return g
}
