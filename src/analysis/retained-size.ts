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
  // Ownership is a fixed point: a movable node's owner is the one owner of all that holds it over
  // non-weak edges (UNVISITED: none yet, MULTIPLE_OWNERS: two or more), every other node its own.
  // Every update only moves a node up UNVISITED -> owner -> MULTIPLE_OWNERS and is passed on, so
  // the order of the updates does not change the result: here every other node passes itself to
  // what it holds in one pass over its edges, then the movable nodes that got an owner pass it on
  // through a worklist. Only movable nodes are read in `owner`; whether a target is movable is
  // read from `movable`, a quarter of its size (DevTools pushes every node on its worklist and
  // reads the owner of every edge's target: that took 1.5-2x as long on a 600 MB snapshot).
  const movable = new Uint8Array(nodeCount)
  for (let n = 0; n < nodeCount; n++) {
    const t = nodeType[n]
    if (t === hidden || t === array || (t === native && nodeNameIndex[n] === externalStringData)) movable[n] = 1
  }
  // owner[n] of a movable node n: its owner's ordinal, UNVISITED, or MULTIPLE_OWNERS.
  const owner = new Uint32Array(nodeCount).fill(UNVISITED)
  // Each movable node enters the worklist at most twice: when it gets an owner and when it turns
  // to MULTIPLE_OWNERS.
  let worklist = new Uint32Array(1024)
  let top = 0
  /** Passes owner o of node `from` to the movable nodes it holds; those that change go on the worklist. */
  const passOn = (from: number, o: number): void => {
    for (let e = firstEdge[from], end = firstEdge[from + 1]; e < end; e++) {
      if (edgeType[e] === weak) continue
      const target = edgeTarget[e]
      if (movable[target] === 0) continue
      const current = owner[target]
      if (current === UNVISITED) owner[target] = o
      else if (current === o || current === MULTIPLE_OWNERS) continue
      else owner[target] = MULTIPLE_OWNERS
      if (top === worklist.length) {
        const grown = new Uint32Array(worklist.length * 2)
        grown.set(worklist)
        worklist = grown
      }
      worklist[top++] = target
    }
  }
  for (let n = 0; n < nodeCount; n++) if (movable[n] === 0) passOn(n, n)
  while (top > 0) {
    const n = worklist[--top]
    passOn(n, owner[n])
  }
  const root = s.rootOrdinal
  for (let n = 0; n < nodeCount; n++) {
    if (movable[n] === 0) continue
    const o = owner[n]
    if (o === UNVISITED || o === MULTIPLE_OWNERS) continue
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
