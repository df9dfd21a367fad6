/**
 * Growth reports over a series of snapshots: text (groups with their counts
 * in each snapshot and a sparkline, then the collections that grew in every
 * interval with the path that holds each), Markdown, and JSON.
 * Pure: strings and plain data, no I/O.
 */
import type { GrowthGroup, PositionMapper, Snapshot, SnapshotGrowth } from '../index.js'
import { TRACKING_HINT } from './diff.js'
import { displayString, formatBytes, formatCount } from './format.js'
import { JSON_SCHEMA_VERSION } from './json.js'
import { escapeMarkdown, renderMarkdownTable } from './markdown.js'
import { formatRetainerPath, nodeLabel } from './objects.js'
import { renderTable, type Cell, type Column } from './table.js'

export interface GrowthReportOptions {
  files: string[]
  /** groups and collections to show (0 = all) */
  top: number
  redact?: boolean
  /** source maps, for closures' definition sites in the collections' paths */
  mapPosition?: PositionMapper
  maxWidth?: number
  /** the growth gate, bytes, when --fail-on-growth was given: on the growth of the groups that grew in every interval */
  failOnGrowth?: number
}

const BARS = '▁▂▃▄▅▆▇█'

/**
 * A sparkline of `values`: one bar per value, scaled from the smallest to
 * the largest (all mid-height when they are equal).
 *
 * @example
 *   sparkline([200, 400, 600]) // '▁▅█'
 */
export function sparkline(values: readonly number[]): string {
  const low = Math.min(...values)
  const high = Math.max(...values)
  if (high === low) return BARS[3].repeat(values.length)
  return values.map((v) => BARS[Math.round(((v - low) / (high - low)) * (BARS.length - 1))]).join('')
}

function signed(bytes: number): string {
  return (bytes > 0 ? '+' : bytes < 0 ? '-' : '') + formatBytes(Math.abs(bytes))
}

/** The groups a report shows: all of them up to --top. */
export function shownGrowthGroups(g: SnapshotGrowth, o: GrowthReportOptions): GrowthGroup[] {
  return o.top > 0 ? g.groups.slice(0, o.top) : g.groups
}

function shownCollections(g: SnapshotGrowth, o: GrowthReportOptions) {
  return o.top > 0 ? g.collections.slice(0, o.top) : g.collections
}

/** The lines that say how the series was grouped. */
export function growthNotes(g: SnapshotGrowth): string[] {
  const notes: string[] = []
  if (!g.allocationTraces)
    notes.push(
      TRACKING_HINT.replace(
        'objects are grouped by class',
        g.groupBy === 'class' ? 'objects are grouped by class (or by --by constructor)' : `objects are grouped by ${g.groupBy}`,
      ),
    )
  if (g.requestedGroupBy !== g.groupBy) notes.push(`--by ${g.requestedGroupBy} needs allocation traces; grouped by ${g.groupBy}.`)
  return notes
}

function groupHeader(g: SnapshotGrowth): string {
  return { site: 'Allocation site', stack: 'Allocation stack', class: 'Class', script: 'Script', constructor: 'Constructor' }[g.groupBy]
}

function groupCells(g: SnapshotGrowth, o: GrowthReportOptions, markdown: boolean): { columns: Column[]; rows: Cell[][] } {
  const columns: Column[] = [
    { header: groupHeader(g), minWidth: 20 },
    { header: 'Count in each snapshot', align: 'right' },
    ...(markdown ? [] : [{ header: 'Trend' }]),
    { header: 'New per interval', align: 'right' },
    { header: 'Size (last)', align: 'right' },
    { header: 'Growth', align: 'right' },
    { header: 'Every interval' },
  ]
  const rows = shownGrowthGroups(g, o).map((group): Cell[] => [
    displayString(group.key, 100),
    group.counts.map(formatCount).join(' -> '),
    ...(markdown ? [] : [sparkline(group.counts)]),
    group.newPerInterval.map(formatCount).join(', '),
    formatBytes(group.sizes[group.sizes.length - 1]),
    signed(group.growth),
    group.monotonic ? 'grew' : '',
  ])
  return { columns, rows }
}

function header(g: SnapshotGrowth): string {
  const t = g.totals
  const monotonic = g.groups.filter((group) => group.monotonic).length
  return (
    `${g.snapshotCount} snapshots of one process; grouped by ${g.groupBy}\n` +
    `Live objects ${t.counts.map(formatCount).join(' -> ')}; size ${t.sizes.map(formatBytes).join(' -> ')}\n` +
    `Grew in every interval: ${formatCount(monotonic)} ${monotonic === 1 ? 'group' : 'groups'} (${signed(t.monotonicGrowth)}), ` +
    `${formatCount(g.collections.length)} ${g.collections.length === 1 ? 'collection' : 'collections'}\n`
  )
}

function gateLine(g: SnapshotGrowth, o: GrowthReportOptions): string {
  if (o.failOnGrowth === undefined) return ''
  const over = g.totals.monotonicGrowth > o.failOnGrowth
  return `Gate: growth of the groups that grew in every interval ${signed(g.totals.monotonicGrowth)} ${over ? '>' : '<='} ${formatBytes(o.failOnGrowth)}: ${over ? 'FAILED' : 'passed'}\n`
}

/** Text report; `last` is the last snapshot of the series (the collections' paths are in it). */
export function renderGrowthText(g: SnapshotGrowth, last: Snapshot, o: GrowthReportOptions): string {
  let out = `heapscope growth ${o.files.join(' -> ')}\n${header(g)}`
  for (const note of growthNotes(g)) out += `note: ${note}\n`
  out += '\n'
  const { columns, rows } = groupCells(g, o, false)
  out += rows.length === 0 ? 'No group.\n' : renderTable(columns, rows, o.maxWidth === undefined ? {} : { maxWidth: o.maxWidth })
  const names = { redact: o.redact, mapPosition: o.mapPosition }
  const collections = shownCollections(g, o)
  if (collections.length > 0) {
    out += '\nCollections that grew in every interval (entries in each snapshot):\n'
    for (const c of collections) {
      out += `  ${nodeLabel(last, c.ordinal, names)}  ${c.kind}  ${c.lengths.map(formatCount).join(' -> ')}  ${sparkline(c.lengths)}\n`
      out += c.retainerPath === null ? '    held only weakly\n' : `    ${formatRetainerPath(last, c.retainerPath, names)}\n`
    }
  }
  const gate = gateLine(g, o)
  return gate === '' ? out : `${out}\n${gate}`
}

/** Markdown for a pull-request comment. */
export function renderGrowthMarkdown(g: SnapshotGrowth, last: Snapshot, o: GrowthReportOptions): string {
  let out = '### heapscope growth\n\n'
  if (o.failOnGrowth !== undefined) {
    const growth = signed(g.totals.monotonicGrowth)
    out +=
      g.totals.monotonicGrowth > o.failOnGrowth
        ? `**Memory gate failed:** what grew in every interval grew by ${growth}, over ${formatBytes(o.failOnGrowth)}.\n\n`
        : `Memory gate passed: what grew in every interval grew by ${growth} (limit ${formatBytes(o.failOnGrowth)}).\n\n`
  }
  out += `${header(g)
    .trim()
    .split('\n')
    .map((line) => escapeMarkdown(line))
    .join('  \n')}\n\n`
  for (const note of growthNotes(g)) out += `> ${escapeMarkdown(note)}\n\n`
  const { columns, rows } = groupCells(g, o, true)
  out += rows.length === 0 ? 'No group.\n' : renderMarkdownTable(columns, rows)
  const collections = shownCollections(g, o)
  if (collections.length > 0) {
    out += '\n'
    out += renderMarkdownTable(
      [{ header: 'Collection that grew in every interval' }, { header: 'Kind' }, { header: 'Entries in each snapshot', align: 'right' }],
      collections.map((c) => [nodeLabel(last, c.ordinal, { redact: o.redact }), c.kind, c.lengths.map(formatCount).join(' -> ')]),
    )
  }
  return out
}

/** The `growth --json` document (schemaVersion 1). */
export function growthJson(g: SnapshotGrowth, last: Snapshot, o: GrowthReportOptions) {
  const names = { redact: o.redact, mapPosition: o.mapPosition }
  return {
    schemaVersion: JSON_SCHEMA_VERSION as typeof JSON_SCHEMA_VERSION,
    command: 'growth',
    files: o.files,
    groupBy: g.groupBy,
    allocationTraces: g.allocationTraces,
    notes: growthNotes(g),
    totals: g.totals,
    ...(o.failOnGrowth === undefined ? {} : { gate: { failOnGrowth: o.failOnGrowth, failed: g.totals.monotonicGrowth > o.failOnGrowth } }),
    groups: shownGrowthGroups(g, o).map((group) => ({
      key: group.key,
      ...(group.site === undefined ? {} : { site: group.site }),
      ...(group.stack === undefined ? {} : { stack: group.stack }),
      ...(group.className === undefined ? {} : { className: group.className }),
      ...(group.location === undefined ? {} : { location: group.location }),
      counts: group.counts,
      sizes: group.sizes,
      newPerInterval: group.newPerInterval,
      monotonic: group.monotonic,
      growth: group.growth,
    })),
    collections: shownCollections(g, o).map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      retainerPath: c.retainerPath === null ? null : formatRetainerPath(last, c.retainerPath, names),
      lengths: c.lengths,
      monotonic: c.monotonic,
    })),
  }
}
