/**
 * What a command needs from the outside world, passed in rather than read
 * from `process`, so the whole CLI runs in a test without a process:
 * `main(['summary', 'x.heapsnapshot', '--json'], { stdout, stderr })`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { analyzeHeapAsync, openSnapshot } from '../index.js'

/** A place to write text: process.stdout/stderr, or a buffer in tests. */
export interface OutputStream {
  write(text: string): unknown
  /** true only for a terminal; progress and colours depend on it */
  isTTY?: boolean
  /** terminal width, when a terminal */
  columns?: number
}

export interface CliContext {
  /** the report, and nothing else */
  stdout: OutputStream
  /** the error line, and progress when a terminal */
  stderr: OutputStream
  env: Readonly<Record<string, string | undefined>>
  /** whether stdin is a terminal: then `-` would wait for typing, so it is refused */
  stdinIsTTY: boolean
  /** the library's openSnapshot; tests may pass one that parses in-memory data */
  openSnapshot: typeof openSnapshot
  /** the library's analyzeHeapAsync; tests may pass one that analyses each snapshot once for many runs */
  analyze: typeof analyzeHeapAsync
  /** milliseconds, for progress rates; Date.now by default */
  now: () => number
  /** heapscope's version: `--version`, and `heapscopeVersion` in every JSON document */
  version: string
}

/** Options every command accepts. */
export interface GlobalArgs {
  /** print stack traces with errors */
  debug: boolean
  /** false with --no-color */
  color: boolean
}

/** The real process's streams and environment. */
export function processContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdinIsTTY: process.stdin.isTTY === true,
    openSnapshot,
    analyze: analyzeHeapAsync,
    now: Date.now,
    version: packageVersion(),
  }
}

let cachedVersion: string | undefined

/** heapscope's version, from the package.json above this file (works from src and from dist). */
export function packageVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion
  cachedVersion = 'unknown'
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'))
      if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') cachedVersion = pkg.version
      return cachedVersion
    }
    const up = dirname(dir)
    if (up === dir) return cachedVersion
    dir = up
  }
}

/** Fills in what `partial` leaves out from the real process. */
export function resolveContext(partial: Partial<CliContext> = {}): CliContext {
  return { ...processContext(), ...partial }
}

/**
 * Whether to colour text written to `stream`: only on a terminal, never with
 * `--no-color` or a non-empty NO_COLOR (https://no-color.org).
 */
export function colorEnabled(stream: OutputStream, env: CliContext['env'], colorFlag: boolean): boolean {
  if (!colorFlag) return false
  const noColor = env.NO_COLOR
  if (noColor !== undefined && noColor !== '') return false
  return stream.isTTY === true
}

/**
 * Whether a command that has a terminal UI opens it: stdout is a terminal
 * and so is stdin (its keys), and no input is read from stdin (`-`).
 */
export function opensTui(ctx: CliContext, files: readonly string[]): boolean {
  return ctx.stdout.isTTY === true && ctx.stdinIsTTY && !files.includes('-')
}
