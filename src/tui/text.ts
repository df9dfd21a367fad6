/**
 * Text as a terminal shows it: widths in columns, not UTF-16 code units. A
 * CJK character or an emoji takes two columns, a combining accent none, so
 * `.length` misaligns columns and wraps rows. Widths come from string-width,
 * the library Ink measures its own layout with, so our padding and Ink's
 * layout agree; strings are cut at grapheme boundaries (an emoji, a flag or
 * an accented letter is never split).
 */
import stringWidth from 'string-width'

const ELLIPSIS = '…'
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/
// C0 and C1 control characters and DEL: a name from the heap must not move the cursor.
// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g

const segmenter = new Intl.Segmenter()

/** The text with control characters replaced by `?`. */
export function printable(text: string): string {
  return text.replace(CONTROL, '?')
}

/** Columns the text takes in a terminal. */
export function displayWidth(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text)
}

/** The longest start of `text` (whole graphemes) that fits in `width` columns. */
function headOf(text: string, width: number): string {
  if (PRINTABLE_ASCII.test(text)) return text.slice(0, width)
  let out = ''
  let used = 0
  for (const { segment } of segmenter.segment(text)) {
    const w = stringWidth(segment)
    if (used + w > width) break
    out += segment
    used += w
  }
  return out
}

/** The longest end of `text` (whole graphemes) that fits in `width` columns. */
function tailOf(text: string, width: number): string {
  if (PRINTABLE_ASCII.test(text)) return width <= 0 ? '' : text.slice(Math.max(0, text.length - width))
  const parts = Array.from(segmenter.segment(text), (s) => s.segment)
  let used = 0
  let k = parts.length
  while (k > 0) {
    const w = stringWidth(parts[k - 1])
    if (used + w > width) break
    used += w
    k--
  }
  return parts.slice(k).join('')
}

/** Fits text in `width` columns, cutting its end (`Long na…`). */
export function cutEnd(text: string, width: number): string {
  if (width <= 0) return ''
  const t = printable(text)
  if (displayWidth(t) <= width) return t
  return headOf(t, width - 1) + ELLIPSIS
}

/** Fits text in `width` columns, cutting its start (`…end of a path`): the end matters most. */
export function cutStart(text: string, width: number): string {
  if (width <= 0) return ''
  const t = printable(text)
  if (displayWidth(t) <= width) return t
  return ELLIPSIS + tailOf(t, width - 1)
}

/** A tree row's indentation and its ▸/▾ marker (or the two spaces in its place). */
const TREE_LEAD = /^ +(?:[▸▾] )?|^[▸▾] /

/**
 * Fits text in `width` columns, cutting its middle so that the end stays:
 * for a site, `fn script:line`, the last path segment whole when it fits
 * (`renderPage /srv/app/…/server.js:20:5`), else the function name and as
 * much of the end as fits (`renderPage …ver.js:20:5`), else the end alone
 * (`…ver.js:20:5`). `file:line` is always what remains. A tree row keeps
 * its indentation and marker, and an object's label its `@id` at the end.
 */
export function cutMiddle(text: string, width: number): string {
  if (width <= 0) return ''
  const t = printable(text)
  if (displayWidth(t) <= width) return t
  // A tree row's indentation and marker stay whole: the cut is in what follows.
  const lead = TREE_LEAD.exec(t)?.[0] ?? ''
  if (lead !== '' && displayWidth(lead) < width / 2) return lead + cutMiddle(t.slice(lead.length), width - displayWidth(lead))
  const space = t.indexOf(' ')
  const first = space < 0 ? '' : t.slice(0, space + 1)
  const slash = t.lastIndexOf('/')
  if (slash > 0) {
    const tail = t.slice(slash)
    const room = width - 1 - displayWidth(tail)
    // The head keeps the function name, or at least a few columns when there is none.
    if (room >= Math.max(4, Math.min(displayWidth(first), width / 2))) return headOf(t.slice(0, slash), room) + ELLIPSIS + tail
  }
  if (first !== '' && displayWidth(first) <= width / 2) return first + ELLIPSIS + tailOf(t.slice(space + 1), width - displayWidth(first) - 1)
  return cutStart(t, width)
}

export type Cut = 'end' | 'start' | 'middle'

/** Fits text in `width` columns with the given cut. */
export function cut(text: string, width: number, how: Cut = 'end'): string {
  return how === 'middle' ? cutMiddle(text, width) : how === 'start' ? cutStart(text, width) : cutEnd(text, width)
}

/** Fits text in exactly `width` columns: cut, then padded with spaces on the right (left align) or the left. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left', how: Cut = 'end'): string {
  const t = cut(text, width, how)
  const fill = ' '.repeat(Math.max(0, width - displayWidth(t)))
  return align === 'right' ? fill + t : t + fill
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉']

/**
 * A bar of `fraction` (0..1) of `width` columns, in eighths of a column:
 * `███▌`. Anything above zero shows at least an eighth, so a small share is
 * seen as small, not as nothing.
 */
export function barText(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, Math.abs(fraction)))
  if (!(f > 0) || width <= 0) return ''
  const eighths = Math.max(1, Math.round(f * width * 8))
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]
}

/**
 * Word-wraps text to lines of at most `width` columns, at most `maxLines`
 * of them (the last cut with `…` when more would follow). A word wider than
 * a line is cut across lines. Spaces between words are kept; a line never
 * starts with the space it was broken at.
 */
export function wrapText(text: string, width: number, maxLines: number): string[] {
  const t = printable(text)
  if (width <= 0 || maxLines <= 0) return []
  if (displayWidth(t) <= width) return [t]
  const lines: string[] = []
  let rest = t
  while (rest !== '' && lines.length < maxLines) {
    if (displayWidth(rest) <= width) {
      lines.push(rest)
      rest = ''
      break
    }
    if (lines.length === maxLines - 1) {
      lines.push(cutEnd(rest, width))
      rest = ''
      break
    }
    const head = headOf(rest, width + 1)
    // Break at the last space that leaves the line within the width; none: cut the word.
    const space = head.lastIndexOf(' ')
    const line = space > 0 && head.slice(0, space).trim() !== '' ? head.slice(0, space) : headOf(rest, width)
    lines.push(line.trimEnd())
    rest = rest.slice(line.length).trimStart()
  }
  return lines
}
