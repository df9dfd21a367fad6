/**
 * Detached objects, as DevTools marks them: V8's `detachedness` (0 unknown,
 * 1 attached, 2 detached) seeds the state of native nodes, which DevTools
 * propagates (HeapSnapshot.ts `propagateDOMState`: attached first, then
 * detached, over edges that are not hidden, invisible or weak, never through
 * JS objects) and shows as `Detached <name>`; a native node whose name already
 * starts with `Detached ` (snapshots without the field) counts too
 * (`markDetachedDOMTreeNodes`).
 *
 * Detached trees: a detached node none of whose dominators is detached is the
 * root of a tree; every detached node it dominates belongs to it. The
 * retainer path of a root answers "what do I have to release".
 *
 * Node.js marks some of its own embedder objects detached (`Node / ...`);
 * those trees are labelled as Node internals, not page leaks. React: a
 * `FiberNode` whose `stateNode` is a detached DOM node is a detached fiber
 * (the pattern memlab reports).
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import type { HeapAnalysis } from './heap-analysis.js'
import { computeClassNames } from './class-names.js'
import { computeDetachedNames } from './dom-state.js'

export interface DetachedTree {
  /** ordinal of the tree's root (a detached node with no detached dominator) */
  root: number
  /** DevTools class name of the root, e.g. `Detached <div class="x">` */
  name: string
  /** detached nodes in the tree (the root included) */
  count: number
  /** retained size of the root */
  retainedSize: number
  /** the root is one of Node.js's own embedder objects, not a page's DOM */
  nodeInternal: boolean
}

export interface DetachedReport {
  /** nodes DevTools marks detached (after propagation) */
  detachedCount: number
  /** nodes V8 itself wrote as detached (detachedness 2) */
  v8DetachedCount: number
  /** the snapshot has DOM (Blink) objects at all */
  hasDom: boolean
  /** detached React fibers: FiberNode objects whose stateNode is detached */
  detachedFiberCount: number
  /** largest retained size first */
  trees: DetachedTree[]
}

/** 1 for every node DevTools marks detached. */
export function computeDetachedNodes(s: Snapshot): Uint8Array {
  const marked = computeDetachedNames(s)
  const native = s.nodeTypes.native
  const { nodeType, nodeNameIndex, strings } = s
  for (let n = 0; n < s.nodeCount; n++) {
    if (nodeType[n] === native && marked[n] === 0 && strings.get(nodeNameIndex[n]).startsWith('Detached ')) marked[n] = 1
  }
  return marked
}

/**
 * The detached DOM trees (and detached React fibers) of a browser snapshot,
 * largest retained size first, with the counts DevTools shows.
 *
 * @example
 *   const report = findDetachedTrees(s, analyzeHeap(s))
 *   report.trees[0].name // 'Detached <div class="tree-b">'
 */
export function findDetachedTrees(s: Snapshot, a: HeapAnalysis): DetachedReport {
  const detached = computeDetachedNodes(s)
  const nodeCount = s.nodeCount
  const { dominator, order } = a.dominators
  // Dominators come before the nodes they dominate in DFS preorder, so one
  // forward pass gives each detached node its outermost detached dominator.
  const treeOf = new Int32Array(nodeCount).fill(-1)
  const root = s.rootOrdinal
  let detachedCount = 0
  for (let i = 0; i < order.length; i++) {
    const n = order[i]
    const up = n === root ? -1 : treeOf[dominator[n]]
    if (up >= 0) treeOf[n] = up
    else if (detached[n] === 1) treeOf[n] = n
    if (detached[n] === 1) detachedCount++
  }
  const counts = new Map<number, number>()
  for (let n = 0; n < nodeCount; n++) {
    if (detached[n] === 1 && treeOf[n] >= 0) counts.set(treeOf[n], (counts.get(treeOf[n]) ?? 0) + 1)
  }
  const { classIndex, names } = computeClassNames(s)
  const trees: DetachedTree[] = []
  for (const [r, count] of counts) {
    trees.push({
      root: r,
      name: names[classIndex[r]],
      count,
      retainedSize: a.retainedSize[r],
      nodeInternal: s.strings.get(s.nodeNameIndex[r]).startsWith('Node / '),
    })
  }
  trees.sort((x, y) => y.retainedSize - x.retainedSize || y.count - x.count || x.root - y.root)

  let v8DetachedCount = 0
  const given = s.nodeDetachedness
  if (given !== null) for (let n = 0; n < nodeCount; n++) if (given[n] === 2) v8DetachedCount++

  let hasDom = false
  const native = s.nodeTypes.native
  for (let n = 0; n < nodeCount && !hasDom; n++) {
    if (s.nodeType[n] !== native) continue
    const name = s.strings.get(s.nodeNameIndex[n])
    hasDom = name === 'HTMLDocument' || name.startsWith('<') || name.startsWith('blink::') || name.startsWith('Detached <')
  }

  // React: FiberNode.stateNode -> a detached DOM node.
  let detachedFiberCount = 0
  const fiberName = s.strings.indexOf('FiberNode')
  const stateNode = s.strings.indexOf('stateNode')
  if (fiberName >= 0 && stateNode >= 0) {
    for (let n = 0; n < nodeCount; n++) {
      if (s.nodeNameIndex[n] !== fiberName || s.nodeType[n] !== s.nodeTypes.object) continue
      for (let e = s.firstEdge[n]; e < s.firstEdge[n + 1]; e++) {
        if (!s.edgeHasIndex(e) && s.edgeNameOrIndex[e] === stateNode && detached[s.edgeTarget[e]] === 1) {
          detachedFiberCount++
          break
        }
      }
    }
  }
  return { detachedCount, v8DetachedCount, hasDom, detachedFiberCount, trees }
}
