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
  const total = new Float64Array(classCount)
  /** 1 while an enclosing instance of the class is on the current path */
  const open = new Uint8Array(classCount)
  const { firstChild, child } = tree
  // Entries >= 0 enter a node; ~c leaves a node that opened class c.
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
    const c = classIndex[n]
    const from = firstChild[n]
    const to = firstChild[n + 1]
    if (open[c] === 0 && shallow[n] !== 0) {
      total[c] += retained[n]
      if (from !== to) {
        open[c] = 1
        stack[top++] = ~c
      }
    }
    for (let k = from; k < to; k++) stack[top++] = child[k]
  }
  return total
}
