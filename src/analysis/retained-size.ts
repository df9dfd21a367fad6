/**
 * Shallow sizes as DevTools shows them, and retained sizes over the
 * dominator tree.
 *
 * Shallow-size redistribution (DevTools' JSHeapSnapshot
 * `calculateShallowSizes`): when the snapshot has user roots (normal Chrome
 * and Node snapshots; not those taken with "expose internals"), every
 * `hidden` or `array` node — and native `system / ExternalStringData` — that
 * is owned, over non-weak edges, by exactly one other object moves its self
 * size to that owner and shows 0 itself. Ownership flows through chains of
 * such nodes (an array of arrays owned by one object is all that object's);
 * a node reached from two owners keeps its size. Synthetic owners and the
 * root never receive sizes.
 *
 * Retained size = shallow size + retained sizes of the nodes it dominates
 * (DevTools sums them in reverse DFS order, which visits children first).
 * The heap's total is the root's retained size plus `extra_native_bytes`.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import type { Dominators } from './dominators.js'

const UNVISITED = 0xffffffff
const MULTIPLE_OWNERS = 0xfffffffe

/** Whether the root has a user root: a non-synthetic child, or `(Document DOM trees)`. */
export function hasUserRoots(s: Snapshot): boolean {
  const { firstEdge, edgeTarget } = s
  const root = s.rootOrdinal
  for (let e = firstEdge[root]; e < firstEdge[root + 1]; e++) {
    if (isUserRoot(s, edgeTarget[e])) return true
  }
  return false
}

/** DevTools' user root: any non-synthetic node, or the `(Document DOM trees)` synthetic node. */
export function isUserRoot(s: Snapshot, n: number): boolean {
  return s.nodeType[n] !== s.nodeTypes.synthetic || s.strings.get(s.nodeNameIndex[n]) === '(Document DOM trees)'
}

/**
 * Each node's shallow size as DevTools shows it (after redistribution).
 *
 * @example
 *   const shallow = computeShallowSizes(s)
 *   shallow[n] // bytes, 0 for an array owned by one object
 */
export function computeShallowSizes(s: Snapshot): Uint32Array {
  const shallow = s.v8SelfSize.slice()
  if (!hasUserRoots(s)) return shallow
  const nodeCount = s.nodeCount
  const { firstEdge, edgeTarget, edgeType, nodeType, nodeNameIndex, strings } = s
  const hidden = s.nodeTypes.hidden
  const array = s.nodeTypes.array
  const native = s.nodeTypes.native
  const synthetic = s.nodeTypes.synthetic
  const weak = s.edgeTypes.weak
  const externalStringData = strings.indexOf('system / ExternalStringData')
  // owner[n]: the ordinal of n's owner, UNVISITED, or MULTIPLE_OWNERS.
  const owner = new Uint32Array(nodeCount)
  // Each node enters the worklist at most twice: when it gets an owner and
  // when it turns to MULTIPLE_OWNERS.
  let worklist = new Uint32Array(nodeCount)
  let top = 0
  for (let n = 0; n < nodeCount; n++) {
    const t = nodeType[n]
    if (t === hidden || t === array || (t === native && nodeNameIndex[n] === externalStringData)) {
      owner[n] = UNVISITED
    } else {
      owner[n] = n
      worklist[top++] = n
    }
  }
  while (top > 0) {
    const n = worklist[--top]
    const o = owner[n]
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      if (edgeType[e] === weak) continue
      const target = edgeTarget[e]
      const current = owner[target]
      if (current === UNVISITED) {
        owner[target] = o
      } else if (current === target || current === o || current === MULTIPLE_OWNERS) {
        continue
      } else {
        owner[target] = MULTIPLE_OWNERS
      }
      if (top === worklist.length) {
        const grown = new Uint32Array(worklist.length * 2)
        grown.set(worklist)
        worklist = grown
      }
      worklist[top++] = target
    }
  }
  const root = s.rootOrdinal
  for (let n = 0; n < nodeCount; n++) {
    const o = owner[n]
    if (o === UNVISITED || o === MULTIPLE_OWNERS || o === n) continue
    if (nodeType[o] === synthetic || o === root) continue
    shallow[o] += shallow[n]
    shallow[n] = 0
  }
  return shallow
}

/**
 * Retained size of every node: its shallow size plus the retained sizes of
 * the nodes it dominates. Float64: sums pass 2^32.
 *
 * @example
 *   const retained = computeRetainedSizes(s, computeDominators(s), computeShallowSizes(s))
 *   retained[s.rootOrdinal] + s.extraNativeBytes // the heap's total size
 */
export function computeRetainedSizes(s: Snapshot, d: Dominators, shallow: Uint32Array): Float64Array {
  const retained = new Float64Array(s.nodeCount)
  for (let n = 0; n < retained.length; n++) retained[n] = shallow[n]
  const { dominator, order } = d
  for (let i = order.length - 1; i > 0; i--) {
    const n = order[i]
    retained[dominator[n]] += retained[n]
  }
  return retained
}
