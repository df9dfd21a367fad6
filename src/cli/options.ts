/**
 * Options shared by several commands, defined once so they read and check
 * the same everywhere. Each check throws a message that says what to do;
 * yargs hands it to `.fail()`, and the exit funnel prints it (exit code 2).
 */
import type { Argv, Options } from 'yargs'
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

/** What a whole-number option counts, for its message: `--top takes a whole number of rows, 0 or more (0 = all)`. */
export interface WholeNumberRule {
  /** the option as typed, `--top` */
  option: string
  /** what it counts: 'rows', 'levels' */
  unit: string
  /** smallest allowed (default 0) */
  min?: number
  /** largest allowed (default: none) */
  max?: number
  /** what 0 means, when it means something special ('all') */
  zero?: string
}

/**
 * A coerce function for a whole-number option, reading the text as typed
 * (the options are declared with `string: true`, so yargs does not turn
 * `abc` into NaN or `1e3` into 1000), with a message that names the option.
 *
 * @example
 *   wholeNumber({ option: '--depth', unit: 'levels', min: 1, max: 64 })('65') // throws: --depth takes a whole number of levels from 1 to 64; got "65"
 */
export function wholeNumber(rule: WholeNumberRule): (value: unknown) => number {
  const min = rule.min ?? 0
  const range = rule.max === undefined ? `${min} or more` : `from ${min} to ${rule.max}`
  const zero = rule.zero !== undefined && min === 0 ? ` (0 = ${rule.zero})` : ''
  return (value: unknown): number => {
    const text = Array.isArray(value) ? value.map(String).join(' ') : String(value)
    const n = !Array.isArray(value) && /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN
    if (!(Number.isSafeInteger(n) && n >= min && (rule.max === undefined || n <= rule.max))) {
      throw new Error(`${rule.option} takes ${Array.isArray(value) ? 'one' : 'a'} whole number of ${rule.unit}, ${range}${zero}; got "${text}"`)
    }
    return n
  }
}

/** `--top N`: how many rows to show; 0 = all. */
export const parseTop = wholeNumber({ option: '--top', unit: 'rows', zero: 'all' })

/**
 * A whole-number option: shown as `[number]` in `--help`, read as the text
 * typed (`string: true`; see wholeNumber), checked by `rule`.
 *
 * @example
 *   .option('depth', numberOption(3, 'levels to show', { option: '--depth', unit: 'levels', min: 1, max: 64 }))
 */
export function numberOption(defaultValue: number, describe: string, rule: WholeNumberRule) {
  return {
    type: 'number',
    string: true,
    default: String(defaultValue),
    defaultDescription: String(defaultValue),
    describe,
    requiresArg: true,
    coerce: wholeNumber(rule),
  } as const satisfies Options
}

/**
 * `--top N` (also `-n N`, in every command that has it): how many rows,
 * groups or objects to show; 0 = all.
 *
 * @example
 *   .option('top', topOption(20, 'classes'))
 */
export function topOption(defaultRows: number, what = 'rows', describe = `${what} to show (0 = all)`) {
  return { ...numberOption(defaultRows, describe, { option: '--top', unit: what, zero: 'all' }), alias: 'n' } as const satisfies Options
}

/**
 * An object id as typed: `1234`, or `@1234` as DevTools writes it. Checked
 * while the arguments are parsed, before any snapshot is read.
 *
 * @example
 *   parseId('@1234') // 1234
 */
export function parseId(value: unknown): number {
  const text = String(value).trim()
  const m = /^@?(\d+)$/.exec(text)
  const id = m === null ? Number.NaN : Number(m[1])
  if (!Number.isSafeInteger(id)) throw new Error(`an object id is a whole number, as DevTools shows it (1234 or @1234); got "${String(value)}"`)
  return id
}

/** `--id N` (or `@N`): an object id option. */
export const idOption = {
  type: 'number',
  string: true,
  requiresArg: true,
  coerce: parseId,
} as const satisfies Options

/**
 * The `<id>` positional of the object commands: `1234` or `@1234`. Declare
 * it after `.string('id')`: yargs would otherwise read `@1234` or `abc` as
 * NaN before the check could quote it (the help still shows a number).
 *
 * @example
 *   y.positional('file', fileArgument).string('id').positional('id', idArgument)
 */
export const idArgument = { type: 'number', demandOption: true, describe: 'the object: its id, 1234 or @1234 as DevTools shows it', coerce: parseId } as const

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

/** `--source-maps DIR`: folders of source maps, looked up by script file name (maps next to the scripts are found anyway). */
export const sourceMapsOption = {
  type: 'string',
  array: true,
  describe: 'a folder of source maps (app.js.map for app.js); maps named by the scripts on disk are used anyway',
  requiresArg: true,
} satisfies Options

/**
 * The outputs of the commands that compare snapshots (diff, growth): JSON or
 * Markdown, redaction, source maps, and the terminal UI when stdout is one.
 */
export function comparisonOutputOptions<T>(y: Argv<T>) {
  return y
    .option('json', jsonOption)
    .option('markdown', markdownOption)
    .option('redact', redactOption)
    .option('source-maps', sourceMapsOption)
    .option('tui', { type: 'boolean', default: true, describe: 'open the terminal UI when stdout is a terminal (--no-tui: the text report)' })
    .conflicts('json', 'markdown')
}
