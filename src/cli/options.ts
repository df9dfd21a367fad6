/**
 * Options shared by several commands, defined once so they read and check
 * the same everywhere. Each check throws a message that says what to do;
 * yargs hands it to `.fail()`, and the exit funnel prints it (exit code 2).
 */
import type { Options } from 'yargs'
import { UsageError } from '../index.js'
import type { CliContext } from './context.js'

/**
 * Refuses `-` when stdin is a terminal: reading it would wait for someone to
 * type a heap snapshot, which looks like a hang.
 */
export function checkInput(file: string, ctx: CliContext): void {
  if (file === '-' && ctx.stdinIsTTY) {
    throw new UsageError('- reads the snapshot from stdin, but stdin is a terminal: pipe a file in, e.g. heapscope summary - < app.heapsnapshot')
  }
}

/**
 * `--top N`: how many rows to show; 0 = all. Parsed from the raw string so a
 * message can quote what was typed (`--top abc`, `--top -1`, `--top 2.5`).
 */
export function parseTop(value: unknown): number {
  const text = Array.isArray(value) ? value.map(String).join(' ') : String(value)
  if (Array.isArray(value) || !/^\d+$/.test(text.trim())) {
    throw new Error(`--top takes one whole number of rows, 0 or more (0 = all); got "${text}"`)
  }
  return Number(text.trim())
}

export const topOption = (defaultRows: number) =>
  ({
    type: 'string',
    default: String(defaultRows),
    defaultDescription: String(defaultRows),
    describe: 'rows to show (0 = all)',
    requiresArg: true,
    coerce: parseTop,
  }) satisfies Options

// No defaults for --json and --markdown: yargs counts a default as "given"
// when it checks .conflicts('json', 'markdown').
export const jsonOption = {
  type: 'boolean',
  describe: 'print the report as JSON (stable field names, "schemaVersion": 1)',
} satisfies Options

export const markdownOption = {
  type: 'boolean',
  describe: 'print the report as Markdown tables (for CI comments)',
} satisfies Options

export const redactOption = {
  type: 'boolean',
  default: false,
  describe: 'replace the contents of strings from the heap with <redacted N chars>',
} satisfies Options

/** The snapshot argument of every single-file command. */
export const fileArgument = {
  type: 'string',
  demandOption: true,
  describe: 'a .heapsnapshot file, gzipped or not; - reads stdin',
} as const

/** An object id argument: V8's node id, `@N` in DevTools. */
export const idArgument = { type: 'number', demandOption: true, describe: 'the object (V8 id, @N in DevTools)' } as const
