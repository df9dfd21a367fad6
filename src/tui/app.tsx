/**
 * The terminal UI (Ink). Thin: screens come from screens.ts (library API
 * only), state from the reducer in state.ts, keys from keymap.ts. Only the
 * visible rows are rendered; the layout follows the terminal's size.
 */
import { Box, Text, render, useApp, useInput, useStdout } from 'ink'
import { useEffect, useReducer, useState, type ReactNode } from 'react'
import { CancelledError } from '../index.js'
import { formatCount } from '../report/format.js'
import { renderProgressLine } from '../report/progress.js'
import { KEYMAP, statusLine } from './keymap.js'
import { currentFrame, reduce, type State } from './state.js'

/** Lines the UI uses besides the list: tabs, title, header, column names, status. */
function chromeLines(state: State): number {
  const frame = currentFrame(state)
  return 4 + Math.min(frame.screen.header.length, 4) + 1
}

// Control characters would move the cursor: each shows as '?'.
// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/g

function fit(text: string, width: number): string {
  if (width <= 0) return ''
  const clean = text.replace(CONTROL, '?')
  return clean.length <= width ? clean : clean.slice(0, Math.max(0, width - 1)) + '…'
}

/** Cuts from the left: the end of a retainer path (the object) matters most. */
function fitTail(text: string, width: number): string {
  const clean = text.replace(CONTROL, '?')
  return clean.length <= width ? clean : '…' + clean.slice(clean.length - width + 1)
}

/** `path 2: …the end of the path`: the label stays, the path loses its start. */
function fitPath(text: string, width: number): string {
  const colon = text.indexOf(': ')
  const label = text.slice(0, colon + 2)
  return label + fitTail(text.slice(colon + 2), width - label.length)
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const t = fit(text, width)
  return align === 'right' ? t.padStart(width) : t.padEnd(width)
}

export interface AppProps {
  initial: State
  color: boolean
  columns: number
  rows: number
}

export function App({ initial, color, columns: startColumns, rows: startRows }: AppProps) {
  const [state, dispatch] = useReducer(reduce, initial)
  const { exit } = useApp()
  const { stdout } = useStdout()
  const width = stdout?.columns ?? startColumns
  const height = stdout?.rows ?? startRows

  useInput((input, key) => dispatch({ type: 'key', input, key }))
  // The lines around the list (tabs, title, header, status) change with the screen shown.
  const chrome = chromeLines(state)
  const screenShown = currentFrame(state).screen
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again on another tab or screen too, so that its selection is brought into view at this height
  useEffect(() => {
    dispatch({ type: 'resize', listHeight: height - chrome })
  }, [height, chrome, state.tab, screenShown])
  useEffect(() => {
    const onResize = (): void => dispatch({ type: 'resize', listHeight: (stdout?.rows ?? startRows) - chrome })
    stdout?.on('resize', onResize)
    return () => {
      stdout?.off('resize', onResize)
    }
  }, [stdout, startRows, chrome])
  useEffect(() => {
    if (state.quit) exit()
  }, [state.quit, exit])

  const frame = currentFrame(state)
  const screen = frame.screen
  const listHeight = Math.max(1, height - chrome)
  // Column widths: numbers take what their widest visible cell needs; the first column the rest.
  const visible = frame.view.slice(frame.top, frame.top + listHeight)
  const cells = visible.map((r) => screen.cells(r))
  const widths = screen.columns.map((c, i) => Math.max(c.header.length + (i === frame.sortColumn ? 1 : 0), ...cells.map((row) => row[i].length)))
  const others = widths.slice(1).reduce((a, w) => a + w + 2, 0)
  widths[0] = Math.max(10, width - others - 2)
  const line = (cells: string[]): string => cells.map((c, i) => pad(c, widths[i], screen.columns[i].align)).join('  ')
  // A row with its signed cells coloured: growth red, shrinking green (colour carries the sign's meaning only).
  const colouredRow = (cells: string[]) => {
    const text = fit(line(cells), width)
    if (!color || !screen.columns.some((c) => c.signed === true)) return text
    const parts: ReactNode[] = []
    let at = 0
    let start = 0
    cells.forEach((c, i) => {
      const cellWidth = widths[i]
      if (screen.columns[i].signed === true && at + cellWidth <= text.length && (c.startsWith('+') || c.startsWith('-'))) {
        parts.push(<Text key={`t${i}`}>{text.slice(start, at)}</Text>)
        parts.push(
          <Text key={`c${i}`} color={c.startsWith('+') ? 'red' : 'green'}>
            {text.slice(at, at + cellWidth)}
          </Text>,
        )
        start = at + cellWidth
      }
      at += cellWidth + 2
    })
    parts.push(<Text key="end">{text.slice(start)}</Text>)
    return parts
  }
  const accent = color ? 'cyan' : undefined

  if (state.help) {
    return (
      <Box flexDirection="column">
        <Text bold>heapscope — keys</Text>
        {KEYMAP.map((k) => (
          <Text key={k.action}>{fit(`  ${k.keys.padEnd(8)} ${k.description}`, width)}</Text>
        ))}
        <Text dimColor>any key: back</Text>
      </Box>
    )
  }
  return (
    <Box flexDirection="column">
      <Text>{state.tabs.map((t, i) => (i === state.tab ? `[${t.name}]` : ` ${t.name} `)).join(' ')}</Text>
      <Text bold color={accent}>
        {fit(screen.title + (frame.filter !== '' || state.editing ? `   filter: ${frame.filter}${state.editing ? '▏' : ''}` : ''), width)}
      </Text>
      {screen.header.slice(0, 4).map((h, i) => (
        <Text key={i} dimColor={i > 0}>
          {h.startsWith('path ') ? fitPath(h, width) : fit(h, width)}
        </Text>
      ))}
      <Text underline>{fit(line(screen.columns.map((c, i) => (i === frame.sortColumn ? c.header + '↓' : c.header))), width)}</Text>
      {visible.map((r, i) => {
        const selected = frame.top + i === frame.selected
        return (
          <Text key={r} inverse={selected}>
            {colouredRow(cells[i])}
          </Text>
        )
      })}
      {visible.length === 0 ? <Text dimColor>(nothing here)</Text> : null}
      <Text dimColor>
        {fit(
          state.message !== ''
            ? state.message
            : `${formatCount(frame.view.length === 0 ? 0 : frame.selected + 1)}/${formatCount(frame.view.length)}  ${statusLine()}`,
          width,
        )}
      </Text>
    </Box>
  )
}

/** One file's line on the loading screen. */
export interface LoadStatus {
  label: string
  /** 'waiting', 'reading', 'dominators', …, 'done' */
  phase: string
  bytesRead: number
  totalBytes: number | null
  /** when the phase began, ms (Date.now) */
  since: number
}

/** The loading screen's lines before anything has started. */
export function waitingStatus(files: string[]): LoadStatus[] {
  return files.map((label) => ({ label, phase: 'waiting', bytesRead: 0, totalBytes: null, since: Date.now() }))
}

/**
 * Builds the UI's first state, telling the loading screen how it goes
 * (`report` with every file's line), and stops when `signal` aborts.
 */
export type Loader = (report: (files: LoadStatus[]) => void, signal: AbortSignal) => Promise<State>

/** The loading screen: a progress line per file; Ctrl-C or q calls `cancel`. */
export function Loading({ files, width, cancel }: { files: LoadStatus[]; width: number; cancel: () => void }) {
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) cancel()
  })
  // Redraw every quarter second, so a phase's seconds count up while it runs.
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(timer)
  }, [])
  const labelWidth = Math.min(40, Math.max(...files.map((f) => f.label.length)))
  // Phases without bytes (dominators, ...) show how long they have run.
  const line = (f: LoadStatus): string => {
    const elapsedMs = Math.max(0, now - f.since)
    const text = renderProgressLine({
      phase: f.phase.padEnd(14),
      label: fitTail(f.label, labelWidth).padEnd(labelWidth),
      bytesRead: f.bytesRead,
      totalBytes: f.totalBytes,
      elapsedMs,
      width,
    })
    const timed = f.totalBytes === null && f.bytesRead === 0 && f.phase !== 'waiting' && f.phase !== 'read'
    return timed ? fit(`${text}  ${(elapsedMs / 1000).toFixed(1)} s`, width - 1) : text
  }
  return (
    <Box flexDirection="column">
      <Text bold>heapscope: loading</Text>
      {files.map((f, i) => (
        <Text key={i} dimColor={f.phase === 'waiting' || f.phase === 'done'}>
          {line(f)}
        </Text>
      ))}
      <Text dimColor>Ctrl-C or q: cancel</Text>
    </Box>
  )
}

interface RootProps {
  load: Loader
  initialFiles: LoadStatus[]
  color: boolean
  columns: number
  rows: number
  /** called with the load's error (a CancelledError after Ctrl-C); the UI then exits */
  onLoadError: (err: unknown) => void
}

/** Loading, then the App; a load error or a cancel ends the UI. */
export function Root({ load, initialFiles, color, columns, rows, onLoadError }: RootProps) {
  const [files, setFiles] = useState(initialFiles)
  const [initial, setInitial] = useState<State | null>(null)
  const [failed, setFailed] = useState(false)
  const [controller] = useState(() => new AbortController())
  const { exit } = useApp()
  const { stdout } = useStdout()
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once, when the UI opens (a new load or onLoadError would not start a second load)
  useEffect(() => {
    load((next) => setFiles(next), controller.signal).then(setInitial, (err: unknown) => {
      onLoadError(err)
      setFailed(true)
    })
  }, [])
  // Clear the loading lines, then exit: the CLI prints the error alone.
  useEffect(() => {
    if (failed) exit()
  }, [failed, exit])
  if (failed) return null
  if (initial === null)
    return <Loading files={files} width={stdout?.columns ?? columns} cancel={() => controller.abort(new CancelledError('cancelled while loading'))} />
  return <App initial={initial} color={color} columns={columns} rows={rows} />
}

export interface TuiOptions {
  /** the files to load, as the loading screen first lists them */
  files: string[]
  load: Loader
  color: boolean
}

/**
 * Runs the UI, loading screen first, until the user quits. Resolves when it
 * has unmounted; rejects with the load's error, or a CancelledError when the
 * user cancels the load.
 *
 * @example
 *   await runTui({ files: ['a.gz'], load: async (report, signal) => initialState(tabs, 20), color: true })
 */
export async function runTui(options: TuiOptions): Promise<void> {
  const columns = process.stdout.columns ?? 100
  const rows = process.stdout.rows ?? 30
  const files = waitingStatus(options.files)
  let failure: { err: unknown } | null = null
  const onLoadError = (err: unknown): void => {
    failure = { err }
  }
  const app = render(<Root load={options.load} initialFiles={files} color={options.color} columns={columns} rows={rows} onLoadError={onLoadError} />, {
    exitOnCtrlC: false,
  })
  await app.waitUntilExit()
  if (failure !== null) throw (failure as { err: unknown }).err
}

/** The number of list rows a terminal of `rows` lines has room for, before the first frame is measured. */
export function listRowsFor(rows: number): number {
  return Math.max(1, rows - 10)
}
