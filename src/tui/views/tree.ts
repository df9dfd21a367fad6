/**
 * Expandable trees of objects: the dominator tree (down: what an object
 * holds alone) and the retainers tree (up: who holds an object, towards the
 * roots). The visible rows are a flat array of (object, edge, depth);
 * expanding a row inserts its children after it, collapsing removes its
 * descendants, so a tree costs what is open, never the whole heap.
 */
import { formatBytes, formatDistance } from '../../report/format.js'
import { edgeLabel, nodeLabel } from '../../report/objects.js'
import { memo, type Column, type HeaderLine, type HeapContext, type Screen } from '../screen.js'

/** A visible row of a tree. */
export interface TreeRow {
  node: number
  /** the edge from the row's node to its parent row's node (retainers), or -1 */
  edge: number
  depth: number
  expanded: boolean
}

export interface TreeSpec {
  title: string
  header: HeaderLine[]
  /** the rows below `row`, one level deeper */
  children(row: TreeRow): TreeRow[]
  hasChildren(row: TreeRow): boolean
  /** the row's text without indentation and marker */
  label(row: TreeRow): string
  /** the share of the whole drawn as the row's bar */
  share(row: TreeRow): number
  shareOf: string
  open(row: TreeRow): Screen | null
  /** the screen's `d` */
  dominated?(): Screen | null
  /** the screen's `r`, and what it shows */
  retainers?(): Screen | null
  retainersLabel?: string
}

export const OBJECT_COLUMNS: Column[] = [
  // Cut in the middle: a label's end is the object's id (`…/server.js @123`).
  { header: 'Object', align: 'left', cut: 'middle' },
  { header: 'Distance', align: 'right' },
  { header: 'Shallow', align: 'right' },
  { header: 'Retained', align: 'right' },
]

export function objectCells(h: HeapContext, n: number, label: string): string[] {
  return [label, formatDistance(h.a.distance[n]), formatBytes(h.a.shallowSize[n]), formatBytes(h.a.retainedSize[n])]
}

export function objectSortValue(h: HeapContext, n: number, column: number): number {
  return column === 1 ? h.a.distance[n] : column === 2 ? h.a.shallowSize[n] : column === 3 ? h.a.retainedSize[n] : NaN
}

/** A tree screen over `rows` (the visible rows, in order); toggling a row gives the next screen. */
export function treeScreen(h: HeapContext, spec: TreeSpec, rows: TreeRow[]): Screen {
  const text = memo(rows.length, (i) => {
    const r = rows[i]
    const marker = !spec.hasChildren(r) ? '  ' : r.expanded ? '▾ ' : '▸ '
    return `${'  '.repeat(r.depth)}${marker}${spec.label(r)}`
  })
  const cells = memo(rows.length, (i) => objectCells(h, rows[i].node, text(i)))
  return {
    title: spec.title,
    header: spec.header,
    columns: OBJECT_COLUMNS,
    size: rows.length,
    cells,
    text,
    sortValue: (i, c) => objectSortValue(h, rows[i].node, c),
    share: (i) => spec.share(rows[i]),
    shareOf: spec.shareOf,
    open: (row) => spec.open(rows[row]),
    ...(spec.dominated === undefined ? {} : { dominated: spec.dominated }),
    ...(spec.retainers === undefined ? {} : { retainers: spec.retainers, retainersLabel: spec.retainersLabel }),
    toggle: (row) => {
      const r = rows[row]
      if (!spec.hasChildren(r)) return null
      let end = row + 1
      if (r.expanded) while (end < rows.length && rows[end].depth > r.depth) end++
      const inserted = r.expanded ? [] : spec.children(r)
      return treeScreen(h, spec, [...rows.slice(0, row), { ...r, expanded: !r.expanded }, ...inserted, ...rows.slice(end)])
    },
    expanded: (row) => rows[row].expanded,
  }
}

/** The children of n in the dominator tree, largest retained first (the tree's order). */
function dominatedRows(h: HeapContext, n: number, depth: number): TreeRow[] {
  const { firstChild, child } = h.tree
  const out: TreeRow[] = []
  for (let k = firstChild[n]; k < firstChild[n + 1]; k++) out.push({ node: child[k], edge: -1, depth, expanded: false })
  return out
}

/**
 * The dominator tree under `root` (the whole heap from the synthetic root),
 * children largest retained first. → or e expands and collapses a row, ←
 * collapses an expanded one, Enter opens the object.
 */
export function dominatorTreeScreen(h: HeapContext, root: number, open: (n: number) => Screen): Screen {
  const { firstChild } = h.tree
  const isRoot = root === h.s.rootOrdinal
  const whole = isRoot ? h.a.totalSize : h.a.retainedSize[root]
  return treeScreen(
    h,
    {
      title: isRoot ? 'Dominator tree' : `Dominator tree of ${nodeLabel(h.s, root, h.names)}`,
      header: [
        isRoot
          ? `total ${formatBytes(h.a.totalSize)}; each object retains what is below it: releasing it frees all of that`
          : `retained ${formatBytes(h.a.retainedSize[root])}: releasing it frees all of these`,
      ],
      children: (r) => dominatedRows(h, r.node, r.depth + 1),
      hasChildren: (r) => firstChild[r.node] < firstChild[r.node + 1],
      label: (r) => nodeLabel(h.s, r.node, h.names),
      share: (r) => (whole > 0 ? h.a.retainedSize[r.node] / whole : 0),
      shareOf: isRoot ? 'heap' : 'subtree',
      open: (r) => open(r.node),
    },
    dominatedRows(h, root, 0),
  )
}

/**
 * The retainers of n (the objects that reference it), nearest the roots
 * first, as DevTools' Retainers pane orders them: by distance, then largest
 * retained first.
 */
function retainerRows(h: HeapContext, n: number, depth: number): TreeRow[] {
  const { firstRetainer, retainerEdge, retainerNode } = h.retainers
  const { distance, retainedSize } = h.a
  const out: TreeRow[] = []
  for (let k = firstRetainer[n]; k < firstRetainer[n + 1]; k++) out.push({ node: retainerNode[k], edge: retainerEdge[k], depth, expanded: false })
  return out.sort((x, y) => distance[x.node] - distance[y.node] || retainedSize[y.node] - retainedSize[x.node] || x.edge - y.edge)
}

/**
 * Who holds n, as a tree going up towards the roots: each row is an edge
 * into the object below it (`.cache in Map @9`: Map @9's property `cache`);
 * expanding a row shows who holds that object in turn. Any row opens.
 */
export function retainerTreeScreen(
  h: HeapContext,
  n: number,
  more: { header: HeaderLine[]; open: (n: number) => Screen; dominated: () => Screen | null; references: () => Screen | null },
): Screen {
  const { firstRetainer } = h.retainers
  const total = h.a.totalSize
  return treeScreen(
    h,
    {
      title: `Retainers of ${nodeLabel(h.s, n, h.names)}`,
      header: more.header,
      children: (r) => retainerRows(h, r.node, r.depth + 1),
      hasChildren: (r) => r.node !== h.s.rootOrdinal && firstRetainer[r.node] < firstRetainer[r.node + 1],
      label: (r) => `${edgeLabel(h.s, r.edge)} in ${nodeLabel(h.s, r.node, h.names)}`,
      share: (r) => (total > 0 ? h.a.retainedSize[r.node] / total : 0),
      shareOf: 'heap',
      open: (r) => more.open(r.node),
      dominated: more.dominated,
      retainers: more.references,
      retainersLabel: 'references',
    },
    retainerRows(h, n, 0),
  )
}
