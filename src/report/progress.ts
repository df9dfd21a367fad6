/**
 * One line of progress, as text: the CLI's bar on stderr and the UI's
 * loading screen draw the same line.
 */
import { escapeControlChars, formatBytes, truncate } from './format.js'

const BAR_WIDTH = 20

export interface ProgressLine {
  phase: string
  label: string
  bytesRead: number
  totalBytes: number | null
  elapsedMs: number
  /** terminal width; the line is cut to it */
  width: number
}

/**
 * The text of one progress line (pure, for tests).
 *
 * @example
 *   renderProgressLine({ phase: 'reading', label: 'a.gz', bytesRead: 512, totalBytes: 1024, elapsedMs: 1000, width: 80 })
 *   // 'reading a.gz [##########----------]  50%  512 B / 1.0 KiB  512 B/s'
 */
export function renderProgressLine(p: ProgressLine): string {
  let line = `${p.phase} ${escapeControlChars(p.label)}`
  if (p.bytesRead > 0 || p.totalBytes !== null) {
    if (p.totalBytes !== null && p.totalBytes > 0) {
      const fraction = Math.min(1, p.bytesRead / p.totalBytes)
      const filled = Math.round(fraction * BAR_WIDTH)
      const percent = `${Math.floor(fraction * 100)}%`.padStart(4)
      line += ` [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent}  ${formatBytes(p.bytesRead)} / ${formatBytes(p.totalBytes)}`
    } else {
      line += `  ${formatBytes(p.bytesRead)}`
    }
    if (p.elapsedMs >= 250) line += `  ${formatBytes((p.bytesRead * 1000) / p.elapsedMs)}/s`
  }
  // Leave the last column free: writing into it makes some terminals wrap.
  return truncate(line, Math.max(10, p.width - 1))
}
