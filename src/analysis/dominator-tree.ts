/**
 * The dominator tree as a CSR of children, each node's children sorted by
 * retained size (largest first), as DevTools' Containment/Dominators views
 * list them; and the chain of dominators from a node up to the root.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import type { Dominators } from './dominators.js'

export interface DominatorTree {
  /** node n's dominated nodes are child[firstChild[n] .. firstChild[n+1]-1] */
  firstChild: Uint32Array
  /** node ordinals, largest retained size first within each parent */
  child: Uint32Array
}

/**
 * The dominator tree: the nodes each node dominates, largest retained size
 * first, as DevTools' Dominators view lists them.
 *
 * @example
 *   const tree = buildDominatorTree(s, a.dominators, a.retainedSize)
 *   for (let k = tree.firstChild[n]; k < tree.firstChild[n + 1]; k++) visit(tree.child[k])
 */
export function buildDominatorTree(s: Snapshot, d: Dominators, retained: Float64Array): DominatorTree {
  const nodeCount = s.nodeCount
  const root = s.rootOrdinal
  const { dominator } = d
  const firstChild = new Uint32Array(nodeCount + 1)
  for (let n = 0; n < nodeCount; n++) if (n !== root) firstChild[dominator[n] + 1]++
  for (let n = 0; n < nodeCount; n++) firstChild[n + 1] += firstChild[n]
  const child = new Uint32Array(firstChild[nodeCount])
  const cursor = firstChild.slice(0, nodeCount)
  for (let n = 0; n < nodeCount; n++) if (n !== root) child[cursor[dominator[n]]++] = n
  // Sort each parent's slice by retained size, largest first (ties: ordinal).
  for (let n = 0; n < nodeCount; n++) {
    const from = firstChild[n]
    const to = firstChild[n + 1]
    if (to - from > 1) child.subarray(from, to).sort((a, b) => retained[b] - retained[a] || a - b)
  }
  return { firstChild, child }
}

/**
 * Node n's dominators, from its immediate dominator up to the root: releasing
 * any one of them frees n.
 *
 * @example
 *   dominatorChain(s, a.dominators, n).map((d) => s.nodeName(d)) // ['Foo', 'global', '']
 */
export function dominatorChain(s: Snapshot, d: Dominators, n: number): number[] {
  const chain: number[] = []
  const root = s.rootOrdinal
  for (let m = n; m !== root; ) {
    m = d.dominator[m]
    chain.push(m)
  }
  return chain
}
