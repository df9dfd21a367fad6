/**
 * The CLI: yargs set up once, with every command from commands/index.ts.
 * `buildCli` returns the parser without running anything, so tests drive it
 * without a process; `main` runs it and turns any failure into an exit code
 * through the one funnel in exit.ts.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import yargs, { type Argv } from 'yargs'
import { UsageError } from '../index.js'
import { commands } from './commands/index.js'
import { resolveContext, type CliContext, type GlobalArgs } from './context.js'
import { EXIT_OK, EXIT_OUTPUT_FAILED, oneLine, reportError } from './exit.js'

/** heapscope's version, from the package.json above this file (works from src and from dist). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'))
      if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version
      return 'unknown'
    }
    const up = dirname(dir)
    if (up === dir) return 'unknown'
    dir = up
  }
}

/**
 * The yargs parser for `argv`, with every command, not yet run. Usage errors
 * (unknown option, bad value, missing file argument) end `parseAsync()` with
 * a UsageError — thrown synchronously, since yargs validates before it goes
 * async, so `await` it inside try; errors of a command reject with the
 * command's error.
 *
 * @example
 *   await buildCli(['summary', 'app.heapsnapshot', '--json']).parseAsync()
 */
export function buildCli(argv: readonly string[], io: Partial<CliContext> = {}): Argv<GlobalArgs> {
  const ctx = resolveContext(io)
  let cli: Argv<GlobalArgs> = yargs(protectDashes(withDefaultCommand(argv)))
    .scriptName('heapscope')
    .usage('$0 <command> [options]\n$0 <file>   the same as $0 open <file>\n\nAnalyze V8 heap snapshots (.heapsnapshot, also gzipped).')
    .locale('en')
    .option('debug', { type: 'boolean', default: false, global: true, describe: 'show stack traces with errors' })
    .option('color', { type: 'boolean', default: true, global: true, describe: 'colour output on a terminal (--no-color or NO_COLOR=1 to disable)' })
  for (const command of commands) cli = command.register(cli, ctx)
  return cli
    .demandCommand(1, 'say which command to run, e.g. heapscope summary app.heapsnapshot')
    .recommendCommands()
    .strict()
    .exitProcess(false)
    .middleware(restoreDashes)
    .fail((message: string | null, err: Error | undefined) => {
      // Every yargs failure is a usage error (exit code 2). Messages from our
      // own checks (coerce, check) arrive as err, yargs' own as message.
      let text = (message ?? err?.message ?? 'invalid arguments').split(DASH).join('-')
      // recommendCommands() reports a typo as only "Did you mean summary?".
      const typed = argv.find((arg) => !arg.startsWith('-'))
      if (text.startsWith('Did you mean') && typed !== undefined) text = `Unknown command: ${typed}. ${text}`
      throw new UsageError(`${text} (see heapscope --help)`)
    })
    .help()
    .alias('help', 'h')
    .version(packageVersion())
    .wrap(ctx.stdout.isTTY === true ? Math.min(100, ctx.stdout.columns ?? 80) : 80)
}

/**
 * `-` (stdin) stands in for DASH while yargs parses. yargs re-parses
 * positionals as `--file -`, and yargs-parser then reads `-` as a missing
 * value: `summary -` would arrive as an empty file name. DASH starts with a
 * NUL, which no argument from a shell can contain, so it cannot clash with a
 * real file name; restoreDashes puts `-` back before any handler runs.
 */
const DASH = '\u0000-'

function protectDashes(argv: readonly string[]): string[] {
  const out = argv.slice()
  for (let i = 0; i < out.length && out[i] !== '--'; i++) if (out[i] === '-') out[i] = DASH
  return out
}

function restoreDashes(args: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(args)) {
    if (value === DASH) args[key] = '-'
    else if (Array.isArray(value)) args[key] = value.map((v: unknown) => (v === DASH ? '-' : v))
  }
}

/**
 * `heapscope app.heapsnapshot` means `heapscope open app.heapsnapshot`: when
 * the first argument that is not an option is no command but names a file
 * that exists, or looks like a snapshot's name, `open` goes before it. A
 * mistyped command (`sumary`) stays as it is, for yargs' "did you mean".
 */
export function withDefaultCommand(argv: readonly string[]): string[] {
  const at = argv.findIndex((arg) => arg === '-' || !arg.startsWith('-'))
  if (at < 0 || argv.slice(0, at).includes('--')) return argv.slice()
  const first = argv[at]
  if (commands.some((c) => c.name === first)) return argv.slice()
  if (first === '-' || /\.heapsnapshot(\.gz)?$/i.test(first) || existsSync(first)) return [...argv.slice(0, at), 'open', ...argv.slice(at)]
  return argv.slice()
}

/** Whether --debug is among the arguments, read before yargs so even a usage error honours it. */
function wantsDebug(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false
    if (arg === '--debug' || arg === '--debug=true') return true
  }
  return false
}

/**
 * Runs the CLI and returns the exit code (0 ok, 1 a gate failed, 2 bad usage
 * or input, 70 an internal error; see exit.ts). Never throws, never calls
 * process.exit.
 *
 * @example
 *   process.exitCode = await main(process.argv.slice(2))
 */
export async function main(argv: string[], io: Partial<CliContext> = {}): Promise<number> {
  const ctx = resolveContext(io)
  if (io.stdout === undefined) ignoreBrokenPipe(process.stdout)
  try {
    let output = ''
    // With a parse callback, yargs hands --help and --version text to us
    // instead of printing it with console.log: it goes to ctx.stdout.
    await buildCli(argv, ctx).parseAsync(protectDashes(withDefaultCommand(argv)), {}, (_err, _args, text) => {
      output = text
    })
    if (output !== '') ctx.stdout.write(output.endsWith('\n') ? output : output + '\n')
    return EXIT_OK
  } catch (err) {
    return reportError(err, { debug: wantsDebug(argv), stderr: ctx.stderr })
  }
}

/**
 * `heapscope summary x | head` closes stdout early; the write then fails with
 * EPIPE, asynchronously. That is the reader's choice, not an error of ours:
 * stop quietly instead of crashing with a stack. Any other write error (a
 * full disk) is one line and exit code 74, like every error.
 */
function ignoreBrokenPipe(stream: NodeJS.WriteStream): void {
  if (stream.listenerCount('error') > 0) return
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return
    process.stderr.write(`heapscope: ${oneLine(`cannot write the report to stdout (${err.message})`)}\n`)
    process.exitCode = EXIT_OUTPUT_FAILED
  })
}
