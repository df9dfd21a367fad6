/** The loading screen: a progress line per file (phase, bytes read, speed, or the phase's seconds); q or Ctrl-C cancels. */
import { basename } from 'node:path'
import { Text } from 'ink'
import { useEffect, useState } from 'react'
import { renderProgressLine } from '../../report/progress.js'
import { statusHints } from '../keymap.js'
import type { LoadStatus } from '../state.js'
import { cutEnd, cutStart, displayWidth, pad } from '../text.js'
import type { Theme } from './theme.js'

/** Columns the progress after the label takes: ` [####…] 100%  12.3 MiB / 15.4 MiB  45.6 MiB/s`. */
const PROGRESS_WIDTH = 61

export function Loading({ files, columns, rows, theme }: { files: LoadStatus[]; columns: number; rows: number; theme: Theme }) {
  // Redraw every quarter second, so a phase's seconds count up while it runs.
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(timer)
  }, [])
  // A long path gives way to the progress (phase 15 columns, then ~61 for bar, percent, bytes and
  // speed), down to the file's own name: at 80 columns a 40-column path hid the progress.
  // (a name in a folder: `…/` before it)
  const nameWidth = Math.max(...files.map((f) => displayWidth(basename(f.label)) + (basename(f.label) === f.label ? 0 : 2)))
  const labelWidth = Math.min(40, Math.max(12, nameWidth, columns - 1 - 15 - PROGRESS_WIDTH), Math.max(10, ...files.map((f) => displayWidth(f.label))))
  // Phases without bytes (dominators, ...) show how long they have run.
  const line = (f: LoadStatus): string => {
    const elapsedMs = Math.max(0, now - f.since)
    const text = renderProgressLine({
      phase: f.phase.padEnd(14),
      label: pad(cutStart(f.label, labelWidth), labelWidth),
      bytesRead: f.bytesRead,
      totalBytes: f.totalBytes,
      elapsedMs,
      width: columns,
    })
    const timed = f.totalBytes === null && f.bytesRead === 0 && f.phase !== 'waiting' && f.phase !== 'read'
    return timed ? cutEnd(`${text}  ${(elapsedMs / 1000).toFixed(1)} s`, columns - 1) : text
  }
  // The whole height: the hint sits on the bottom line, as the browser's status line does.
  const blank = Math.max(0, rows - 3 - files.length)
  return (
    <>
      <Text bold color={theme.accent}>
        heapscope: loading
      </Text>
      {files.map((f, i) => (
        <Text key={i} dimColor={f.phase === 'waiting' || f.phase === 'done'} wrap="truncate">
          {line(f)}
        </Text>
      ))}
      {Array.from({ length: blank }, (_, i) => (
        <Text key={`b${i}`}> </Text>
      ))}
      {/* right-aligned: a resize always changes the frame, so it is redrawn on the cleared screen */}
      <Text dimColor wrap="truncate">
        {pad(statusHints('loading', columns - 1), columns - 1, 'right')}
      </Text>
    </>
  )
}
