/**
 * `heapscope record [options] -- node app.js ...`: starts the program with
 * allocation tracking from its first line, takes snapshots on Enter, every
 * `--every`, or on SIGUSR2 to heapscope, and when the recording ends (`--count`
 * reached, `q`, Ctrl-D, Ctrl-C or the program's own end) stops the program
 * and prints what grew: `growth` over the series (three snapshots or more),
 * else the diff of the first and the last.
 * The files stay.
 *
 * What starts the program and collects a snapshot is a RecordTarget from the
 * library (src/capture/record-target.ts): this command only decides when,
 * names the files and reports, so another runtime (Python) is one more
 * target, not another command.
 */
import { mkdirSync } from 'node:fs'
import yargs, { type Argv, type CommandModule } from 'yargs'
import { CaptureError, describeExit, recordTargetFor, takeSnapshotSeries, UsageError, type ProgramExit, type SnapshotFile } from '../../index.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { parseCount, parseDuration, SnapshotTriggers } from '../snapshot-triggers.js'
import { seriesOnTerminal } from './capture.js'
import { diffCommand } from './diff.js'
import { growthCommand } from './growth.js'

/** The signal that makes a running `record` take a snapshot (`kill -USR2 <heapscope's pid>`). */
const SNAPSHOT_SIGNAL = 'SIGUSR2'

function builder(y: Argv<GlobalArgs>) {
  return (
    y
      // The program and its arguments after --, as typed (not parsed as numbers or options).
      .parserConfiguration({ 'populate--': true })
      .positional('program', { type: 'string', array: true, describe: 'the program to run, after --: node app.js ..., python3 app.py ...' })
      .option('out', { alias: 'o', type: 'string', default: '.', describe: 'the folder the snapshots go to (made if missing)', requiresArg: true })
      .option('every', { type: 'string', describe: 'a snapshot every DURATION (30s, 500ms, 2m)', requiresArg: true, coerce: parseDuration })
      .option('count', { type: 'string', describe: 'stop the program after this many snapshots', requiresArg: true, coerce: parseCount })
      .option('on-key', { type: 'boolean', describe: 'a snapshot on each Enter; q or Ctrl-D ends (default when stdin is a terminal and there is no --every)' })
      .option('track', { type: 'boolean', default: true, describe: 'allocation tracking from the first line (--no-track: snapshots without allocation sites)' })
      .option('diff', {
        type: 'boolean',
        default: true,
        describe: 'print what grew at the end: growth over 3+ snapshots, else the diff of the first and last (--no-diff: only keep the files)',
      })
      .option('name', { type: 'string', describe: 'what the files are named after (default: the script)', requiresArg: true })
      .option('timeout', {
        type: 'string',
        default: '10s',
        describe: 'how long to wait for the program to start and for each reply',
        requiresArg: true,
        coerce: parseDuration,
      })
      .check((args) => {
        const program = (args as { program?: unknown[] }).program ?? []
        if (program.length > 0) throw new Error(`put -- before the program: heapscope record [options] -- ${program.join(' ')}`)
        const rest = (args as { '--'?: unknown[] })['--'] ?? []
        if (rest.length === 0) throw new Error('say which program to record after --, e.g. heapscope record -- node app.js')
        return true
      })
      .example('$0 record -- node server.js', 'Enter takes a snapshot; Ctrl-D stops the server and shows what grew')
      .example('$0 record --every 10s --count 3 -o snaps -- node app.js', 'three snapshots 10 s apart, then the diff of the first and last')
      .example('$0 record -- python3 app.py', 'the same for a Python program (heapscope_snapshot loaded at start, tracemalloc for the sites)')
  )
}

export type RecordArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

/** Runs one of heapscope's commands as `heapscope <argv>` would. */
async function runCommand<A>(ctx: CliContext, command: (ctx: CliContext) => CommandModule<GlobalArgs, A>, argv: string[], color: boolean): Promise<void> {
  await yargs(argv)
    .option('debug', { type: 'boolean', default: false })
    .option('color', { type: 'boolean', default: color })
    .command(command(ctx))
    .strict()
    .exitProcess(false)
    .fail((message: string | null, err: Error | undefined) => {
      throw err ?? new UsageError(message ?? `${argv[0]} failed`)
    })
    .parseAsync()
}

export function recordCommand(ctx: CliContext): CommandModule<GlobalArgs, RecordArgs> {
  return {
    command: 'record [program..]',
    describe: 'Run a program, take snapshots of it as it runs, and show what grew',
    builder,
    async handler(args) {
      const say = (text: string): void => void ctx.stderr.write(`heapscope: ${text}\n`)
      const command = ((args as { '--'?: unknown[] })['--'] ?? []).map(String)
      try {
        mkdirSync(args.out, { recursive: true })
      } catch (err) {
        throw new UsageError(`cannot make the output folder ${args.out}: ${(err as Error).message}`)
      }
      const keys = args['on-key'] ?? (ctx.stdinIsTTY && args.every === undefined)
      const target = recordTargetFor(command, { track: args.track, timeoutMs: args.timeout, stdin: keys ? 'ignore' : 'inherit', stderr: process.stderr })
      say(
        `starting ${command.join(' ')} ${target.startNote ?? 'with its inspector on a free loopback port'}${args.track ? ' and allocation tracking from its first line' : ''}`,
      )
      await target.start()

      const how = [
        ...(keys ? ['Enter takes a snapshot, q or Ctrl-D ends'] : []),
        ...(args.every === undefined ? [] : [`a snapshot every ${args.every / 1000} s${args.count === undefined ? '' : `, ${args.count} in all`}`]),
        `kill -USR2 ${process.pid} takes a snapshot`,
        'Ctrl-C or the end of the program ends the recording',
      ]
      say(`recording ${target.name} (pid ${target.pid}): ${how.join('; ')}`)
      const triggers = new SnapshotTriggers({
        immediate: false,
        ...(args.every === undefined ? {} : { everyMs: args.every }),
        ...(args.count === undefined ? {} : { count: args.count }),
        ...(keys ? { keys: process.stdin } : {}),
        signal: SNAPSHOT_SIGNAL,
      })
      let exit: ProgramExit | undefined
      void target.exited.then((e) => {
        exit = e
        triggers.end()
      })
      const abort = new AbortController()
      const files: SnapshotFile[] = []
      const series = seriesOnTerminal(ctx, triggers, (taken) => {
        files.push(taken)
        say(`wrote ${taken.file}`)
      })
      // Ctrl-C ends the recording; a snapshot under way is dropped (its partial file removed).
      const onSigint = (): void => {
        triggers.end()
        if (series.busy()) abort.abort()
      }
      process.on('SIGINT', onSigint)
      const source = { name: args.name ?? target.name, pid: target.pid, takeSnapshot: target.takeSnapshot.bind(target) }
      try {
        await takeSnapshotSeries(source, { dir: args.out, ...series.hooks, signal: abort.signal })
      } catch (err) {
        series.done()
        // A snapshot cut short because the recording ended (Ctrl-C, the program's end) is not a failure of record.
        const ended =
          abort.signal.aborted || exit !== undefined || (await Promise.race([target.exited, new Promise((r) => setTimeout(r, 300, undefined))])) !== undefined
        if (!ended || !(err instanceof CaptureError)) {
          triggers.dispose()
          process.off('SIGINT', onSigint)
          await target.stop()
          throw err
        }
        say(`the snapshot under way was dropped: ${err.message}`)
      } finally {
        series.done()
      }
      triggers.dispose()
      const stoppedHere = exit === undefined
      await target.stop()
      process.off('SIGINT', onSigint)
      if (keys) process.stdin.pause()
      const ended = exit ?? (await target.exited)
      if (stoppedHere) say(`stopped ${command.join(' ')}`)
      else if (files.length === 0 && ended.code !== 0) {
        // The program failed before anything was recorded: that is the result, not a report.
        throw new CaptureError(`${command.join(' ')} ended (${describeExit(ended)}) before any snapshot was taken`)
      } else say(`${command.join(' ')} ended (${describeExit(ended)})`)
      if (files.length < 2) {
        say(`${files.length === 0 ? 'no snapshot was taken' : 'one snapshot was taken'}: a diff needs two`)
        return
      }
      if (!args.diff) return
      // What grew, told by the command that says it best: growth over a series of
      // three or more, else the diff of the first and the last (its text report).
      const names = files.map((f) => f.file)
      if (names.length >= 3) {
        say(`what grew: heapscope growth ${names.join(' ')}`)
        await runCommand(ctx, growthCommand, ['growth', ...names, '--no-tui'], args.color)
      } else {
        const [first, last] = [names[0], names[names.length - 1]]
        say(`what grew: heapscope diff ${first} ${last}`)
        await runCommand(ctx, diffCommand, ['diff', first, last, '--no-tui'], args.color)
      }
    },
  }
}
