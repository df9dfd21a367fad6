/**
 * Where things are on the screen, shared by the renderer and the reducer (a
 * page is as many rows as the list shows; a click on line y is a row).
 *
 * A frame fills the terminal but its last line, top to bottom: the tab bar,
 * the title, the screen's header lines (as many as fit), the column
 * headings, the list, and the status line at the bottom. The last line stays
 * free: Ink ends a frame with a newline, and a frame as tall as the terminal
 * would scroll it (Ink then clears the whole screen on every frame).
 */
import type { HeaderLine } from './screen.js'
import { cut, displayWidth, wrapText } from './text.js'

/** Lines a frame uses besides its header lines and the list: tabs, title, column headings, status, the spare last line. */
const CHROME_LINES = 5

/** A line of text wraps onto at most this many lines (a note that says what to do is read whole); a path or a site stays on one. */
const MAX_WRAPPED_LINES = 3

/** A header line as shown: its text, fitted to the width, and which of the screen's header lines it comes from. */
export interface ShownHeaderLine {
  text: string
  /** the index of the screen's header line */
  source: number
}

/**
 * The screen's header lines laid out for a terminal of `columns`: plain text
 * word-wrapped (up to three lines, then cut), a retainer path cut from its
 * start and a site in its middle after its label. The frame leaves the last
 * column free.
 */
export function layoutHeader(header: readonly HeaderLine[], columns: number): ShownHeaderLine[] {
  const width = Math.max(1, columns - 1)
  const out: ShownHeaderLine[] = []
  header.forEach((line, source) => {
    if (typeof line === 'string') {
      const wrapped = wrapText(line, width, MAX_WRAPPED_LINES)
      for (const text of wrapped.length === 0 ? [''] : wrapped) out.push({ text, source })
    } else out.push({ text: line.label + cut(line.text, width - displayWidth(line.label), line.cut), source })
  })
  return out
}

/** How many lines the screen's header takes, wrapped, in a terminal of `columns` (before headerLinesShown limits them). */
export function headerLineCount(header: readonly HeaderLine[], columns: number): number {
  return layoutHeader(header, columns).length
}

/** How many of a screen's header lines are shown in a terminal of `rows` lines: all of them while the list keeps most of the screen. */
export function headerLinesShown(headerLength: number, rows: number): number {
  return Math.max(0, Math.min(headerLength, Math.floor((rows - CHROME_LINES) / 3)))
}

/** How many list rows fit. */
export function listHeight(headerLength: number, rows: number): number {
  return Math.max(1, rows - CHROME_LINES - headerLinesShown(headerLength, rows))
}

/** The 0-based screen line of the first list row. */
export function listTop(headerLength: number, rows: number): number {
  return 3 + headerLinesShown(headerLength, rows)
}

/** The tab bar: each tab's text and its columns [start, end). */
export function tabBar(names: string[], current: number): { text: string; start: number; end: number }[] {
  let at = 0
  return names.map((name, i) => {
    const text = i === current ? `[${name}]` : ` ${name} `
    const start = at
    at += displayWidth(text) + 1
    return { text, start, end: start + displayWidth(text) }
  })
}

/** Lines the help shows at once. */
export function helpHeight(rows: number): number {
  return Math.max(1, rows - 3)
}
