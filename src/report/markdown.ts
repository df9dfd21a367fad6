/**
 * GitHub-flavoured Markdown: tables for CI comments and issue reports.
 * Pure: returns strings; no I/O.
 */
import { escapeControlChars, formatCount } from './format.js'
import type { Cell, Column } from './table.js'

/**
 * Escapes text for a Markdown table cell: `|` and `\` are escaped, control
 * characters shown as escapes, and characters that start Markdown or HTML
 * markup (`` ` * _ < > [ ] ``) are escaped so a heap string renders literally.
 *
 * @example
 *   escapeMarkdown('a|b <div>') // 'a\\|b \\<div\\>'
 */
export function escapeMarkdown(text: string): string {
  return escapeControlChars(text).replace(/[\\|`*_<>[\]]/g, (c) => '\\' + c)
}

function cellText(cell: Cell): string {
  return typeof cell === 'number' ? formatCount(cell) : escapeMarkdown(cell)
}

/**
 * A Markdown table. Alignment follows the columns (numbers right-aligned by
 * default, as in renderTable).
 *
 * @example
 *   renderMarkdownTable([{ header: 'Class' }, { header: 'Count' }], [['Foo', 1200]])
 *   // '| Class | Count |\n| :--- | ---: |\n| Foo | 1,200 |\n'
 */
export function renderMarkdownTable(columns: readonly Column[], rows: readonly (readonly Cell[])[]): string {
  const first = rows[0]
  const align = columns.map((c, i) => c.align ?? (first !== undefined && typeof first[i] === 'number' ? 'right' : 'left'))
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
  const out = [line(columns.map((c) => escapeMarkdown(c.header))), line(align.map((a) => (a === 'right' ? '---:' : ':---')))]
  for (const row of rows) out.push(line(columns.map((_, i) => cellText(row[i] ?? ''))))
  return out.join('\n') + '\n'
}
