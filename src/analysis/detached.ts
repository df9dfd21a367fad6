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
 *
 * Trees that retain nothing (Chromium lists `Detached null`, `Detached
 * system / Map` wrappers of 0 bytes) are left out of `trees` unless asked
 * for, and counted. Trees with the same root class, the same size (count
 * and retained bytes) and the same retainer-path shape (clusters.ts) are
 * one group with a count: six identical detached `<div>` trees kept by one
 * array read as one line. The detached nodes themselves are clustered by
 * retainer path (clusters.ts).
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import type { HeapAnalysis } from './heap-analysis.js'
import { computeClassNames, type ClassNames } from './class-names.js'
import { findRetainerClusters, RetainerShapes, type RetainerCluster } from './clusters.js'
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

/** Detached trees of the same shape. */
export interface DetachedGroup {
  /** the roots' class, e.g. `Detached <div>` */
  name: string
  /** trees in the group */
  count: number
  /** detached nodes in each tree */
  nodeCount: number
  /** retained size of each tree's root */
  retainedSize: number
  /** the roots' retainer-path shape (cluster notation) */
  path: string
  /** the trees' roots, ordinals, by id */
  roots: number[]
  nodeInternal: boolean
}

export interface DetachedOptions {
  /** DevTools' class names, when the caller has them */
  classNames?: ClassNames
  /** keep trees that retain 0 bytes in `trees` and `groups` (default false) */
  includeEmpty?: boolean
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
  /** largest retained size first (without trees retaining 0 bytes, unless asked) */
  trees: DetachedTree[]
  /** trees left out because they retain 0 bytes */
  emptyTreeCount: number
  /** the trees grouped by root class, size and retainer-path shape; largest total first */
  groups: DetachedGroup[]
  /** the detached nodes by retainer-path shape (all of them, empty trees' included) */
  clusters: RetainerCluster[]
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
export function findDetachedTrees(s: Snapshot, a: HeapAnalysis, options: DetachedOptions = {}): DetachedReport {
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
  const classNames = options.classNames ?? computeClassNames(s)
  const { classIndex, names } = classNames
  let trees: DetachedTree[] = []
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
  const allTrees = trees.length
  if (options.includeEmpty !== true) trees = trees.filter((t) => t.retainedSize > 0)
  const emptyTreeCount = allTrees - trees.length

  // Groups: same root class, size and path shape.
  const shapes = new RetainerShapes(s, a, classNames)
  const groupIds = new Map<string, number>()
  const groups: DetachedGroup[] = []
  for (const tree of trees) {
    const shape = shapes.shapeOf(tree.root)
    const key = `${tree.name}\u0000${tree.count}\u0000${tree.retainedSize}\u0000${shape}`
    let g = groupIds.get(key)
    if (g === undefined) {
      g = groups.length
      groupIds.set(key, g)
      const path = shape < 0 ? '' : shapes.path(shape)
      groups.push({ name: tree.name, count: 0, nodeCount: tree.count, retainedSize: tree.retainedSize, path, roots: [], nodeInternal: tree.nodeInternal })
    }
    groups[g].count++
    groups[g].roots.push(tree.root)
  }
  for (const g of groups) g.roots.sort((x, y) => s.nodeId[x] - s.nodeId[y])
  groups.sort((x, y) => y.retainedSize * y.count - x.retainedSize * x.count || y.count - x.count || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
  const detachedNodes: number[] = []
  for (let n = 0; n < nodeCount; n++) if (detached[n] === 1) detachedNodes.push(n)
  const clusters = findRetainerClusters(s, a, detachedNodes, { shapes })

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
  return { detachedCount, v8DetachedCount, hasDom, detachedFiberCount, trees, emptyTreeCount, groups, clusters }
}
