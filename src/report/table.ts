/**
 * Plain-text tables: aligned columns, numbers on the right, a width limit.
 * Pure: returns a string (lines joined with '\n', ending in '\n'); no I/O.
 */
import { codePointLength, escapeControlChars, formatCount, truncate } from './format.js'

/** A cell: text is shown as is (escaped), a number is shown with thousands separators. */
export type Cell = string | number

export interface Column {
  header: string
  /** Default: 'right' for columns whose cells are numbers in the first row, else 'left'. */
  align?: 'left' | 'right'
  /**
   * Whether this column gives up width when the table is wider than `maxWidth`
   * (its cells are then cut with `…`). Default: true for left-aligned columns,
   * false for right-aligned ones (numbers are never cut).
   */
  shrink?: boolean
  /** The narrowest this column gets when shrinking (default 8). */
  minWidth?: number
  /** At least this wide (for tableLines, whose widths come from a sample of the rows). */
  width?: number
}

export interface TableOptions {
  /** Total width limit in characters, e.g. the terminal's columns; default: no limit. */
  maxWidth?: number
  /** Spaces between columns (default 2). */
  gap?: number
  /** Draw a line of '-' under the header (default true). */
  headerRule?: boolean
}

function cellText(cell: Cell): string {
  return typeof cell === 'number' ? formatCount(cell) : escapeControlChars(cell)
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = width - codePointLength(text)
  if (fill <= 0) return text
  return align === 'right' ? ' '.repeat(fill) + text : text + ' '.repeat(fill)
}

/**
 * Renders `rows` under `columns`. Cells are escaped (control characters made
 * visible) so heap strings cannot break a row. When the table is wider than
 * `maxWidth`, shrinkable columns (the widest first) are cut down to their
 * `minWidth`; if it still does not fit, it is printed wider rather than lose numbers.
 *
 * @example
 *   renderTable([{ header: 'Class' }, { header: 'Count', align: 'right' }], [['Foo', 1200]])
 *   // 'Class  Count\n-----  -----\nFoo    1,200\n'
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): string {
  let out = ''
  for (const line of tableLines(columns, rows, { ...options, sample: Infinity })) out += line
  return out
}

/**
 * The table as lines (each ending in '\n'), for tables too long to hold:
 * `rows` is read once, as the lines are taken. The widths come from the
 * first `sample` rows (default 1000) and the columns' `width`; a later row
 * never widens a column: a longer text cell is cut with `…`, a number is
 * never cut (it pushes its row out of line instead). With a sample as large
 * as the table, the lines are renderTable's.
 *
 * @example
 *   for (const line of tableLines(columns, rowsOfEveryObject(), { sample: 1000 })) out.write(line)
 */
export function* tableLines(columns: readonly Column[], rows: Iterable<readonly Cell[]>, options: TableOptions & { sample?: number } = {}): Generator<string> {
  const gap = options.gap ?? 2
  const sampleSize = options.sample ?? 1000
  const iterator = rows[Symbol.iterator]()
  const sample: string[][] = []
  let first: readonly Cell[] | undefined
  const cellsOf = (row: readonly Cell[]): string[] => columns.map((_, i) => cellText(row[i] ?? ''))
  while (sample.length < sampleSize) {
    const next = iterator.next()
    if (next.done === true) break
    first ??= next.value
    sample.push(cellsOf(next.value))
  }
  const align = columns.map((c, i) => c.align ?? (first !== undefined && typeof first[i] === 'number' ? 'right' : 'left'))
  const shrink = columns.map((c, i) => c.shrink ?? align[i] === 'left')
  const headers = columns.map((c) => escapeControlChars(c.header))
  const width = headers.map((h, i) => Math.max(codePointLength(h), columns[i].width ?? 0))
  for (const row of sample) {
    for (let i = 0; i < row.length; i++) width[i] = Math.max(width[i], codePointLength(row[i]))
  }

  if (options.maxWidth !== undefined) {
    const total = (): number => width.reduce((a, w) => a + w, 0) + gap * Math.max(0, columns.length - 1)
    let excess = total() - options.maxWidth
    while (excess > 0) {
      // Take from the widest column that may still shrink.
      let widest = -1
      for (let i = 0; i < columns.length; i++) {
        const min = Math.max(columns[i].minWidth ?? 8, 1)
        if (shrink[i] && width[i] > min && (widest === -1 || width[i] > width[widest])) widest = i
      }
      if (widest === -1) break
      const min = Math.max(columns[widest].minWidth ?? 8, 1)
      const step = Math.min(excess, width[widest] - min)
      width[widest] -= step
      excess -= step
    }
  }

  const fit = (s: string, i: number): string => (shrink[i] && codePointLength(s) > width[i] ? truncate(s, width[i]) : s)
  const line = (cells: string[]): string =>
    cells
      .map((s, i) => pad(fit(s, i), width[i], align[i]))
      .join(' '.repeat(gap))
      .trimEnd() + '\n'
  yield line(headers)
  if (options.headerRule ?? true) yield line(width.map((w) => '-'.repeat(w)))
  for (const row of sample) yield line(row)
  for (;;) {
    const next = iterator.next()
    if (next.done === true) break
    yield line(cellsOf(next.value))
  }
}
