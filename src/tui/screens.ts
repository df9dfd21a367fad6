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
  type DiffGrouping,
  type DominatorTree,
  type HeapAnalysis,
  type Retainers,
  type Snapshot,
} from '../index.js'
import { formatBytes, formatCount } from '../report/format.js'
import { diffNotes } from '../report/diff.js'
import { edgeLabel, formatRetainerPath, nodeLabel } from '../report/objects.js'
import { formatCyclePath } from '../report/cycles.js'
import type { NodeNameOptions } from '../report/node-name.js'

export interface Column {
  header: string
  align: 'left' | 'right'
}

export interface Row {
  cells: string[]
  /** numbers to sort by, one per column (NaN: not sortable) */
  sort: number[]
  /** the text `/` filters on */
  text: string
}

export interface Screen {
  title: string
  /** lines above the list: totals, notes, a retainer path */
  header: string[]
  columns: Column[]
  rows: Row[]
  /** the screen a row opens, or null */
  open(row: number): Screen | null
  /** the screen behind `d` (an object's dominator subtree), if any */
  dominated?(): Screen | null
  /** the same screen grouped differently (`b` in a diff) */
  regroup?(): Screen | null
}

/** One analysed snapshot and the indexes the screens share, built on first use. */
export class HeapContext {
  private retainersCache: Retainers | null = null
  private treeCache: DominatorTree | null = null
  private classCache: { classIndex: Uint32Array; names: string[] } | null = null

  constructor(
    readonly s: Snapshot,
    readonly a: HeapAnalysis,
    readonly names: NodeNameOptions,
    readonly label: string,
  ) {}

  get retainers(): Retainers {
    this.retainersCache ??= buildRetainers(this.s)
    return this.retainersCache
  }

  get tree(): DominatorTree {
    this.treeCache ??= buildDominatorTree(this.s, this.a.dominators, this.a.retainedSize)
    return this.treeCache
  }

  get classes(): { classIndex: Uint32Array; names: string[] } {
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

function objectRow(h: HeapContext, n: number, prefix = ''): Row {
  const label = prefix + nodeLabel(h.s, n, h.names)
  const d = h.a.distance[n]
  return {
    cells: [label, formatBytes(h.a.shallowSize[n]), formatBytes(h.a.retainedSize[n]), d < 0 ? '-' : formatCount(d)],
    sort: [NaN, h.a.shallowSize[n], h.a.retainedSize[n], d],
    text: label,
  }
}

/** A list of objects; Enter opens one. */
export function objectsScreen(h: HeapContext, title: string, header: string[], ordinals: number[]): Screen {
  return {
    title,
    header,
    columns: OBJECT_COLUMNS,
    rows: ordinals.map((n) => objectRow(h, n)),
    open: (row) => objectScreen(h, ordinals[row]),
  }
}

/** One object: its retainer paths on top, its references below; `d` shows what it dominates. */
export function objectScreen(h: HeapContext, n: number): Screen {
  const { s, a } = h
  const paths = findRetainerPaths(s, h.retainers, n, { maxPaths: 3 })
  const header = [
    `${nodeLabel(s, n, h.names)}  ${s.nodeTypeName(n)}  shallow ${formatBytes(a.shallowSize[n])}  retained ${formatBytes(a.retainedSize[n])}`,
    ...(paths.length === 0 ? ['held only weakly'] : paths.map((p, i) => `path ${i + 1}: ${formatRetainerPath(s, p, h.names)}`)),
  ]
  const edges: number[] = []
  for (let e = s.firstEdge[n]; e < s.firstEdge[n + 1]; e++) edges.push(e)
  return {
    title: `References of ${nodeLabel(s, n, h.names)}`,
    header,
    columns: OBJECT_COLUMNS,
    rows: edges.map((e) => objectRow(h, s.edgeTarget[e], `${edgeLabel(s, e)} -> `)),
    open: (row) => objectScreen(h, s.edgeTarget[edges[row]]),
    dominated: () => dominatedScreen(h, n),
  }
}

/** What an object dominates, largest first; Enter goes one level down. */
export function dominatedScreen(h: HeapContext, n: number): Screen {
  const children: number[] = []
  for (let k = h.tree.firstChild[n]; k < h.tree.firstChild[n + 1]; k++) children.push(h.tree.child[k])
  const screen = objectsScreen(h, `Dominated by ${nodeLabel(h.s, n, h.names)}`, [`retained ${formatBytes(h.a.retainedSize[n])}: releasing it frees all of these`], children)
  return { ...screen, open: (row) => dominatedScreen(h, children[row]), dominated: undefined }
}

/** The Summary: classes with count, shallow and retained size; Enter lists instances. */
export function summaryScreen(h: HeapContext): Screen {
  const summary = computeSnapshotSummary(h.s, { analysis: h.a })
  const classes = summary.classes
  const index = new Map(h.classes.names.map((name, i) => [name, i]))
  return {
    title: `Summary of ${h.label}`,
    header: [`${formatCount(summary.nodeCount)} objects, total ${formatBytes(summary.totalSize ?? summary.totalSelfSize)}, ${summary.kind}${summary.hasAllocationTraces ? ', with allocation traces' : ''}`],
    columns: [
      { header: 'Class', align: 'left' },
      { header: 'Count', align: 'right' },
      { header: 'Shallow', align: 'right' },
      { header: 'Retained', align: 'right' },
    ],
    rows: classes.map((c) => ({
      cells: [c.name, formatCount(c.count), formatBytes(c.selfSize), formatBytes(c.retainedSize ?? 0)],
      sort: [NaN, c.count, c.selfSize, c.retainedSize ?? 0],
      text: c.name,
    })),
    open: (row) => {
      const c = index.get(classes[row].name)
      if (c === undefined) return null
      const instances: number[] = []
      const { classIndex } = h.classes
      for (let n = 0; n < h.s.nodeCount; n++) if (classIndex[n] === c && h.a.shallowSize[n] > 0) instances.push(n)
      instances.sort((x, y) => h.a.retainedSize[y] - h.a.retainedSize[x])
      return objectsScreen(h, `${classes[row].name}: ${formatCount(instances.length)} instances`, ['largest retained first'], instances)
    },
  }
}

const GROUPINGS: DiffGrouping[] = ['site', 'stack', 'class', 'script']

/** The diff of two snapshots by `groupBy`; `b` switches the grouping, Enter opens a group. */
export function diffScreen(before: Snapshot, after: HeapContext, groupBy: DiffGrouping | undefined, final?: Snapshot): Screen {
  const d = diffSnapshots(before, after.s, { afterAnalysis: after.a, ...(groupBy === undefined ? {} : { groupBy }), ...(final === undefined ? {} : { final }) })
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
      { header: 'Net', align: 'right' },
      { header: 'Retained', align: 'right' },
    ],
    rows: d.groups.map((g) => ({
      cells: [g.key, formatCount(g.newCount), formatBytes(g.newSize), formatCount(g.freedCount), (g.netSize >= 0 ? '+' : '-') + formatBytes(Math.abs(g.netSize)), formatBytes(g.retainedSize)],
      sort: [NaN, g.newCount, g.newSize, g.freedCount, g.netSize, g.retainedSize],
      text: g.key,
    })),
    open: (row) => {
      const g = d.groups[row]
      const frames = g.stack ?? (g.site === undefined ? [] : [g.site])
      return objectsScreen(after, `New objects of ${g.key}`, [...frames.map((f, i) => `${i === 0 ? 'at' : '  from'} ${formatSite(f)}`), 'largest new objects, by retained size'], g.largestNew)
    },
    regroup: () => diffScreen(before, after, next, final),
  }
}

/** Cycles ranked by bytes retained; Enter shows the component's largest member. */
export function cyclesScreen(h: HeapContext): Screen {
  const report = findCycles(h.s, h.a, h.retainers, { top: 200 })
  return {
    title: 'Cycles',
    header: [`${formatCount(report.componentCount)} groups of objects that reference each other`],
    columns: [
      { header: 'Cycle', align: 'left' },
      { header: 'Objects', align: 'right' },
      { header: 'Retained', align: 'right' },
      { header: 'Outside refs', align: 'right' },
    ],
    rows: report.cycles.map((c) => {
      const text = `${c.classes.slice(0, 3).map((k) => `${k.name} x${k.count}`).join(', ')}: ${formatCyclePath(h.s, c.path, h.names)}`
      return { cells: [text, formatCount(c.members.length), formatBytes(c.retainedSize), formatCount(c.externalRetainerCount)], sort: [NaN, c.members.length, c.retainedSize, c.externalRetainerCount], text }
    }),
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
      `${formatCount(report.detachedCount)} detached objects (V8 marked ${formatCount(report.v8DetachedCount)}) in ${formatCount(report.trees.length)} trees`,
      ...(report.hasDom ? [] : ['no DOM in this snapshot: only embedder objects can be detached']),
    ],
    columns: [
      { header: 'Detached tree', align: 'left' },
      { header: 'Objects', align: 'right' },
      { header: 'Retained', align: 'right' },
    ],
    rows: report.trees.map((t) => {
      const text = `${t.name} @${h.s.nodeId[t.root]}${t.nodeInternal ? ' (Node internal)' : ''}`
      return { cells: [text, formatCount(t.count), formatBytes(t.retainedSize)], sort: [NaN, t.count, t.retainedSize], text }
    }),
    open: (row) => objectScreen(h, report.trees[row].root),
  }
}
