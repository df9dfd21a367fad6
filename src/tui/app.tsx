/**
 * The terminal UI (Ink): one Ink instance and one reader of the keyboard
 * for the UI's whole life. The loading screen and the browser are two
 * faces of one component, `Root`, whose single `useInput` handler only
 * dispatches to the session reducer (state.ts): raw mode is taken once, at
 * the first frame, and never given back until the end, so no key pressed
 * as the browser appears is lost or echoed by the terminal. (Two
 * components each with their own `useInput`, one unmounting as the other
 * mounts, leave a moment when the keys go to the old one, or to nobody,
 * with the terminal back in cooked mode.)
 */
import { Box, render, useApp, useInput, useStdout } from 'ink'
import { useCallback, useEffect, useReducer, useState } from 'react'
import { CancelledError } from '../index.js'
import { Browser } from './components/Browser.js'
import { Help } from './components/Help.js'
import { Loading } from './components/Loading.js'
import { themeFor } from './components/theme.js'
import type { KeyFlags } from './keymap.js'
import { reduceSession, startSession, waitingStatus, type LoadStatus, type Session, type State } from './state.js'
import { enterFullScreen } from './terminal.js'

export type { LoadStatus } from './state.js'
export { waitingStatus } from './state.js'

/**
 * Builds the UI's first state, telling the loading screen how it goes
 * (`report` with every file's line), and stops when `signal` aborts.
 */
export type Loader = (report: (files: LoadStatus[]) => void, signal: AbortSignal) => Promise<State>

export interface RootProps {
  /** where the session starts: loading (with `load`), or already browsing */
  start: Session
  load?: Loader
  color: boolean
  /** called with the load's error (a CancelledError after q or Ctrl-C); the UI then exits */
  onLoadError?: (err: unknown) => void
  /** Ctrl-Z: gives the terminal back and stops the process; resolves when it continues */
  suspend?: () => Promise<void>
}

/** Loading, then browsing; a load error or a cancel ends the UI. */
export function Root({ start, load, color, onLoadError, suspend }: RootProps) {
  const [session, dispatch] = useReducer(reduceSession, start)
  const [failed, setFailed] = useState(false)
  const [controller] = useState(() => new AbortController())
  const { exit } = useApp()
  const { stdout } = useStdout()
  // A handler that never changes: Ink subscribes it once, and it reads no state (the reducer does).
  const onKey = useCallback((input: string, key: KeyFlags) => dispatch({ type: 'key', input, key }), [])
  useInput(onKey)
  useEffect(() => {
    const onResize = (): void => dispatch({ type: 'resize', columns: stdout.columns, rows: stdout.rows })
    stdout.on('resize', onResize)
    return () => {
      stdout.off('resize', onResize)
    }
  }, [stdout])
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once, when the UI opens (a new load or onLoadError would not start a second load)
  useEffect(() => {
    if (load === undefined) return
    load((files) => dispatch({ type: 'progress', files }), controller.signal).then(
      (state) => dispatch({ type: 'loaded', state }),
      (err: unknown) => {
        onLoadError?.(err)
        setFailed(true)
      },
    )
  }, [])
  useEffect(() => {
    if (session.cancelled) controller.abort(new CancelledError('cancelled while loading'))
  }, [session.cancelled, controller])
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each Ctrl-Z (a new suspend function would not suspend again)
  useEffect(() => {
    if (session.suspends === 0 || suspend === undefined) return
    void suspend().then(() => {
      dispatch({ type: 'resize', columns: stdout.columns, rows: stdout.rows })
      dispatch({ type: 'resumed', message: `continued at ${new Date().toLocaleTimeString()}` })
    })
  }, [session.suspends])
  // A screen built in the background (b in the Growth view): one job at a time, stopped if the UI ends first.
  const job = session.browser?.pending?.run
  useEffect(() => {
    if (job === undefined) return
    const controller = new AbortController()
    job((note) => dispatch({ type: 'jobNote', note }), controller.signal).then(
      (screen) => dispatch({ type: 'jobDone', screen }),
      (err: unknown) => {
        if (!controller.signal.aborted) dispatch({ type: 'jobFailed', message: err instanceof Error ? err.message : String(err) })
      },
    )
    return () => controller.abort(new CancelledError('the UI ended'))
  }, [job])
  const quit = session.browser?.quit === true
  useEffect(() => {
    if (quit || failed) exit()
  }, [quit, failed, exit])

  const theme = themeFor(color)
  const { columns, rows } = session
  if (failed) return null
  const browser = session.browser
  return (
    <Box flexDirection="column" width={columns}>
      {browser === null ? (
        <Loading files={session.loading ?? []} columns={columns} rows={rows} theme={theme} />
      ) : browser.help !== null ? (
        <Help top={browser.help} columns={columns} rows={rows} theme={theme} />
      ) : (
        <Browser state={browser} theme={theme} />
      )}
    </Box>
  )
}

/** The browser alone, on a state built already (tests, and callers that load by themselves). */
export function App({ initial, color, columns, rows }: { initial: State; color: boolean; columns: number; rows: number }) {
  const start: Session = { loading: null, typeAhead: [], cancelled: false, browser: { ...initial, columns, rows }, columns, rows, suspends: 0 }
  return <Root start={start} color={color} />
}

export interface TuiOptions {
  /** the files to load, as the loading screen first lists them */
  files: string[]
  load: Loader
  color: boolean
}

/**
 * Runs the UI, loading screen first, in the terminal's alternate screen,
 * until the user quits. Resolves when it has unmounted and the terminal is
 * restored; rejects with the load's error, or a CancelledError when the user
 * cancels the load. A signal restores the terminal and ends the process.
 *
 * @example
 *   await runTui({ files: ['a.gz'], load: async (report, signal) => initialState(tabs), color: true })
 */
export async function runTui(options: TuiOptions): Promise<void> {
  const { stdout, stdin } = process
  let failure: { err: unknown } | null = null
  const onLoadError = (err: unknown): void => {
    failure = { err }
  }
  let unmount = (): void => {}
  const screen = enterFullScreen({ stdout, stdin, onSignal: () => unmount() })
  try {
    const start = startSession(waitingStatus(options.files), { columns: stdout.columns ?? 100, rows: stdout.rows ?? 30 })
    const app = render(<Root start={start} load={options.load} color={options.color} onLoadError={onLoadError} suspend={screen.suspend} />, {
      exitOnCtrlC: false,
    })
    unmount = () => app.unmount()
    await app.waitUntilExit()
  } finally {
    screen.restore()
  }
  if (failure !== null) throw (failure as { err: unknown }).err
}
