/**
 * The terminal while the UI runs: the alternate screen (the shell's screen
 * comes back untouched when the UI ends, as with less, vim or htop), mouse
 * reporting (the wheel scrolls, a click selects), and the way back on every
 * way out: q, Ctrl-C, an error, a signal (SIGTERM, SIGHUP, SIGINT), or the
 * process exiting any other way. Leaving restores the main screen, shows
 * the cursor, and turns mouse reporting and raw mode off.
 *
 * A resize clears the screen, so the next frame is drawn on a clean one: Ink
 * draws a frame by moving up over the previous one, which a terminal that
 * reflowed or cut its lines no longer matches.
 *
 * Ctrl-C and Ctrl-Z reach the UI as keys (raw mode): the UI quits on one,
 * and on the other `suspend()` gives the terminal back as on leaving, stops
 * the process as the shell's job control expects (SIGTSTP), and takes the
 * terminal again when `fg` continues it (SIGCONT).
 */

/** xterm's private modes: 1049 alternate screen (saving the cursor), 1000 mouse button events, 1006 their SGR encoding, 25 the cursor. */
const ENTER = '\u001b[?1049h\u001b[H\u001b[2J'
const MOUSE_ON = '\u001b[?1000h\u001b[?1006h'
const MOUSE_OFF = '\u001b[?1006l\u001b[?1000l'
const LEAVE = '\u001b[?1049l'
const SHOW_CURSOR = '\u001b[?25h'
const CLEAR = '\u001b[H\u001b[2J'

const SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const

export interface FullScreenOptions {
  stdout: NodeJS.WriteStream
  stdin: NodeJS.ReadStream
  /** report mouse events (default true) */
  mouse?: boolean
  /** called first on a signal, to unmount the UI (it draws its last frame and lets go of stdin) */
  onSignal?: () => void
  /** sends a signal to this process (tests replace it) */
  kill?: (signal: NodeJS.Signals) => void
}

export interface FullScreen {
  /** Leaves the alternate screen and restores the terminal; safe to call more than once. */
  restore(): void
  /**
   * Gives the terminal back and stops the process (Ctrl-Z); resolves when it
   * is continued, the alternate screen entered again and cleared (the UI
   * must draw its whole frame again).
   */
  suspend(): Promise<void>
}

/**
 * Enters the alternate screen until `restore()` (or a signal, or the
 * process's exit). On a signal it restores the terminal and then dies of
 * that signal, as the shell expects (exit status 128 + signal number).
 *
 * @example
 *   const screen = enterFullScreen({ stdout: process.stdout, stdin: process.stdin, onSignal: () => app.unmount() })
 *   try { await app.waitUntilExit() } finally { screen.restore() }
 */
export function enterFullScreen(options: FullScreenOptions): FullScreen {
  const { stdout, stdin } = options
  const mouse = options.mouse ?? true
  const kill = options.kill ?? ((signal: NodeJS.Signals) => process.kill(process.pid, signal))
  let active = true
  let size = { columns: stdout.columns, rows: stdout.rows }

  const onResize = (): void => {
    if (!active || (stdout.columns === size.columns && stdout.rows === size.rows)) return
    size = { columns: stdout.columns, rows: stdout.rows }
    stdout.write(CLEAR)
  }
  const setRaw = (raw: boolean): void => {
    try {
      if (stdin.isTTY && stdin.isRaw !== raw) stdin.setRawMode(raw)
    } catch {
      // stdin already closed: nothing to restore
    }
  }
  /** The terminal as the shell had it. */
  const release = (): void => {
    setRaw(false)
    stdout.write((mouse ? MOUSE_OFF : '') + LEAVE + SHOW_CURSOR)
  }
  const take = (): void => {
    stdout.write(ENTER + (mouse ? MOUSE_ON : ''))
  }
  const restore = (): void => {
    if (!active) return
    active = false
    stdout.off('resize', onResize)
    for (const signal of SIGNALS) process.off(signal, onSignal)
    process.off('exit', restore)
    process.off('uncaughtExceptionMonitor', restore)
    release()
  }
  const suspend = (): Promise<void> =>
    new Promise((resolve) => {
      if (!active) return resolve()
      release()
      process.once('SIGCONT', () => {
        // The size may have changed while stopped; Ink's cursor is wherever the shell left it.
        size = { columns: stdout.columns, rows: stdout.rows }
        take()
        setRaw(true)
        resolve()
      })
      kill('SIGTSTP')
    })
  const onSignal = (signal: NodeJS.Signals): void => {
    try {
      options.onSignal?.()
    } finally {
      restore()
      // Our listener is gone: the signal's default action ends the process.
      kill(signal)
    }
  }

  take()
  // Registered before Ink's own listener: the screen is clear before Ink draws the resized frame.
  stdout.on('resize', onResize)
  for (const signal of SIGNALS) process.on(signal, onSignal)
  // Any other way out: exit() anywhere, an uncaught exception (before Node prints it, so it shows on the main screen).
  process.on('exit', restore)
  process.on('uncaughtExceptionMonitor', restore)
  return { restore, suspend }
}
