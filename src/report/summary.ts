/**
 * The `summary` report in its three forms: text (a header block and a class
 * table), Markdown, and JSON. Pure: results in, strings out.
 *
 * JSON (`heapscope summary --json`), schemaVersion 1:
 *
 *   {
 *     "schemaVersion": 1,
 *     "command": "summary",
 *     "heapscopeVersion": string,   // the heapscope that wrote it (added by the CLI)
 *     "file": string,               // as given on the command line; "-" for stdin
 *     "kind": "browser" | "node" | "unknown",
 *     "nodeCount": number,
 *     "edgeCount": number,
 *     "totalSelfSize": number,      // bytes: all self sizes + extraNativeBytes
 *     "extraNativeBytes": number,   // bytes: snapshot.extra_native_bytes, 0 when absent
 *     "hasAllocationTraces": boolean,
 *     "warnings": string[],         // the parser's non-fatal findings
 *     "classCount": number,         // distinct classes with a non-zero size
 *     "sort": "size" | "count" | "retained",
 *     "top": number,                // rows asked for; 0 = all
 *     "classes": [                  // the top rows, in "sort" order
 *       { "name": string,           // DevTools class name, never truncated
 *         "count": number,          // objects of the class with a non-zero size
 *         "selfSize": number,       // bytes: sum of their shallow sizes (DevTools', after array sizes move to their owner)
 *         "retainedSize": number }  // bytes: retained by the outermost instances (DevTools' Summary)
 *     ]
 *   }
 *
 * Fields are only ever added within a schemaVersion; a rename or a change of
 * meaning bumps it.
 */
import { compareClassesByCount, compareClassesBySize } from '../analysis/summary.js'
import type { ClassStats, SnapshotKind, SnapshotSummary } from '../index.js'
import { countOf, displayString, formatBytes, formatCount, formatPercent, redactString } from './format.js'
import { JSON_SCHEMA_VERSION, type JsonDocument } from './json.js'
import { renderMarkdownTable, escapeMarkdown } from './markdown.js'
import { renderTable, type Cell, type Column } from './table.js'

export type ClassSort = 'size' | 'count' | 'retained'

export interface SummaryReportOptions {
  /** the input as the user named it */
  file: string
  /** rows of the class table; 0 = all */
  top: number
  sort: ClassSort
  /** text only: width limit for the table (the terminal's columns) */
  maxWidth?: number
  /** text only: bold headings */
  color?: boolean
  /** replace string contents with `<redacted N chars>` (class names are not string contents and stay) */
  redact?: boolean
  /** text only: heap strings are cut to this many characters (default 60) */
  stringLimit?: number
}

export interface SummaryJson extends JsonDocument {
  command: 'summary'
  file: string
  kind: SnapshotKind
  nodeCount: number
  edgeCount: number
  totalSelfSize: number
  /** DevTools' total size (root's retained size + extra_native_bytes) */
  totalSize?: number
  extraNativeBytes: number
  hasAllocationTraces: boolean
  warnings: string[]
  classCount: number
  sort: ClassSort
  top: number
  classes: ClassStats[]
}

/** Largest retained size first (DevTools' Summary sorted by Retained); ties as by self size. */
function compareClassesByRetained(a: ClassStats, b: ClassStats): number {
  return (b.retainedSize ?? 0) - (a.retainedSize ?? 0) || compareClassesBySize(a, b)
}

/** The classes to show: sorted, cut to `top` (0 = all). */
export function topClasses(summary: SnapshotSummary, sort: ClassSort, top: number): ClassStats[] {
  const sorted = summary.classes.slice().sort(sort === 'count' ? compareClassesByCount : sort === 'retained' ? compareClassesByRetained : compareClassesBySize)
  return top > 0 ? sorted.slice(0, top) : sorted
}

/**
 * The JSON document of `summary --json` (see the schema at the top of this file).
 *
 * @example
 *   renderJson(summaryJson(summary, { file: 'a.heapsnapshot', top: 20, sort: 'size' }))
 */
export function summaryJson(summary: SnapshotSummary, options: SummaryReportOptions): SummaryJson {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    command: 'summary',
    file: options.file,
    kind: summary.kind,
    nodeCount: summary.nodeCount,
    edgeCount: summary.edgeCount,
    totalSelfSize: summary.totalSelfSize,
    extraNativeBytes: summary.extraNativeBytes,
    hasAllocationTraces: summary.hasAllocationTraces,
    warnings: summary.warnings.slice(),
    classCount: summary.classes.length,
    sort: options.sort,
    top: options.top,
    ...(summary.totalSize === undefined ? {} : { totalSize: summary.totalSize }),
    classes: topClasses(summary, options.sort, options.top).map((c) => ({
      name: c.name,
      count: c.count,
      selfSize: c.selfSize,
      ...(c.retainedSize === undefined ? {} : { retainedSize: c.retainedSize }),
    })),
  }
}

const KIND_TEXT: Record<SnapshotKind, string> = {
  browser: 'browser (Chrome, Edge or an Electron renderer)',
  node: 'Node.js',
  python: 'Python (python/heapscope_snapshot.py)',
  unknown: 'unknown (neither a browser page, Node.js nor Python)',
}

function tableTitle(summary: SnapshotSummary, options: SummaryReportOptions, shown: number): string {
  const by = options.sort === 'count' ? 'count' : options.sort === 'retained' ? 'retained size' : 'self size'
  const total = summary.classes.length
  return shown < total
    ? `Top ${formatCount(shown)} of ${countOf(total, 'class', 'classes')} by ${by}`
    : `${formatCount(total)} ${total === 1 ? 'class' : 'classes'} by ${by}`
}

function classRows(summary: SnapshotSummary, rows: ClassStats[], stringLimit: number): { columns: Column[]; cells: Cell[][] } {
  const total = summary.totalSelfSize
  const columns: Column[] = [
    { header: 'Class', minWidth: 16 },
    { header: 'Count', align: 'right' },
    { header: 'Self size', align: 'right' },
    { header: 'Self %', align: 'right' },
  ]
  const withRetained = summary.totalSize !== undefined
  if (withRetained) columns.push({ header: 'Retained', align: 'right' }, { header: 'Ret. %', align: 'right' })
  const cells = rows.map((c): Cell[] => {
    const row: Cell[] = [displayString(c.name, stringLimit), c.count, formatBytes(c.selfSize), formatPercent(c.selfSize, total)]
    if (withRetained) row.push(formatBytes(c.retainedSize ?? 0), formatPercent(c.retainedSize ?? 0, summary.totalSize ?? 0))
    return row
  })
  return { columns, cells }
}

/**
 * The text report: a header block, warnings, and an aligned class table.
 *
 * @example
 *   stdout.write(renderSummaryText(summary, { file, top: 20, sort: 'size', maxWidth: 100 }))
 */
export function renderSummaryText(summary: SnapshotSummary, options: SummaryReportOptions): string {
  const bold = (s: string): string => (options.color === true ? `\u001b[1m${s}\u001b[22m` : s)
  const limit = options.stringLimit ?? 60
  const fields: [string, string][] = [
    ['File', displayString(options.file, 200)],
    ['Kind', KIND_TEXT[summary.kind]],
    ['Nodes', formatCount(summary.nodeCount)],
    ['Edges', formatCount(summary.edgeCount)],
    ['Total self size', `${formatBytes(summary.totalSelfSize)} (${formatCount(summary.totalSelfSize)} bytes)`],
  ]
  if (summary.extraNativeBytes > 0) fields.push(['  extra native', formatBytes(summary.extraNativeBytes)])
  if (summary.totalSize !== undefined) fields.push(['Total size', `${formatBytes(summary.totalSize)} (retained by the root, as DevTools counts it)`])
  fields.push(['Allocation traces', summary.hasAllocationTraces ? 'yes' : 'no (take the snapshot with --track-heap-objects for allocation sites)'])
  fields.push(['Warnings', summary.warnings.length === 0 ? 'none' : formatCount(summary.warnings.length)])
  const labelWidth = Math.max(...fields.map(([label]) => label.length)) + 2
  let out = fields.map(([label, value]) => bold(label.padEnd(labelWidth)) + value).join('\n') + '\n'
  for (const w of summary.warnings) out += `warning: ${displayString(options.redact === true ? redactQuoted(w) : w, 200)}\n`

  const rows = topClasses(summary, options.sort, options.top)
  out += '\n' + bold(tableTitle(summary, options, rows.length)) + '\n'
  if (rows.length === 0) return out + '(no objects)\n'
  const { columns, cells } = classRows(summary, rows, limit)
  out += renderTable(columns, cells, options.maxWidth === undefined ? {} : { maxWidth: options.maxWidth })
  return out
}

/**
 * The Markdown report: a field table and the class table.
 *
 * @example
 *   renderSummaryMarkdown(summary, { file, top: 20, sort: 'size' })
 */
export function renderSummaryMarkdown(summary: SnapshotSummary, options: SummaryReportOptions): string {
  const limit = options.stringLimit ?? 60
  let out = `### heapscope summary: \`${displayString(options.file, 200).replace(/`/g, "'")}\`\n\n`
  out += renderMarkdownTable(
    [{ header: 'Field' }, { header: 'Value', align: 'right' }],
    [
      ['Kind', summary.kind],
      ['Nodes', formatCount(summary.nodeCount)],
      ['Edges', formatCount(summary.edgeCount)],
      ['Total self size', formatBytes(summary.totalSelfSize)],
      ['Extra native', formatBytes(summary.extraNativeBytes)],
      ['Allocation traces', summary.hasAllocationTraces ? 'yes' : 'no'],
      ['Warnings', formatCount(summary.warnings.length)],
    ],
  )
  for (const w of summary.warnings) out += `\n> warning: ${escapeMarkdown(displayString(options.redact === true ? redactQuoted(w) : w, 200))}`
  if (summary.warnings.length > 0) out += '\n'
  const rows = topClasses(summary, options.sort, options.top)
  out += `\n**${tableTitle(summary, options, rows.length)}**\n\n`
  const { columns, cells } = classRows(summary, rows, limit)
  out += renderMarkdownTable(columns, cells)
  return out
}

/** Warnings may quote strings from the heap in double quotes; `--redact` hides them too. */
function redactQuoted(warning: string): string {
  return warning.replace(/"((?:[^"\\]|\\.)*)"/g, (_m, inner: string) => redactString(inner))
}
