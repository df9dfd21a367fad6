/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal:
 * phase, file, bar, percentage, bytes read of total, speed. It redraws at
 * most every REDRAW_INTERVAL_MS and clears its line when done, so a report
 * on stdout and an error line on stderr never share a line with it. When
 * stderr is not a terminal (CI logs, `2> file`) it writes nothing at all.
 */
import type { ProgressInfo } from '../index.js'
import { truncate } from '../report/format.js'
import { renderProgressLine } from '../report/progress.js'
import type { OutputStream } from './context.js'

export { renderProgressLine, type ProgressLine } from '../report/progress.js'

const REDRAW_INTERVAL_MS = 100

export interface ProgressReporter {
  /** Starts a named phase ('reading', 'summarizing'); redraws at once. */
  phase(name: string): void
  /** Bytes read so far; pass it as `onProgress` to openSnapshot. */
  update(progress: ProgressInfo): void
  /** Clears the line. Safe to call more than once. */
  done(): void
}

/** Carriage return, then erase to the end of the line (CSI K). */
const CLEAR_LINE = '\r\u001b[K'

/**
 * A progress reporter for `label` (usually the file name) on `stream`; a
 * no-op unless `stream.isTTY`.
 *
 * @example
 *   const progress = createProgress(process.stderr, 'app.heapsnapshot.gz')
 *   try { s = await openSnapshot(file, { onProgress: progress.update }) } finally { progress.done() }
 */
export function createProgress(stream: OutputStream, label: string, now: () => number = Date.now): ProgressReporter {
  if (stream.isTTY !== true) return { phase() {}, update() {}, done() {} }
  const start = now()
  let phaseName = 'reading'
  let phaseStart = start
  let last: ProgressInfo = { bytesRead: 0, totalBytes: null }
  let lastDraw = -Infinity
  let drawn = false
  let finished = false
  const draw = (): void => {
    if (finished) return
    const t = now()
    lastDraw = t
    drawn = true
    stream.write(
      CLEAR_LINE +
        renderProgressLine({
          phase: phaseName,
          label: truncate(label, 60),
          ...last,
          elapsedMs: t - phaseStart,
          // A pty without a size reports 0 columns.
          width: stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80,
        }),
    )
  }
  return {
    phase(name: string): void {
      phaseName = name
      phaseStart = now()
      last = { bytesRead: 0, totalBytes: null }
      draw()
    },
    update(progress: ProgressInfo): void {
      last = { bytesRead: progress.bytesRead, totalBytes: progress.totalBytes }
      if (now() - lastDraw >= REDRAW_INTERVAL_MS) draw()
    },
    done(): void {
      if (drawn && !finished) stream.write(CLEAR_LINE)
      finished = true
    },
  }
}
