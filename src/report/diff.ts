/**
 * Diff reports: text (a header that says how objects were matched, a group
 * table, then for the top groups their new objects by class, the retainer
 * paths that hold them (clusters) and their largest new objects with the
 * path that keeps each alive), Markdown for a pull-request comment, and JSON.
 * Pure: strings and plain data, no I/O.
 */
import type { HeapAnalysis, Snapshot, SnapshotDiff, RetainerPath } from '../index.js'
import { countOf, formatBytes, formatCount, displayString, truncate } from './format.js'
import { JSON_SCHEMA_VERSION } from './json.js'
import { escapeMarkdown, renderMarkdownTable } from './markdown.js'
import { CLASS_NAME_MAX, clusterJson, formatClusterPathText, objectCount, renderClustersText } from './clusters.js'
import { formatRetainerPath, nodeLabel } from './objects.js'
import { renderTable, type Cell, type Column } from './table.js'

export interface DiffReportOptions {
  files: string[]
  top: number
  minGrowth: number
  redact?: boolean
  maxWidth?: number
  /** the growth gate, bytes, when --fail-on-growth was given */
  failOnGrowth?: number
  /** groups described in detail in the text (classes, clusters, objects; default 3; 0 = all shown) */
  detailed?: number
  /** new objects listed per detailed group in the text (default 3; 0 = all the diff kept) */
  objects?: number
}

/** Shown when the snapshots carry no allocation traces. */
export const TRACKING_HINT =
  'Allocation tracking was off, so objects are grouped by class. To group by allocating function, take the snapshots with ' +
  "`node --track-heap-objects`, the inspector's `HeapProfiler.startTrackingHeapObjects({trackAllocations: true})`, " +
  'or DevTools\' "Allocation instrumentation on timeline".'

export function shownGroups(d: SnapshotDiff, o: DiffReportOptions) {
  const kept = d.groups.filter((g) => g.netSize >= o.minGrowth)
  return o.top > 0 ? kept.slice(0, o.top) : kept
}

function signed(bytes: number): string {
  return (bytes > 0 ? '+' : bytes < 0 ? '-' : '') + formatBytes(Math.abs(bytes))
}

/** The lines that say how the snapshots were compared. */
export function diffNotes(d: SnapshotDiff): string[] {
  const notes: string[] = []
  if (d.matchedBy === 'aggregate') {
    notes.push(
      `The snapshots come from different processes (only ${formatCount(d.agreeingIds)} of ${formatCount(d.sharedIds)} shared ids name the same object), ` +
        'so groups are compared by their totals, not object by object; retained sizes are not available.',
    )
  }
  // Without traces a diff is by class or by constructor (class with where it is defined): say which.
  if (!d.allocationTraces) notes.push(d.groupBy === 'class' ? TRACKING_HINT : TRACKING_HINT.replace('grouped by class', `grouped by ${d.groupBy}`))
  else if (d.requestedGroupBy !== d.groupBy) notes.push(`--by ${d.requestedGroupBy} needs allocation traces in every snapshot; grouped by ${d.groupBy}.`)
  if (d.leakCandidates) notes.push('Three snapshots: "new" counts objects created between the first two that are still alive in the third (leak candidates).')
  return notes
}

function groupHeader(d: SnapshotDiff): string {
  switch (d.groupBy) {
    case 'class':
      return 'Class'
    case 'constructor':
      return 'Constructor'
    case 'script':
      return 'Script'
    case 'stack':
      return 'Allocation stack'
    default:
      return 'Allocation site'
  }
}

function groupCells(d: SnapshotDiff, o: DiffReportOptions): { columns: Column[]; rows: Cell[][] } {
  if (d.matchedBy === 'aggregate') {
    // Different processes: no object is new or freed, only groups larger or smaller.
    const columns: Column[] = [
      { header: groupHeader(d), minWidth: 20 },
      { header: 'Count before', align: 'right' },
      { header: 'Count after', align: 'right' },
      { header: 'Count change', align: 'right' },
      { header: 'Size before', align: 'right' },
      { header: 'Size after', align: 'right' },
      { header: 'Net', align: 'right' },
    ]
    const rows = shownGroups(d, o).map((g): Cell[] => [
      displayString(g.key, 100),
      g.countBefore ?? 0,
      g.countAfter ?? 0,
      signedCount((g.countAfter ?? 0) - (g.countBefore ?? 0)),
      formatBytes(g.sizeBefore ?? 0),
      formatBytes(g.sizeAfter ?? 0),
      signed(g.netSize),
    ])
    return { columns, rows }
  }
  const columns: Column[] = [
    { header: groupHeader(d), minWidth: 20 },
    { header: 'New', align: 'right' },
    { header: 'New size', align: 'right' },
    { header: 'Freed', align: 'right' },
    { header: 'Freed size', align: 'right' },
    { header: 'Net', align: 'right' },
    { header: 'Retained', align: 'right' },
  ]
  const rows = shownGroups(d, o).map((g): Cell[] => [
    displayString(g.key, 100),
    g.newCount,
    formatBytes(g.newSize),
    g.freedCount,
    formatBytes(g.freedSize),
    signed(g.netSize),
    formatBytes(g.retainedSize),
  ])
  return { columns, rows }
}

function signedCount(count: number): string {
  return (count > 0 ? '+' : count < 0 ? '-' : '') + formatCount(Math.abs(count))
}

/** The totals line: new and freed objects, or (different processes) the change of count and size. */
function totalsLine(d: SnapshotDiff): string {
  const t = d.totals
  if (d.matchedBy === 'aggregate') {
    let countBefore = 0
    let countAfter = 0
    for (const g of d.groups) {
      countBefore += g.countBefore ?? 0
      countAfter += g.countAfter ?? 0
    }
    return `Objects ${formatCount(countBefore)} -> ${formatCount(countAfter)} (${signedCount(countAfter - countBefore)}), net ${signed(t.netSize)}`
  }
  return `New ${countOf(t.newCount, 'object')} (${formatBytes(t.newSize)}), freed ${formatCount(t.freedCount)} (${formatBytes(t.freedSize)}), net ${signed(t.netSize)}`
}

/** Text report. `paths` maps a new object's ordinal (in after) to its shortest retainer path. */
export function renderDiffText(d: SnapshotDiff, after: Snapshot, paths: Map<number, RetainerPath>, o: DiffReportOptions): string {
  let out = `heapscope diff ${o.files.join(' -> ')}\n`
  out += `Matched by ${d.matchedBy === 'id' ? 'object id' : 'group totals'}; grouped by ${d.groupBy}\n`
  for (const note of diffNotes(d)) out += `note: ${note}\n`
  const t = d.totals
  out += `${totalsLine(d)}\n\n`
  const { columns, rows } = groupCells(d, o)
  if (rows.length === 0) return out + 'No group grew.\n'
  out += renderTable(columns, rows, o.maxWidth === undefined ? {} : { maxWidth: o.maxWidth })
  const names = { redact: o.redact }
  const groups = shownGroups(d, o)
  const detailed = o.detailed === 0 ? groups : groups.slice(0, o.detailed ?? 3)
  const objects = o.objects ?? 3
  for (const g of detailed) {
    if (g.classes.length === 0 && g.largestNew.length === 0) continue
    out += `\n${displayString(g.key, 100)}: ${objectCount(g.newCount, 'new object')}, ${formatBytes(g.retainedSize)} retained\n`
    if (g.classes.length > 0) {
      const classes = g.classes.slice(0, 5).map((c) => `${truncate(c.name, CLASS_NAME_MAX)} x${formatCount(c.count)} (${formatBytes(c.retainedSize)})`)
      const more = g.classes.length - 5
      out += `  by class: ${classes.join(', ')}${more > 0 ? ` and ${formatCount(more)} more ${more === 1 ? 'class' : 'classes'}` : ''}\n`
    }
    if (g.retainerClusters.length > 0) out += `  held by:\n${renderClustersText(g.retainerClusters, 3, '    ')}`
    const listed = objects === 0 ? g.largestNew : g.largestNew.slice(0, objects)
    if (listed.length > 0) out += '  largest new objects:\n'
    for (const n of listed) {
      out += `    ${nodeLabel(after, n, names)}\n`
      const path = paths.get(n)
      out += path === undefined ? '      held only weakly\n' : `      ${formatRetainerPath(after, path, names)}\n`
    }
  }
  if (o.failOnGrowth !== undefined)
    out += `\nGate: net growth ${signed(t.netSize)} ${t.netSize > o.failOnGrowth ? '>' : '<='} ${formatBytes(o.failOnGrowth)}: ${t.netSize > o.failOnGrowth ? 'FAILED' : 'passed'}\n`
  return out
}

/** Markdown for a pull-request comment. */
export function renderDiffMarkdown(d: SnapshotDiff, o: DiffReportOptions): string {
  const t = d.totals
  let out = `### heapscope diff\n\n`
  if (o.failOnGrowth !== undefined) {
    out +=
      t.netSize > o.failOnGrowth
        ? `**Memory gate failed:** net growth ${signed(t.netSize)} is over ${formatBytes(o.failOnGrowth)}.\n\n`
        : `Memory gate passed: net growth ${signed(t.netSize)} (limit ${formatBytes(o.failOnGrowth)}).\n\n`
  }
  out += `${totalsLine(d).replace(/net (\S+)$/, 'net **$1**')}; matched by ${d.matchedBy}, grouped by ${d.groupBy}.\n\n`
  for (const note of diffNotes(d)) out += `> ${escapeMarkdown(note)}\n\n`
  const { columns, rows } = groupCells(d, o)
  out += rows.length === 0 ? 'No group grew.\n' : renderMarkdownTable(columns, rows)
  // Why the top groups' new objects are alive: each group's largest retainer cluster.
  const held = shownGroups(d, o)
    .slice(0, o.detailed === 0 ? undefined : (o.detailed ?? 3))
    .filter((g) => g.retainerClusters.length > 0)
  if (held.length > 0) out += '\nWhat holds the new objects (per group, the retainer path of the cluster that retains the most):\n\n'
  for (const g of held) {
    const c = g.retainerClusters[0]
    const more = g.retainerClusters.length > 1 ? ` (and ${objectCount(g.retainerClusters.length - 1, 'other path')})` : ''
    out += `- ${escapeMarkdown(displayString(g.key, 100))}: ${objectCount(c.count)}, ${formatBytes(c.retainedSize)} retained: \`${formatClusterPathText(c.steps).replace(/`/g, "'")}\`${more}\n`
  }
  return out
}

/** The `diff --json` document (schemaVersion 1); `analysis`: of `after`, for the listed objects' sizes. */
export function diffJson(d: SnapshotDiff, after: Snapshot, paths: Map<number, RetainerPath>, o: DiffReportOptions, analysis: HeapAnalysis | null = null) {
  return {
    schemaVersion: JSON_SCHEMA_VERSION as typeof JSON_SCHEMA_VERSION,
    command: 'diff',
    files: o.files,
    matchedBy: d.matchedBy,
    allocationTraces: d.allocationTraces,
    groupBy: d.groupBy,
    leakCandidates: d.leakCandidates,
    sharedIds: d.sharedIds,
    agreeingIds: d.agreeingIds,
    notes: diffNotes(d),
    totals: d.totals,
    ...(o.failOnGrowth === undefined ? {} : { gate: { failOnGrowth: o.failOnGrowth, failed: d.totals.netSize > o.failOnGrowth } }),
    groups: shownGroups(d, o).map((g) => ({
      key: g.key,
      ...(g.site === undefined ? {} : { site: g.site }),
      ...(g.stack === undefined ? {} : { stack: g.stack }),
      ...(g.className === undefined ? {} : { className: g.className }),
      ...(g.location === undefined ? {} : { location: g.location }),
      ...(g.countBefore === undefined ? {} : { countBefore: g.countBefore, countAfter: g.countAfter, sizeBefore: g.sizeBefore, sizeAfter: g.sizeAfter }),
      newCount: g.newCount,
      newSize: g.newSize,
      freedCount: g.freedCount,
      freedSize: g.freedSize,
      netSize: g.netSize,
      retainedSize: g.retainedSize,
      reachableNewCount: g.retainerClusters.reduce((sum, c) => sum + c.count, 0),
      classes: g.classes,
      retainerClusters: g.retainerClusters.map(clusterJson),
      largestNew: g.largestNew.map((n) => ({
        id: after.nodeId[n],
        name: nodeLabel(after, n, { redact: o.redact }),
        selfSize: analysis === null ? after.v8SelfSize[n] : analysis.shallowSize[n],
        retainedSize: analysis === null ? null : analysis.retainedSize[n],
        retainerPath: paths.has(n) ? formatRetainerPath(after, paths.get(n) as RetainerPath, { redact: o.redact }) : null,
      })),
    })),
  }
}
