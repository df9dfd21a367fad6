/**
 * Retained size per class as DevTools' Summary computes it
 * (HeapSnapshot.ts `calculateClassesRetainedSize`): walking the dominator
 * tree from the root, an instance counts only when no instance of its class
 * encloses it on the path, so nested instances (a linked list of Nodes) are
 * not counted twice. Nodes of zero shallow size are skipped, as in
 * `buildAggregates`.
 *
 * Deviation: DevTools keys classes by name plus, for objects, the
 * constructor's location; we key by class name (computeClassNames).
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import type { DominatorTree } from './dominator-tree.js'

/**
 * Per group, the sum of retained sizes of its outermost members: walking the
 * dominator tree from the root, a node of group g counts only when no node of
 * g encloses it, so each byte counts once per group. `groupOf[n]` is n's
 * group, or -1 for nodes that belong to none (they neither count nor enclose).
 *
 * @example
 *   const bytes = sumOutermostRetained(s, tree, groupOf, groupCount, a.retainedSize)
 */
export function sumOutermostRetained(s: Snapshot, tree: DominatorTree, groupOf: Int32Array, groupCount: number, retained: Float64Array): Float64Array {
  const total = new Float64Array(groupCount)
  /** 1 while an enclosing member of the group is on the current path */
  const open = new Uint8Array(groupCount)
  const { firstChild, child } = tree
  // Entries >= 0 enter a node; ~g leaves a node that opened group g.
  const stack = new Int32Array(2 * s.nodeCount + 1)
  let top = 0
  stack[top++] = s.rootOrdinal
  while (top > 0) {
    const entry = stack[--top]
    if (entry < 0) {
      open[~entry] = 0
      continue
    }
    const n = entry
    const g = groupOf[n]
    const from = firstChild[n]
    const to = firstChild[n + 1]
    if (g >= 0 && open[g] === 0) {
      total[g] += retained[n]
      if (from !== to) {
        open[g] = 1
        stack[top++] = ~g
      }
    }
    for (let k = from; k < to; k++) stack[top++] = child[k]
  }
  return total
}

/**
 * @example
 *   const { classIndex, names } = computeClassNames(s)
 *   const retained = computeClassRetainedSizes(s, classIndex, names.length, tree, a.shallowSize, a.retainedSize)
 */
export function computeClassRetainedSizes(
  s: Snapshot,
  classIndex: Uint32Array,
  classCount: number,
  tree: DominatorTree,
  shallow: Uint32Array,
  retained: Float64Array,
): Float64Array {
  const groupOf = new Int32Array(s.nodeCount)
  for (let n = 0; n < groupOf.length; n++) groupOf[n] = shallow[n] === 0 ? -1 : classIndex[n]
  return sumOutermostRetained(s, tree, groupOf, classCount, retained)
}
