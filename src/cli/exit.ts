/**
 * The one exit funnel. Every failure of a command — a yargs usage error, a
 * library error, a failed gate, a bug — ends here: exactly one line on
 * stderr, `heapscope: <message>`, and an exit code. `--debug` adds the stack
 * below that line; nothing else ever prints a stack.
 *
 * Exit codes (stable; scripts and CI depend on them):
 *   0   success
 *   1   the analysis ran and found a problem: a gate failed (e.g. `--fail-on-growth`)
 *   2   bad usage (unknown option, bad value) or an input that cannot be read or parsed
 *  70   an internal error, i.e. a bug in heapscope (EX_SOFTWARE from sysexits.h;
 *       not 1, so a CI gate never mistakes a crash for "the heap grew")
 *  74   the report could not be written to stdout, e.g. a full disk
 *       (EX_IOERR); a reader closing the pipe early (`| head`) is not an error
 * 130   the user cancelled (Ctrl-C while the terminal UI was loading), as a
 *       shell reports a command ended by SIGINT
 */
import { HeapscopeError } from '../index.js'
import { escapeControlChars, truncate } from '../report/format.js'
import type { OutputStream } from './context.js'

export const EXIT_OK = 0
export const EXIT_GATE_FAILED = 1
export const EXIT_BAD_INPUT = 2
export const EXIT_INTERNAL = 70
export const EXIT_OUTPUT_FAILED = 74
export const EXIT_CANCELLED = 130

/** Longest error line we print, in code points: a message must stay one readable line. */
const MAX_MESSAGE_LENGTH = 1000

/**
 * Thrown by a command whose analysis succeeded but whose gate failed (after
 * it has written its report): exit code 1.
 *
 * @example
 *   throw new GateFailedError('retained size grew by 12.0 MiB, more than --fail-on-growth 5.0 MiB')
 */
export class GateFailedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GateFailedError'
  }
}

/**
 * The report could not be written to stdout (a full disk, a closed file):
 * exit code 74. A reader closing the pipe early is not one (cli/output.ts).
 */
export class OutputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'OutputError'
  }
}

/** The exit code for an error (see the table at the top of this file). */
export function exitCodeFor(err: unknown): number {
  if (err instanceof GateFailedError) return EXIT_GATE_FAILED
  if (err instanceof OutputError) return EXIT_OUTPUT_FAILED
  if (err instanceof HeapscopeError) return err.code === 'E_CANCELLED' ? EXIT_CANCELLED : EXIT_BAD_INPUT
  return EXIT_INTERNAL
}

/** Makes any message one printable line: newlines folded, control characters escaped, length capped. */
export function oneLine(message: string): string {
  return truncate(escapeControlChars(message.trim().replace(/\s*[\r\n]+\s*/g, ' ')), MAX_MESSAGE_LENGTH)
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  return String(err)
}

/**
 * Prints the error line (and, with `debug`, the stack and causes) to `stderr`
 * and returns the exit code.
 *
 * @example
 *   process.exitCode = reportError(err, { debug: false, stderr: process.stderr })
 */
export function reportError(err: unknown, options: { debug: boolean; stderr: OutputStream }): number {
  const code = exitCodeFor(err)
  let line = oneLine(messageOf(err))
  if (code === EXIT_INTERNAL) {
    line = `internal error: ${line} (this is a bug in heapscope${options.debug ? '' : '; run again with --debug to see the stack trace'})`
  }
  let text = `heapscope: ${line}\n`
  if (options.debug) {
    let cause: unknown = err
    for (let depth = 0; cause !== undefined && depth < 5; depth++) {
      if (cause instanceof Error && cause.stack !== undefined) text += (depth > 0 ? 'Caused by: ' : '') + cause.stack + '\n'
      cause = cause instanceof Error ? cause.cause : undefined
    }
  }
  try {
    options.stderr.write(text)
  } catch {
    // Nowhere left to say it (a stream that throws rather than emitting 'error'); the exit code still tells.
  }
  return code
}
