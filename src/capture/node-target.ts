/**
 * The RecordTarget for Node.js programs (`heapscope record -- node app.js`).
 *
 * Node starts with `--inspect-brk=127.0.0.1:0`: the inspector on a free
 * loopback port (Node picks it and prints `Debugger listening on ws://...` on
 * stderr, where we read it), and the program held before its first line until
 * a client says `Runtime.runIfWaitingForDebugger`. Before saying it we switch
 * allocation tracking on, so every object the program allocates has its
 * allocation site. No Debugger domain is enabled, so nothing pauses.
 *
 * A program that ends while a client is attached does not exit: Node prints
 * "Waiting for the debugger to disconnect..." and waits. We ask for
 * `NodeRuntime.waitingForDisconnect` and let go at once, so the program exits
 * as it would have. Node's own notices about the debugger are taken out of
 * the program's stderr; everything else passes through unchanged.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { basename } from 'node:path'
import { CaptureError } from './errors.js'
import { takeHeapSnapshot, type SnapshotFile, type TakeSnapshotOptions } from './heap-profiler.js'
import { DEFAULT_TIMEOUT_MS, InspectorClient } from './inspector.js'
import type { ProgramExit, RecordTarget, RecordTargetKind, RecordTargetOptions } from './record-target.js'
import { processName } from './node-process.js'

/** The lines Node writes to stderr about its inspector, which are ours, not the program's. */
const NODE_NOTICES = [
  /^Debugger listening on ws:\/\/\S+$/,
  /^For help, see: https:\/\/nodejs\.org\/\S*$/,
  /^Debugger attached\.$/,
  /^Debugger ending on ws:\/\/\S+$/,
  /^Waiting for the debugger to disconnect\.\.\.$/,
]
const LISTENING = /^Debugger listening on (ws:\/\/\S+)$/

/** How long a program has to exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 3000

/**
 * Passes a stream of text through to `out`, line by line, without the lines
 * `drop` matches; calls `onLine` with each complete line. A line that is not
 * yet complete is held back only while it could still become a dropped line,
 * so a program's prompt without a newline still shows at once.
 */
export class LineFilter {
  private pending = ''
  /**
   * @param drop lines to leave out
   * @param holdPrefixes how the dropped lines start, so a partial line that may become one is held back
   */
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly drop: readonly RegExp[],
    private readonly holdPrefixes: readonly string[],
    private readonly onLine: (line: string) => void = () => {},
  ) {}

  write(text: string): void {
    let data = this.pending + text
    this.pending = ''
    for (let end = data.indexOf('\n'); end >= 0; end = data.indexOf('\n')) {
      const line = data.slice(0, end).replace(/\r$/, '')
      this.onLine(line)
      if (!this.drop.some((re) => re.test(line))) this.out.write(data.slice(0, end + 1))
      data = data.slice(end + 1)
    }
    if (data === '') return
    // Could the rest still become a dropped line? Then hold it; anything else goes out now.
    if (this.holdPrefixes.some((p) => p.startsWith(data) || data.startsWith(p))) this.pending = data
    else this.out.write(data)
  }

  /** Writes out whatever is held back. */
  flush(): void {
    if (this.pending !== '') this.out.write(this.pending)
    this.pending = ''
  }
}

const NODE_NOTICE_PREFIXES = [
  'Debugger listening on ',
  'For help, see: ',
  'Debugger attached.',
  'Debugger ending on ',
  'Waiting for the debugger to disconnect...',
]

/** Whether a command runs Node: `node`, `nodejs`, `node20`, or this very executable. */
function isNodeCommand(command: readonly string[]): boolean {
  const program = command[0]
  if (program === undefined) return false
  return program === process.execPath || /^node(js)?(\d+(\.\d+)*)?(\.exe)?$/i.test(basename(program))
}

/**
 * A Node.js program started by `heapscope record`.
 *
 * @example
 *   const target = new NodeTarget(['node', 'app.js'], { track: true, stderr: process.stderr })
 *   await target.start()
 *   await target.takeSnapshot('app-4242-001-20250612T101530Z.heapsnapshot.gz')
 *   await target.stop()
 */
export class NodeTarget implements RecordTarget {
  readonly name: string
  readonly exited: Promise<ProgramExit>
  private readonly command: readonly string[]
  private readonly options: RecordTargetOptions
  private child: ChildProcess | undefined
  private client: InspectorClient | undefined
  private exit: ProgramExit | undefined
  private resolveExited: (exit: ProgramExit) => void = () => {}
  /** set when the program has finished and only waits for us to let go */
  private finished = false

  constructor(command: readonly string[], options: RecordTargetOptions) {
    this.command = command
    this.options = options
    this.name = processName(command, 0)
    this.exited = new Promise((resolve) => {
      this.resolveExited = resolve
    })
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  async start(): Promise<void> {
    if (this.child !== undefined) throw new CaptureError('the program was already started')
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const [program, ...args] = this.command
    const shown = this.command.join(' ')
    const child = spawn(program, ['--inspect-brk=127.0.0.1:0', ...args], {
      stdio: [this.options.stdin ?? 'inherit', 'inherit', 'pipe'],
      env: this.options.env ?? process.env,
      ...(this.options.cwd === undefined ? {} : { cwd: this.options.cwd }),
    })
    this.child = child
    const spawnFailed = new Promise<never>((_resolve, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ENOENT' ? 'not found' : err.message
        this.noteExit({ code: null, signal: null })
        reject(new CaptureError(`cannot start ${program}: ${why}`, { cause: err }))
      })
    })
    spawnFailed.catch(() => {})
    child.once('exit', (code, signal) => this.noteExit({ code, signal }))

    let onUrl: (url: string) => void = () => {}
    const listening = new Promise<string>((resolve) => {
      onUrl = resolve
    })
    const filter = new LineFilter(this.options.stderr, NODE_NOTICES, NODE_NOTICE_PREFIXES, (line) => {
      const m = LISTENING.exec(line)
      if (m !== null) onUrl(m[1])
    })
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (text: string) => filter.write(text))
    child.stderr?.on('end', () => filter.flush())

    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new CaptureError(`${shown} did not open its inspector within ${timeoutMs / 1000} s`)), timeoutMs)
    })
    const endedEarly = this.exited.then((exit) => {
      throw new CaptureError(`${shown} ended (${describeExit(exit)}) before heapscope could connect to it`)
    })
    try {
      const url = await Promise.race([listening, spawnFailed, timedOut, endedEarly])
      const client = await Promise.race([InspectorClient.connect(url, { timeoutMs }), endedEarly])
      this.client = client
      await client.send('HeapProfiler.enable')
      if (this.options.track !== false) await client.send('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true })
      // Node 12+; without it, a finished program would wait for us until stop().
      await client.send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: true }).catch(() => {})
      client.on('NodeRuntime.waitingForDisconnect', () => {
        this.finished = true
        void client.close()
      })
      await client.send('Runtime.runIfWaitingForDebugger')
    } catch (err) {
      await this.stop()
      throw err
    } finally {
      clearTimeout(timer)
    }
  }

  async takeSnapshot(file: string, options: TakeSnapshotOptions = {}): Promise<SnapshotFile> {
    const client = this.client
    if (client === undefined) throw new CaptureError('the program was not started')
    if (this.exit !== undefined || this.finished || !client.isOpen) {
      throw new CaptureError(`${this.command.join(' ')} has ended${this.exit === undefined ? '' : ` (${describeExit(this.exit)})`}: no more snapshots`)
    }
    try {
      return await takeHeapSnapshot(client, file, options)
    } catch (err) {
      // The connection closed because the program ended: say that.
      if (this.exit !== undefined || this.finished) {
        const exit = this.exit ?? (await Promise.race([this.exited, new Promise<undefined>((r) => setTimeout(r, 200, undefined))]))
        throw new CaptureError(`${this.command.join(' ')} ended${exit === undefined ? '' : ` (${describeExit(exit)})`} during the snapshot ${file}`, {
          cause: err,
        })
      }
      throw err
    }
  }

  async stop(): Promise<void> {
    if (this.client !== undefined) await this.client.close()
    await stopChild(this.child, () => this.exit !== undefined, this.exited)
  }

  private noteExit(exit: ProgramExit): void {
    if (this.exit !== undefined) return
    this.exit = exit
    this.resolveExited(exit)
  }
}

/**
 * Stops a program a record target started: SIGTERM, then SIGKILL if it has
 * not ended within STOP_GRACE_MS; resolves once it has ended (`exited`).
 */
export async function stopChild(child: ChildProcess | undefined, hasEnded: () => boolean, exited: Promise<unknown>): Promise<void> {
  if (child === undefined || child.pid === undefined || hasEnded()) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => {
    if (!hasEnded()) child.kill('SIGKILL')
  }, STOP_GRACE_MS)
  await exited
  clearTimeout(timer)
}

/**
 * How a program ended, as a message says it: "exit code 1", "killed by SIGKILL".
 *
 * @example
 *   describeExit({ code: null, signal: 'SIGKILL' }) // 'killed by SIGKILL'
 */
export function describeExit(exit: ProgramExit): string {
  if (exit.signal !== null) return `killed by ${exit.signal}`
  return exit.code === null ? 'could not start' : `exit code ${exit.code}`
}

/** Node.js programs, for recordTargetFor. */
export const nodeTargetKind: RecordTargetKind = {
  runtime: 'Node.js',
  matches: isNodeCommand,
  create: (command, options) => new NodeTarget(command, options),
}
