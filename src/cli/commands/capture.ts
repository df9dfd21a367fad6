/**
 * `heapscope capture`: heap snapshots of a running process, written as
 * `<name>-<pid>-<n>-<time>.heapsnapshot.gz`. A Node process by pid (its
 * inspector opened with SIGUSR1), or anything that speaks the DevTools
 * protocol by port or WebSocket URL. stdout lists the files, one per line,
 * as they are written; notices and the progress bar go to stderr.
 */
import { mkdirSync } from 'node:fs'
import { basename } from 'node:path'
import type { Argv, CommandModule } from 'yargs'
import {
  CancelledError,
  HeapProfilerSession,
  type SeriesOptions,
  type SnapshotFile,
  type SnapshotProgress,
  takeSnapshotSeries,
  UsageError,
} from '../../index.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { createProgress, type ProgressReporter } from '../progress.js'
import { parseCount, parseDuration, SnapshotTriggers } from '../snapshot-triggers.js'

function builder(y: Argv<GlobalArgs>) {
  return y
    .option('pid', { type: 'number', describe: 'a running Node.js process: SIGUSR1 opens its inspector (on loopback)', requiresArg: true })
    .option('port', {
      type: 'number',
      describe: "an inspector's HTTP port: Chromium's --remote-debugging-port, node --inspect, Deno, Electron",
      requiresArg: true,
    })
    .option('url', { type: 'string', describe: 'a DevTools protocol WebSocket, ws://127.0.0.1:PORT/...', requiresArg: true })
    .option('target', { type: 'string', describe: 'with --port: the target whose URL or title contains this text', requiresArg: true })
    .option('host', { type: 'string', describe: 'allow this host that is not loopback (the inspector lets whoever reaches it run code)', requiresArg: true })
    .option('out', { alias: 'o', type: 'string', default: '.', describe: 'the folder the snapshots go to (made if missing)', requiresArg: true })
    .option('every', {
      type: 'string',
      describe: 'a snapshot now and then every DURATION (30s, 500ms, 2m) until --count or Ctrl-C',
      requiresArg: true,
      coerce: parseDuration,
    })
    .option('count', { type: 'string', describe: 'how many snapshots to take with --every or --on-key', requiresArg: true, coerce: parseCount })
    .option('on-key', { type: 'boolean', describe: 'a snapshot each time Enter is pressed; q or Ctrl-D ends' })
    .option('track', { type: 'boolean', default: false, describe: 'track allocations first: the snapshots after the first carry allocation sites' })
    .option('name', { type: 'string', describe: 'what the files are named after (default: the script or page)', requiresArg: true })
    .option('timeout', {
      type: 'string',
      default: '10s',
      describe: 'how long to wait for the connection and each reply (not the snapshot)',
      requiresArg: true,
      coerce: parseDuration,
    })
    .conflicts('every', 'on-key')
    .check((args) => {
      const given = ['pid', 'port', 'url'].filter((k) => args[k] !== undefined)
      if (given.length !== 1) throw new Error('say what to capture with one of --pid PID, --port PORT or --url ws://...')
      if (args.target !== undefined && args.port === undefined) throw new Error('--target picks among the targets of --port PORT')
      if (args.count !== undefined && args.every === undefined && args['on-key'] !== true) throw new Error('--count goes with --every or --on-key')
      for (const key of ['pid', 'port'] as const) {
        const v = args[key]
        if (v !== undefined && (!Number.isSafeInteger(v) || v <= 0 || (key === 'port' && v > 65535))) throw new Error(`--${key} takes a whole number; got ${v}`)
      }
      return true
    })
    .example('$0 capture --pid 4242', 'one snapshot of a Node process (opens its inspector with SIGUSR1)')
    .example('$0 capture --pid 4242 --track --every 30s --count 4 -o snaps', 'a baseline, then three snapshots with allocation sites')
    .example('$0 capture --port 9222 --target localhost:8080', 'a Chromium page (chromium --remote-debugging-port=9222)')
}

export type CaptureArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

/** Draws a snapshot's progress (building: percent of objects; writing: bytes of JSON). */
export function snapshotProgress(progress: ProgressReporter): (p: SnapshotProgress) => void {
  let phase = ''
  return (p) => {
    if (p.phase === 'building') {
      const label = `building ${p.total !== null && p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0}%`
      if (label !== phase) {
        phase = label
        progress.phase(label)
      }
    } else {
      if (phase !== 'writing') {
        phase = 'writing'
        progress.phase(phase)
      }
      progress.update({ bytesRead: p.done, totalBytes: null })
    }
  }
}

/**
 * The terminal's side of a snapshot series, the same for capture and record:
 * `next` waits for the triggers (`busy()` says whether a snapshot is under way,
 * which Ctrl-C cancels rather than ends), each file gets a progress line on
 * stderr, and `onSnapshot` hears of each file once it is whole. `done()`
 * clears a progress line a failure left.
 */
export function seriesOnTerminal(ctx: CliContext, triggers: SnapshotTriggers, onSnapshot: (taken: SnapshotFile) => void) {
  let busy = false
  let progress: ProgressReporter | undefined
  let draw: ((p: SnapshotProgress) => void) | undefined
  const done = (): void => {
    progress?.done()
    progress = undefined
  }
  const hooks: Pick<SeriesOptions, 'next' | 'onStart' | 'onProgress' | 'onSnapshot'> = {
    next: async () => {
      busy = false
      busy = await triggers.next()
      return busy
    },
    onStart: (file) => {
      progress = createProgress(ctx.stderr, basename(file), ctx.now)
      draw = snapshotProgress(progress)
    },
    onProgress: (p) => draw?.(p),
    onSnapshot: (taken) => {
      done()
      onSnapshot(taken)
    },
  }
  return { hooks, busy: () => busy, done }
}

export function captureCommand(ctx: CliContext): CommandModule<GlobalArgs, CaptureArgs> {
  return {
    command: 'capture',
    describe: 'Take heap snapshots of a running Node process, browser page or other DevTools target',
    builder,
    async handler(args) {
      const say = (text: string): void => void ctx.stderr.write(`heapscope: ${text}\n`)
      try {
        mkdirSync(args.out, { recursive: true })
      } catch (err) {
        throw new UsageError(`cannot make the output folder ${args.out}: ${(err as Error).message}`)
      }
      const abort = new AbortController()
      let triggers: SnapshotTriggers | undefined
      let series: ReturnType<typeof seriesOnTerminal> | undefined
      // Ctrl-C between snapshots ends the series; during one it cancels it (the partial file is removed).
      const onSigint = (): void => {
        if (triggers === undefined || series === undefined || series.busy()) abort.abort()
        else triggers.end()
      }
      process.on('SIGINT', onSigint)
      const connectOptions = {
        timeoutMs: args.timeout,
        signal: abort.signal,
        ...(args.host === undefined ? {} : { host: args.host }),
      }
      let session: HeapProfilerSession | undefined
      try {
        if (args.pid !== undefined) {
          session = await HeapProfilerSession.connectToNodeProcess(args.pid, {
            ...connectOptions,
            beforeSignal: (info) => {
              const where = info.port === undefined ? 'a free port' : `port ${info.port}`
              if (info.alreadyOpen) say(`process ${info.pid} (${info.name}) has its inspector open on ${where}; connecting`)
              else {
                say(
                  `sending SIGUSR1 to process ${info.pid} (${info.name}): Node opens its inspector on ${where} (127.0.0.1 unless it was started with another --inspect host), and it stays open until the process ends`,
                )
              }
            },
          })
        } else if (args.port !== undefined) {
          session = await HeapProfilerSession.connectToPort(args.port, { ...connectOptions, ...(args.target === undefined ? {} : { target: args.target }) })
        } else {
          session = await HeapProfilerSession.connectToUrl(args.url ?? '', connectOptions)
        }
        const source = args.name === undefined ? session : { name: args.name, pid: session.pid, takeSnapshot: session.takeSnapshot.bind(session) }
        if (args.track) {
          await session.startTracking()
          say('allocation tracking is on: the first snapshot is the baseline, and objects allocated after it carry their allocation site')
        }
        if (args['on-key'] === true) say('Enter takes a snapshot; q or Ctrl-D ends')
        triggers = new SnapshotTriggers({
          immediate: args['on-key'] !== true,
          ...(args.every === undefined ? {} : { everyMs: args.every }),
          ...(args.count !== undefined ? { count: args.count } : args.every === undefined && args['on-key'] !== true ? { count: 1 } : {}),
          ...(args['on-key'] === true ? { keys: process.stdin } : {}),
        })
        series = seriesOnTerminal(ctx, triggers, (taken) => ctx.stdout.write(`${taken.file}\n`))
        const files = await takeSnapshotSeries(source, { dir: args.out, ...series.hooks, signal: abort.signal })
        if (files.length >= 2) say(`compare them: heapscope diff ${files[0].file} ${files[files.length - 1].file}`)
      } catch (err) {
        if (abort.signal.aborted) throw new CancelledError('cancelled (Ctrl-C): the snapshot under way was removed, the files already written are kept')
        throw err
      } finally {
        series?.done()
        triggers?.dispose()
        process.off('SIGINT', onSigint)
        await session?.close()
        if (args['on-key'] === true) process.stdin.pause()
      }
    },
  }
}
