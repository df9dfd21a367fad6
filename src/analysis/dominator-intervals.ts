/**
 * The dominator tree as preorder intervals, computed without building the
 * tree: what retained sizes counted once per group need (a member counts
 * when no counted member's interval holds it). Used by retainer clusters
 * and cycle groups.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import type { HeapAnalysis } from './heap-analysis.js'

/** The dominator tree as intervals of its preorder: node m is dominated by n (or is n) when pre[n] <= pre[m] < end[n]. */
export interface DominatorIntervals {
  pre: Uint32Array
  end: Uint32Array
  /** the node at each preorder position */
  nodeAt: Uint32Array
}

/**
 * Preorder intervals of the dominator tree, without building it: subtree
 * sizes accumulate walking the DFS order backwards (a node comes after its
 * dominator in it), then each node takes the next free slot inside its
 * dominator's interval walking it forwards. Three linear passes.
 *
 * @example
 *   const { pre, end } = computeDominatorIntervals(s, a)
 *   const dominates = pre[n] <= pre[m] && pre[m] < end[n]
 */
export function computeDominatorIntervals(s: Snapshot, a: { dominators: HeapAnalysis['dominators'] }): DominatorIntervals {
  const nodeCount = s.nodeCount
  const root = s.rootOrdinal
  const { dominator, order } = a.dominators
  if (order.length !== nodeCount) throw new Error(`internal: the dominator order has ${order.length} of ${nodeCount} nodes`)
  const end = new Uint32Array(nodeCount).fill(1) // subtree sizes first
  for (let i = nodeCount - 1; i > 0; i--) {
    const n = order[i]
    if (n !== root) end[dominator[n]] += end[n]
  }
  const pre = new Uint32Array(nodeCount)
  const next = new Uint32Array(nodeCount) // next free position inside each node's interval
  pre[root] = 0
  next[root] = 1
  for (let i = 0; i < nodeCount; i++) {
    const n = order[i]
    if (n === root) continue
    const d = dominator[n]
    pre[n] = next[d]
    next[d] += end[n]
    next[n] = pre[n] + 1
  }
  const nodeAt = next // reused: every slot is written below
  for (let n = 0; n < nodeCount; n++) {
    end[n] += pre[n]
    nodeAt[pre[n]] = n
  }
  return { pre, end, nodeAt }
}
