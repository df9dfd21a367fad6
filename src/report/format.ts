/**
 * Formatting of numbers and heap strings for reports. Pure functions: no I/O,
 * no locale lookups (output is the same on every machine, so tests and CI
 * diffs are stable: "," thousands separator, "." decimal point).
 */
import { SYSTEM_DISTANCE } from '../index.js'

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const

/**
 * Bytes in binary units with one decimal: `0 B`, `999 B`, `1.0 KiB`, `12.3 MiB`.
 * Below 1 KiB the exact count is shown. Negative values (size deltas) keep their sign.
 *
 * @example
 *   formatBytes(1536) // '1.5 KiB'
 *   formatBytes(-2 * 1024 ** 2) // '-2.0 MiB'
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes)
  const sign = bytes < 0 ? '-' : ''
  let value = Math.abs(bytes)
  if (value < 1024) return `${sign}${Math.round(value)} B`
  value /= 1024
  let unit = 0
  // Compare the rounded value, so 1048575 B shows as 1.0 MiB, not 1024.0 KiB.
  while (Number(value.toFixed(1)) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return `${sign}${value.toFixed(1)} ${BYTE_UNITS[unit]}`
}

/**
 * An integer with thousands separators: `1,234,567`. Non-integers are rounded.
 *
 * @example
 *   formatCount(1234567) // '1,234,567'
 */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return String(count)
  const rounded = Math.round(count)
  const digits = String(Math.abs(rounded))
  let out = ''
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ','
    out += digits[i]
  }
  return rounded < 0 ? '-' + out : out
}

/**
 * A count with its noun, singular for one: `1 object`, `2,048 objects`.
 *
 * @example
 *   countOf(1, 'object') // '1 object'
 *   countOf(3, 'class', 'classes') // '3 classes'
 */
export function countOf(count: number, singular: string, plural = singular + 's'): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`
}

/**
 * `part` as a percentage of `whole`, one decimal: `12.5%`; `0.0%` when whole is 0.
 *
 * @example
 *   formatPercent(1, 8) // '12.5%'
 */
export function formatPercent(part: number, whole: number): string {
  if (whole === 0) return '0.0%'
  return `${((part / whole) * 100).toFixed(1)}%`
}

/** The ellipsis that marks a truncated string. */
export const ELLIPSIS = '…'

/** Default length at which heap strings are cut in text reports. */
export const DEFAULT_STRING_LIMIT = 60

/**
 * Cuts `text` to at most `max` code points, ending in `…` when it was cut.
 * Counts code points, not UTF-16 units, so a surrogate pair is never split.
 *
 * @example
 *   truncate('abcdefgh', 5) // 'abcd…'
 */
export function truncate(text: string, max: number = DEFAULT_STRING_LIMIT): string {
  if (max <= 0) return ''
  if (text.length <= max) return text // fast path: code points <= UTF-16 units
  const points = Array.from(text)
  if (points.length <= max) return text
  return points.slice(0, max - 1).join('') + ELLIPSIS
}

/** Length in code points (what `truncate` counts). */
export function codePointLength(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // A high surrogate followed by a low surrogate is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
    n++
  }
  return n
}

// C0 and C1 controls, DEL, and the line/paragraph separators: anything that
// could move the cursor, clear the screen or start an escape sequence.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g

/**
 * Makes a heap string safe to print on a terminal: control characters become
 * visible escapes (`\n`, `\t`, `\x1b`, `\u2028`), so a string from the heap can
 * neither break a table row nor inject terminal escape sequences.
 *
 * @example
 *   escapeControlChars('a\nb\u001b[2J') // 'a\\nb\\x1b[2J'
 */
export function escapeControlChars(text: string): string {
  return text.replace(CONTROL_CHARS, (c) => {
    switch (c) {
      case '\n':
        return '\\n'
      case '\r':
        return '\\r'
      case '\t':
        return '\\t'
      default: {
        const code = c.charCodeAt(0)
        return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
      }
    }
  })
}

/**
 * What `--redact` shows instead of a string's contents: only its length.
 *
 * @example
 *   redactString('hunter2') // '<redacted 7 chars>'
 */
export function redactString(text: string): string {
  const n = codePointLength(text)
  return `<redacted ${n} ${n === 1 ? 'char' : 'chars'}>`
}

/**
 * A heap string as a text report shows it: escaped, then cut to `max` code points.
 *
 * @example
 *   displayString('line1\nline2', 8) // 'line1\\n…'
 */
export function displayString(text: string, max: number = DEFAULT_STRING_LIMIT): string {
  return truncate(escapeControlChars(text), max)
}

/**
 * A distance for people: a number for objects reachable from the user's
 * roots (window, global); `sys+N` for those reached only through V8's own
 * roots (stack, handles, compiled code: distance SYSTEM_DISTANCE and up,
 * N edges below the snapshot's root), where DevTools shows `−` and a
 * reader took it for a missing value; `none` for the unreachable (held only
 * weakly, or by nothing). The raw value stays in JSON.
 *
 * @example
 *   formatDistance(3) // '3'; formatDistance(100000004) // 'sys+4'; formatDistance(-5) // 'none'
 */
export function formatDistance(distance: number): string {
  if (distance < 0) return 'none'
  return distance >= SYSTEM_DISTANCE ? `sys+${formatCount(distance - SYSTEM_DISTANCE)}` : formatCount(distance)
}
