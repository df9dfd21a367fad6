/**
 * The CLI: yargs set up once, with every command from commands/index.ts.
 * `buildCli` returns the parser without running anything, so tests drive it
 * without a process; `main` runs it and turns any failure into an exit code
 * through the one funnel in exit.ts.
 */
import { existsSync } from 'node:fs'
import yargs, { type Argv } from 'yargs'
import { UsageError } from '../index.js'
import { commands } from './commands/index.js'
import { resolveContext, type CliContext, type GlobalArgs } from './context.js'
import { EXIT_OK, reportError } from './exit.js'
import { writeText } from './output.js'

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
  let cli: Argv<GlobalArgs> = yargs(protectArguments(withDefaultCommand(argv)))
    .scriptName('heapscope')
    .usage('$0 <command> [options]\n$0 <file>   the same as $0 open <file>\n\nAnalyze V8 heap snapshots (.heapsnapshot, also gzipped).')
    .locale('en')
    .option('debug', { type: 'boolean', default: false, global: true, describe: 'show stack traces with errors' })
    .option('color', { type: 'boolean', default: true, global: true, describe: 'colour output on a terminal (--no-color or NO_COLOR=1 to disable)' })
  for (const command of commands) cli = command.register(cli, ctx)
  return cli
    .completion(COMPLETION_COMMAND, 'print a shell completion script (bash, zsh): heapscope completion >> ~/.bashrc')
    .demandCommand(1, 'say which command to run, e.g. heapscope summary app.heapsnapshot')
    .recommendCommands()
    .strict()
    .exitProcess(false)
    .middleware(restoreArguments, true)
    .fail((message: string | null, err: Error | undefined) => {
      // Every yargs failure is a usage error (exit code 2). Messages from our
      // own checks (coerce, check) arrive as err, yargs' own as message.
      let text = (message ?? err?.message ?? 'invalid arguments').split(PROTECT).join('')
      // recommendCommands() reports a typo as only "Did you mean summary?".
      const typed = argv.find((arg) => !arg.startsWith('-'))
      if (text.startsWith('Did you mean') && typed !== undefined) text = `Unknown command: ${typed}. ${text}`
      const command = commandOf(argv)
      throw new UsageError(`${text} (see heapscope ${command === undefined ? '' : command + ' '}--help)`)
    })
    .help()
    .alias('help', 'h')
    .version(ctx.version)
    .wrap(ctx.stdout.isTTY === true ? Math.min(100, ctx.stdout.columns ?? 80) : 80)
}

const COMPLETION_COMMAND = 'completion'

/** The command `argv` runs (`heapscope <file>` runs open), or undefined. */
function commandOf(argv: readonly string[]): string | undefined {
  const args = withDefaultCommand(argv)
  const end = args.indexOf('--')
  return args.slice(0, end < 0 ? args.length : end).find((arg) => commands.some((c) => c.name === arg))
}

/**
 * Arguments yargs must take as they are stand in for PROTECT + the argument
 * while it parses, and restoreArguments takes the mark off before any check
 * or handler runs:
 * - `-` (stdin): yargs re-parses positionals as `--file -`, and yargs-parser
 *   then reads `-` as a missing value (`summary -` arrived as an empty name);
 * - everything after `--`: file names, even one that starts with `-`
 *   (`summary -- -odd.heapsnapshot`); yargs would put them in `_`, where no
 *   positional looks. A command that runs a program (`record -- node app.js`,
 *   afterDashes 'program') gets them as they are, in args['--'].
 * PROTECT is a NUL, which no argument from a shell can contain, so it cannot
 * clash with a real file name.
 */
const PROTECT = '\u0000'

function protectArguments(argv: readonly string[]): string[] {
  const name = commandOf(argv)
  const program = commands.some((c) => c.name === name && c.afterDashes === 'program')
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg !== '--') {
      out.push(arg === '-' ? PROTECT + arg : arg)
      continue
    }
    // A program and its arguments, read as they are from args['--'] (yargs' populate--); or files.
    if (program) out.push(...argv.slice(i))
    else for (const file of argv.slice(i + 1)) out.push(PROTECT + file)
    break
  }
  return out
}

function restoreArguments(args: Record<string, unknown>): void {
  const restore = (v: unknown): unknown => (typeof v === 'string' && v.startsWith(PROTECT) ? v.slice(PROTECT.length) : v)
  for (const [key, value] of Object.entries(args)) args[key] = Array.isArray(value) ? value.map(restore) : restore(value)
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
  if (first === COMPLETION_COMMAND || commands.some((c) => c.name === first)) return argv.slice()
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
  guardStdio(ctx)
  try {
    let output = ''
    // With a parse callback, yargs hands --help and --version text to us
    // instead of printing it with console.log: it goes to ctx.stdout.
    // Bare `heapscope` shows what it can do.
    const args = argv.length === 0 ? ['--help'] : argv
    await buildCli(args, ctx).parseAsync(protectArguments(withDefaultCommand(args)), {}, (_err, _args, text) => {
      output = text
    })
    if (output !== '') await writeText(ctx, output.endsWith('\n') ? output : output + '\n')
    return EXIT_OK
  } catch (err) {
    return reportError(err, { debug: wantsDebug(argv), stderr: ctx.stderr })
  }
}

/**
 * A failed write to the process's stdout or stderr also emits 'error'; with
 * no listener that is an uncaught exception (exit code 1: a full disk on
 * stderr turned "bad input", 2, into "gate failed"). The report's writes
 * see their own errors (cli/output.ts: exit 74, or quiet for a closed pipe);
 * an error line that cannot be written is lost, and the exit code stays.
 */
function guardStdio(ctx: CliContext): void {
  for (const stream of [process.stdout, process.stderr]) {
    if ((ctx.stdout === stream || ctx.stderr === stream) && !stream.listeners('error').includes(ignoreStreamError)) stream.on('error', ignoreStreamError)
  }
}

function ignoreStreamError(): void {}
