/**
 * The browser: tab bar, title, the screen's header lines, column headings
 * (the sort column marked ↓ or ↑), the visible rows with their bars, and the
 * status line at the bottom. It fills the terminal (layout.ts), renders only
 * the rows in view, and measures text in display columns (text.ts).
 */
import { Text } from 'ink'
import type { ReactNode } from 'react'
import { formatCount } from '../../report/format.js'
import { statusHints, type Capability } from '../keymap.js'
import { headerLinesShown, layoutHeader, listHeight, tabBar } from '../layout.js'
import type { Screen } from '../screen.js'
import { currentFrame, modeOf, type Frame, type State } from '../state.js'
import { barText, cutEnd, displayWidth, pad } from '../text.js'
import type { Theme } from './theme.js'

/** A piece of a line with its colour. */
interface Segment {
  text: string
  color?: string | undefined
}

/** The width of a row's bar: what a terminal of `columns` can spare. */
function barWidth(columns: number): number {
  return columns >= 160 ? 16 : columns >= 120 ? 12 : columns >= 90 ? 8 : 6
}

/** The first column keeps at least this many columns before a bar is drawn: the name comes first. */
const MIN_NAME_WITH_BAR = 30

/**
 * Column widths: numbers as wide as their widest visible cell (or heading),
 * the bar if the name keeps room, and the first column the rest.
 */
function columnWidths(screen: Screen, frame: Frame, cells: string[][], columns: number): { widths: number[]; bar: number } {
  const widths = screen.columns.map((c, i) =>
    Math.max(displayWidth(c.header) + (frame.sort?.column === i ? 1 : 0), ...cells.map((row) => displayWidth(row[i]))),
  )
  const numbers = widths.slice(1).reduce((a, w) => a + w + 2, 0)
  let bar = screen.share === undefined ? 0 : barWidth(columns)
  if (columns - 1 - numbers - (bar + 2) < MIN_NAME_WITH_BAR) bar = 0
  widths[0] = Math.max(8, columns - 1 - numbers - (bar > 0 ? bar + 2 : 0))
  return { widths, bar }
}

/** The screen's capabilities, for the status line's hints. */
function offers(screen: Screen): (c: Capability) => boolean {
  return (c) =>
    c === 'tree'
      ? screen.toggle !== undefined
      : c === 'dominated'
        ? screen.dominated !== undefined
        : c === 'regroup'
          ? screen.regroup !== undefined || screen.regroupAsync !== undefined
          : c === 'retainers'
            ? screen.retainers !== undefined
            : screen.toggle === undefined
  // (sort: every list but a tree)
}

export function Browser({ state, theme }: { state: State; theme: Theme }) {
  const { columns: width, rows } = state
  const frame = currentFrame(state)
  const screen = frame.screen
  const header = layoutHeader(screen.header, width)
  const shownHeader = headerLinesShown(header.length, rows)
  const height = listHeight(header.length, rows)
  const visible = frame.view.slice(frame.top, frame.top + height)
  const cells = visible.map((r) => screen.cells(r))
  const { widths, bar } = columnWidths(screen, frame, cells, width)

  /** A row's segments: cells padded to their columns, signed cells and the bar coloured. */
  const rowSegments = (rowCells: string[], share: number | null): Segment[] => {
    const out: Segment[] = []
    rowCells.forEach((c, i) => {
      const column = screen.columns[i]
      const text = pad(c, widths[i], column.align, column.cut)
      const color = column.signed === true && c.startsWith('+') ? theme.grew : column.signed === true && c.startsWith('-') ? theme.freed : undefined
      out.push({ text: (i === 0 ? '' : '  ') + text, color })
    })
    if (bar > 0 && share !== null)
      out.push({ text: '  ' + barText(share, bar), color: share < 0 ? theme.freed : screen.shareOf === 'growth' ? theme.grew : theme.bar })
    return out
  }
  const headingText = (headings: string[]): string =>
    rowSegments(headings, null)
      .map((s) => s.text)
      .join('') + (bar > 0 ? '  ' + cutEnd(screen.shareOf ?? '', bar) : '')

  const headings = screen.columns.map((c, i) => (frame.sort?.column === i ? c.header + (frame.sort.descending ? '↓' : '↑') : c.header))
  const headingLine = headingText(headings)
  const tabs = tabBar(
    state.tabs.map((t) => t.name),
    state.tab,
  )
    .map((t) => t.text)
    .join(' ')

  const filterNote = state.editing
    ? `   /${frame.filter}▏`
    : frame.filter !== ''
      ? `   filter: ${frame.filter} (${formatCount(frame.view.length)} of ${formatCount(screen.size)})`
      : ''
  const position = `${formatCount(frame.view.length === 0 ? 0 : frame.selected + 1)}/${formatCount(frame.view.length)}`
  const mode = modeOf(state)
  const room = Math.max(0, width - displayWidth(position) - 3)
  const busy = state.pending === null ? '' : `${state.pending.label}: ${state.pending.note}…`
  const status = cutEnd(
    state.message !== ''
      ? state.message
      : busy !== ''
        ? busy
        : statusHints(mode, room, offers(screen), (action) => (action === 'retainers' ? screen.retainersLabel : undefined)),
    room,
  )
  const gap = Math.max(1, width - 1 - displayWidth(status) - displayWidth(position))

  const lines: ReactNode[] = []
  lines.push(
    <Text key="tabs" wrap="truncate">
      {cutEnd(tabs, width - 1)}
    </Text>,
  )
  lines.push(
    <Text key="title" bold color={theme.accent} wrap="truncate">
      {cutEnd(screen.title + filterNote, width - 1)}
    </Text>,
  )
  // The first header line (the totals) bright, the notes below it dim.
  header.slice(0, shownHeader).forEach((h, i) => {
    lines.push(
      <Text key={`h${i}`} dimColor={h.source > 0} wrap="truncate">
        {h.text || ' '}
      </Text>,
    )
  })
  lines.push(
    <Text key="headings" underline wrap="truncate">
      {cutEnd(headingLine, width - 1)}
    </Text>,
  )
  for (let i = 0; i < height; i++) {
    if (i >= visible.length) {
      lines.push(
        <Text key={`r${i}`} dimColor>
          {i === 0 ? (frame.filter !== '' ? '(no row matches the filter)' : (screen.empty ?? '(nothing here)')) : ' '}
        </Text>,
      )
      continue
    }
    const row = visible[i]
    const selected = frame.top + i === frame.selected
    const segments = rowSegments(cells[i], screen.share === undefined ? null : screen.share(row))
    lines.push(
      <Text key={`r${i}`} inverse={selected} wrap="truncate">
        {segments.map((s, k) => (
          <Text key={k} color={s.color}>
            {s.text}
          </Text>
        ))}
      </Text>,
    )
  }
  lines.push(
    <Text key="status" dimColor wrap="truncate">
      {status + ' '.repeat(gap) + position}
    </Text>,
  )
  return <>{lines}</>
}
