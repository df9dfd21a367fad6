/**
 * What the terminal UI shows, as data: every screen is a titled list of
 * rows with a few header lines, and opening a row yields the next screen.
 * Screens are built from the library API only, lazily (a class's instances
 * are found when the class is opened), so a million-row list costs one
 * array of rows and the UI renders only the visible ones.
 */
import {
  buildDominatorTree,
  buildRetainers,
  computeClassNames,
  computeSnapshotSummary,
  diffSnapshots,
  findCycles,
  findDetachedTrees,
  findRetainerPaths,
  formatSite,
  type ClassNames,
  type DiffGrouping,
  type DominatorTree,
  type HeapAnalysis,
  type Retainers,
  type Snapshot,
  type SnapshotDiff,
} from '../index.js'
import { countOf, formatBytes, formatCount, formatDistance } from '../report/format.js'
import { diffNotes } from '../report/diff.js'
import { edgeLabel, formatRetainerPath, nodeLabel } from '../report/objects.js'
import { formatCyclePath } from '../report/cycles.js'
import type { NodeNameOptions } from '../report/node-name.js'

export interface Column {
  header: string
  align: 'left' | 'right'
  /** a signed change: `+…` is drawn in red (growth), `-…` in green, when colour is on */
  signed?: boolean
}

/** One row, for screens that build their rows up front (a few thousand at most). */
export interface Row {
  cells: string[]
  /** numbers to sort by, one per column (NaN: not sortable) */
  sort: number[]
  /** the text `/` filters on */
  text: string
}

/**
 * A titled list. Rows are asked for by index, so a screen of a million
 * objects formats only the rows on screen: `cells` for the visible ones,
 * `sortValue` (cheap, from typed arrays) when sorting, `text` when
 * filtering (cached by the screen).
 */
export interface Screen {
  title: string
  /** lines above the list: totals, notes, a retainer path */
  header: string[]
  columns: Column[]
  /** how many rows */
  size: number
  cells(row: number): string[]
  /** the number column `column` sorts row `row` by (NaN: not sortable) */
  sortValue(row: number, column: number): number
  /** the text `/` filters on */
  text(row: number): string
  /** the screen a row opens, or null */
  open(row: number): Screen | null
  /** the screen behind `d` (an object's dominator tree), if any */
  dominated?(): Screen | null
  /** the same screen grouped differently (`b` in a diff) */
  regroup?(): Screen | null
  /** a tree: rows keep their order (no sort); `toggle` expands or collapses a row */
  toggle?(row: number): Screen | null
  /** whether the row is expanded (← collapses it instead of going back) */
  expanded?(row: number): boolean
}

/** The row-access part of a Screen, from rows built up front. */
export function fromRows(rows: Row[]): Pick<Screen, 'size' | 'cells' | 'sortValue' | 'text'> {
  return {
    size: rows.length,
    cells: (i) => rows[i].cells,
    sortValue: (i, c) => rows[i].sort[c],
    text: (i) => rows[i].text,
  }
}

/** A cache of strings computed per row on first use. */
function memo(size: number, compute: (i: number) => string): (i: number) => string {
  const cache: (string | undefined)[] = new Array<string | undefined>(size)
  return (i) => (cache[i] ??= compute(i))
}

/** Indexes of one analysed snapshot that the screens share. */
export interface HeapIndexes {
  classes?: ClassNames
  tree?: DominatorTree
}

/** One analysed snapshot and the indexes the screens share, built on first use. */
export class HeapContext {
  private retainersCache: Retainers | null = null
  private treeCache: DominatorTree | null = null
  private classCache: ClassNames | null = null

  constructor(
    readonly s: Snapshot,
    readonly a: HeapAnalysis,
    readonly names: NodeNameOptions,
    readonly label: string,
    /** the class names and dominator tree, when the loader built them already (off the UI's thread) */
    prebuilt: HeapIndexes = {},
  ) {
    this.classCache = prebuilt.classes ?? null
    this.treeCache = prebuilt.tree ?? null
  }

  get retainers(): Retainers {
    this.retainersCache ??= buildRetainers(this.s)
    return this.retainersCache
  }

  get tree(): DominatorTree {
    this.treeCache ??= buildDominatorTree(this.s, this.a.dominators, this.a.retainedSize)
    return this.treeCache
  }

  get classes(): ClassNames {
    this.classCache ??= computeClassNames(this.s)
    return this.classCache
  }
}

const OBJECT_COLUMNS: Column[] = [
  { header: 'Object', align: 'left' },
  { header: 'Shallow', align: 'right' },
  { header: 'Retained', align: 'right' },
  { header: 'Distance', align: 'right' },
]

function objectCells(h: HeapContext, n: number, label: string): string[] {
  const d = h.a.distance[n]
  return [label, formatBytes(h.a.shallowSize[n]), formatBytes(h.a.retainedSize[n]), formatDistance(d)]
}

function objectSortValue(h: HeapContext, n: number, column: number): number {
  return column === 1 ? h.a.shallowSize[n] : column === 2 ? h.a.retainedSize[n] : column === 3 ? h.a.distance[n] : NaN
}

/**
 * Rows of objects, lazily: `nodeOf(row)` is the object of a row, `label(row)`
 * its text (cached; it is what `/` searches).
 */
function objectRows(
  h: HeapContext,
  size: number,
  nodeOf: (row: number) => number,
  label: (row: number) => string,
): Pick<Screen, 'size' | 'cells' | 'sortValue' | 'text'> {
  const text = memo(size, label)
  return {
    size,
    cells: (i) => objectCells(h, nodeOf(i), text(i)),
    sortValue: (i, c) => objectSortValue(h, nodeOf(i), c),
    text,
  }
}

/** A list of objects; Enter opens one. */
export function objectsScreen(h: HeapContext, title: string, header: string[], ordinals: ArrayLike<number>): Screen {
  return {
    title,
    header,
    columns: OBJECT_COLUMNS,
    ...objectRows(
      h,
      ordinals.length,
      (i) => ordinals[i],
      (i) => nodeLabel(h.s, ordinals[i], h.names),
    ),
    open: (row) => objectScreen(h, ordinals[row]),
  }
}

/** One object: its retainer paths on top, its references below; `d` shows its dominator tree. */
export function objectScreen(h: HeapContext, n: number): Screen {
  const { s, a } = h
  const paths = findRetainerPaths(s, h.retainers, n, { maxPaths: 3 })
  const header = [
    `${nodeLabel(s, n, h.names)}  ${s.nodeTypeName(n)}  shallow ${formatBytes(a.shallowSize[n])}  retained ${formatBytes(a.retainedSize[n])}`,
    ...(paths.length === 0 ? ['held only weakly'] : paths.map((p, i) => `path ${i + 1}: ${formatRetainerPath(s, p, h.names)}`)),
  ]
  const first = s.firstEdge[n]
  return {
    title: `References of ${nodeLabel(s, n, h.names)}`,
    header,
    columns: OBJECT_COLUMNS,
    ...objectRows(
      h,
      s.firstEdge[n + 1] - first,
      (i) => s.edgeTarget[first + i],
      (i) => `${edgeLabel(s, first + i)} -> ${nodeLabel(s, s.edgeTarget[first + i], h.names)}`,
    ),
    open: (row) => objectScreen(h, s.edgeTarget[first + row]),
    dominated: () => dominatorTreeScreen(h, n),
  }
}

/** A visible row of a dominator tree. */
interface TreeRow {
  node: number
  depth: number
  expanded: boolean
}

/**
 * The dominator tree under `root` (the whole heap from the synthetic root),
 * children largest retained first. → or e expands and collapses a row, ←
 * collapses an expanded one, Enter opens the object. Expanding replaces the
 * row list (the visible rows only, never the whole tree).
 */
export function dominatorTreeScreen(h: HeapContext, root: number, rows?: TreeRow[]): Screen {
  const { firstChild, child } = h.tree
  const childrenOf = (n: number, depth: number): TreeRow[] => {
    const out: TreeRow[] = []
    for (let k = firstChild[n]; k < firstChild[n + 1]; k++) out.push({ node: child[k], depth, expanded: false })
    return out
  }
  const visible = rows ?? childrenOf(root, 0)
  const label = (i: number): string => {
    const r = visible[i]
    const leaf = firstChild[r.node] === firstChild[r.node + 1]
    return `${'  '.repeat(r.depth)}${leaf ? '  ' : r.expanded ? '▾ ' : '▸ '}${nodeLabel(h.s, r.node, h.names)}`
  }
  const isRoot = root === h.s.rootOrdinal
  return {
    title: isRoot ? 'Dominator tree' : `Dominator tree of ${nodeLabel(h.s, root, h.names)}`,
    header: [
      isRoot
        ? `total ${formatBytes(h.a.totalSize)}; each object retains what is below it: releasing it frees all of that`
        : `retained ${formatBytes(h.a.retainedSize[root])}: releasing it frees all of these`,
    ],
    columns: OBJECT_COLUMNS,
    ...objectRows(h, visible.length, (i) => visible[i].node, label),
    open: (row) => objectScreen(h, visible[row].node),
    toggle: (row) => {
      const r = visible[row]
      if (firstChild[r.node] === firstChild[r.node + 1]) return null
      let end = row + 1
      if (r.expanded) while (end < visible.length && visible[end].depth > r.depth) end++
      const inserted = r.expanded ? [] : childrenOf(r.node, r.depth + 1)
      return dominatorTreeScreen(h, root, [...visible.slice(0, row), { ...r, expanded: !r.expanded }, ...inserted, ...visible.slice(end)])
    },
    expanded: (row) => visible[row].expanded,
  }
}

/** The Summary: classes with count, shallow and retained size; Enter lists instances. */
export function summaryScreen(h: HeapContext): Screen {
  const summary = computeSnapshotSummary(h.s, { analysis: h.a, classNames: h.classes, dominatorTree: h.tree })
  const classes = summary.classes
  const index = new Map(h.classes.names.map((name, i) => [name, i]))
  return {
    title: `Summary of ${h.label}`,
    header: [
      `${countOf(summary.nodeCount, 'object')}, total ${formatBytes(summary.totalSize ?? summary.totalSelfSize)}, ${summary.kind}${summary.hasAllocationTraces ? ', with allocation traces' : ''}`,
    ],
    columns: [
      { header: 'Class', align: 'left' },
      { header: 'Count', align: 'right' },
      { header: 'Shallow', align: 'right' },
      { header: 'Retained', align: 'right' },
    ],
    ...fromRows(
      classes.map((c) => ({
        cells: [c.name, formatCount(c.count), formatBytes(c.selfSize), formatBytes(c.retainedSize ?? 0)],
        sort: [NaN, c.count, c.selfSize, c.retainedSize ?? 0],
        text: c.name,
      })),
    ),
    open: (row) => {
      const c = index.get(classes[row].name)
      if (c === undefined) return null
      const instances: number[] = []
      const { classIndex } = h.classes
      for (let n = 0; n < h.s.nodeCount; n++) if (classIndex[n] === c && h.a.shallowSize[n] > 0) instances.push(n)
      instances.sort((x, y) => h.a.retainedSize[y] - h.a.retainedSize[x])
      return objectsScreen(h, `${classes[row].name}: ${countOf(instances.length, 'instance')}`, ['largest retained first'], instances)
    },
  }
}

const GROUPINGS: DiffGrouping[] = ['site', 'stack', 'class', 'script']

/** The diff the Diff view shows (the loading thread makes the first one with it too). */
export function viewDiff(before: Snapshot, after: Snapshot, analysis: HeapAnalysis, groupBy: DiffGrouping | undefined, final?: Snapshot): SnapshotDiff {
  return diffSnapshots(before, after, { afterAnalysis: analysis, ...(groupBy === undefined ? {} : { groupBy }), ...(final === undefined ? {} : { final }) })
}

/**
 * The diff of two snapshots by `groupBy` (or `computed`, that diff made
 * already, by the loading thread); `b` switches the grouping, Enter opens a group.
 */
export function diffScreen(before: Snapshot, after: HeapContext, groupBy: DiffGrouping | undefined, final?: Snapshot, computed?: SnapshotDiff): Screen {
  const d = computed ?? viewDiff(before, after.s, after.a, groupBy, final)
  const t = d.totals
  const next = GROUPINGS[(GROUPINGS.indexOf(d.groupBy) + 1) % GROUPINGS.length]
  return {
    title: `Diff by ${d.groupBy} (b: by ${next})`,
    header: [
      `new ${formatCount(t.newCount)} (${formatBytes(t.newSize)}), freed ${formatCount(t.freedCount)} (${formatBytes(t.freedSize)}), net ${t.netSize >= 0 ? '+' : '-'}${formatBytes(Math.abs(t.netSize))}; matched by ${d.matchedBy}`,
      ...diffNotes(d),
    ],
    columns: [
      { header: d.groupBy === 'class' ? 'Class' : 'Allocation ' + d.groupBy, align: 'left' },
      { header: 'New', align: 'right' },
      { header: 'New size', align: 'right' },
      { header: 'Freed', align: 'right' },
      { header: 'Net', align: 'right', signed: true },
      { header: 'Retained', align: 'right' },
    ],
    ...fromRows(
      d.groups.map((g) => ({
        cells: [
          g.key,
          formatCount(g.newCount),
          formatBytes(g.newSize),
          formatCount(g.freedCount),
          (g.netSize >= 0 ? '+' : '-') + formatBytes(Math.abs(g.netSize)),
          formatBytes(g.retainedSize),
        ],
        sort: [NaN, g.newCount, g.newSize, g.freedCount, g.netSize, g.retainedSize],
        text: g.key,
      })),
    ),
    open: (row) => {
      const g = d.groups[row]
      const frames = g.stack ?? (g.site === undefined ? [] : [g.site])
      return objectsScreen(
        after,
        `New objects of ${g.key}`,
        [...frames.map((f, i) => `${i === 0 ? 'at' : '  from'} ${formatSite(f)}`), 'largest new objects, by retained size'],
        g.largestNew,
      )
    },
    regroup: () => diffScreen(before, after, next, final),
  }
}

/** Cycles ranked by bytes retained; Enter shows the component's largest member. */
export function cyclesScreen(h: HeapContext): Screen {
  const report = findCycles(h.s, h.a, h.retainers, { top: 200 })
  return {
    title: 'Cycles',
    header: [`${countOf(report.componentCount, 'group')} of objects that reference each other`],
    columns: [
      { header: 'Cycle', align: 'left' },
      { header: 'Objects', align: 'right' },
      { header: 'Retained', align: 'right' },
      { header: 'Outside refs', align: 'right' },
    ],
    ...fromRows(
      report.cycles.map((c) => {
        const text = `${c.classes
          .slice(0, 3)
          .map((k) => `${k.name} x${k.count}`)
          .join(', ')}: ${formatCyclePath(h.s, c.path, h.names)}`
        return {
          cells: [text, formatCount(c.members.length), formatBytes(c.retainedSize), formatCount(c.externalRetainerCount)],
          sort: [NaN, c.members.length, c.retainedSize, c.externalRetainerCount],
          text,
        }
      }),
    ),
    open: (row) => {
      const c = report.cycles[row]
      const members = c.members.slice().sort((x, y) => h.a.retainedSize[y] - h.a.retainedSize[x])
      return objectsScreen(h, `Members of cycle ${row + 1}`, [formatCyclePath(h.s, c.path, h.names)], members)
    },
  }
}

/** Detached trees; Enter opens the root with its retainer path. */
export function detachedScreen(h: HeapContext): Screen {
  const report = findDetachedTrees(h.s, h.a)
  return {
    title: 'Detached',
    header: [
      `${countOf(report.detachedCount, 'detached object')} (V8 marked ${formatCount(report.v8DetachedCount)}) in ${countOf(report.trees.length, 'tree')}`,
      ...(report.hasDom ? [] : ['no DOM in this snapshot: only embedder objects can be detached']),
    ],
    columns: [
      { header: 'Detached tree', align: 'left' },
      { header: 'Objects', align: 'right' },
      { header: 'Retained', align: 'right' },
    ],
    ...fromRows(
      report.trees.map((t) => {
        const text = `${t.name} @${h.s.nodeId[t.root]}${t.nodeInternal ? ' (Node internal)' : ''}`
        return { cells: [text, formatCount(t.count), formatBytes(t.retainedSize)], sort: [NaN, t.count, t.retainedSize], text }
      }),
    ),
    open: (row) => objectScreen(h, report.trees[row].root),
  }
}
