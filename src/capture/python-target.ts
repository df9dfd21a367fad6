/**
 * The RecordTarget for Python programs (`heapscope record -- python3 app.py`).
 *
 * CPython has no inspector, so heapscope brings its own snapshot writer,
 * python/heapscope_snapshot.py, into the program: Python starts with
 * heapscope's python/record/ folder first on PYTHONPATH, whose sitecustomize
 * (imported by `site` before the program's first line) starts tracemalloc
 * (allocation sites, 1 frame unless PYTHONTRACEMALLOC asks for more), installs
 * a SIGUSR1 handler that writes a snapshot, imports whatever sitecustomize it
 * hides, and takes heapscope's variables back out of the environment (the
 * programs it starts are not recorded). The snapshots come back through a
 * pipe on the program's fd 3, framed (see `_record` in the module):
 *
 *   ready <pid> | begin | chunk <n> + n bytes | end <nodes> <edges> <s> | error <message>
 *
 * and go through writeSnapshotStream into the gzip file, as the inspector's
 * chunks do for Node. The snapshot is written by the signal handler on the
 * program's main thread, which is held meanwhile (as V8 holds JavaScript); a
 * program blocked in C code answers when it returns to Python.
 *
 * `python3 -S` (no site), `-I` and `-E` (PYTHONPATH ignored) would skip the
 * hook: such commands are refused, saying why.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { basename, delimiter, join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { CaptureError } from './errors.js'
import type { SnapshotFile, TakeSnapshotOptions } from './heap-profiler.js'
import { DEFAULT_TIMEOUT_MS } from './inspector.js'
import { describeExit, stopChild } from './node-target.js'
import type { ProgramExit, RecordTarget, RecordTargetKind, RecordTargetOptions } from './record-target.js'
import { writeSnapshotStream } from './snapshot-file.js'

/** The signal that asks the program for a snapshot. */
const SNAPSHOT_SIGNAL = 'SIGUSR1'
/** The program's file descriptor the snapshots come through. */
const SNAPSHOT_FD = 3
/** tracemalloc's frames per allocation: the site is the innermost; each frame more slows every allocation and the snapshot. */
const TRACE_FRAMES = 1

/**
 * heapscope's python/ folder (heapscope_snapshot.py, record/sitecustomize.py):
 * beside dist/ in the package, found from this module (dist/src/capture) or
 * from the bundle (dist/heapscope.js).
 */
export function pythonModuleDir(): string {
  for (const up of ['../../../python', '../python']) {
    const dir = fileURLToPath(new URL(up, import.meta.url))
    if (existsSync(join(dir, 'heapscope_snapshot.py'))) return dir
  }
  throw new CaptureError("heapscope's python/heapscope_snapshot.py is missing from this installation")
}

/** Whether a command runs CPython: `python`, `python3`, `python3.11`. */
function isPythonCommand(command: readonly string[]): boolean {
  const program = command[0]
  return program !== undefined && /^python(\d+(\.\d+)*)?(\.exe)?$/i.test(basename(program))
}

/** Python options that take a value (`-X dev`, `-W error`). */
const OPTIONS_WITH_VALUE = new Set(['-X', '-W', '--check-hash-based-pycs'])

/** What the command line says: the name of the files, and the option that would keep the hook from loading. */
export function parsePythonCommand(command: readonly string[]): { name: string; blocking: string | undefined } {
  let blocking: string | undefined
  for (let i = 1; i < command.length; i++) {
    const arg = command[i]
    if (arg === '-m' || arg === '-c') {
      const name = arg === '-c' ? 'python' : (command[i + 1] ?? 'python').split('.').pop() || 'python'
      return { name, blocking }
    }
    if (arg === '-' || !arg.startsWith('-')) return { name: basename(arg).replace(/\.pyw?$/, '') || 'python', blocking }
    if (arg === '--') {
      const script = command[i + 1]
      return { name: script === undefined ? 'python' : basename(script).replace(/\.pyw?$/, ''), blocking }
    }
    if (OPTIONS_WITH_VALUE.has(arg)) {
      i++
      continue
    }
    // one-letter flags, alone or together (-SE, -bb); -Xdev and -Werror carry their value
    if (/^-[^-]/.test(arg) && !/^-[XW]/.test(arg)) {
      const m = /[SIE]/.exec(arg.slice(1))
      if (m !== null && blocking === undefined) blocking = `-${m[0]}`
    }
  }
  return { name: 'python', blocking }
}

const WHY_BLOCKED: Record<string, string> = {
  '-S': 'skips the site module',
  '-I': 'ignores PYTHONPATH (isolated mode)',
  '-E': 'ignores PYTHON* environment variables',
}

/**
 * Reads the program's framed messages: lines, and the bytes of a chunk. One
 * reader at a time (the target's snapshots are taken one after the other).
 */
class FrameReader {
  private buffered: Buffer = Buffer.alloc(0)
  private readonly chunks: AsyncIterator<Buffer>
  private ended = false

  constructor(stream: Readable) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false
    const next = await this.chunks.next()
    if (next.done === true) {
      this.ended = true
      return false
    }
    this.buffered = this.buffered.length === 0 ? next.value : Buffer.concat([this.buffered, next.value])
    return true
  }

  /** The next line without its newline, or null at the end of the stream. */
  async line(): Promise<string | null> {
    for (;;) {
      const end = this.buffered.indexOf(10)
      if (end >= 0) {
        const text = this.buffered.subarray(0, end).toString('utf8')
        this.buffered = this.buffered.subarray(end + 1)
        return text
      }
      if (this.buffered.length > 1 << 16) throw new CaptureError('the Python program sent a line of more than 64 KiB: not heapscope_snapshot talking')
      if (!(await this.more())) return null
    }
  }

  /** The next n bytes, as they arrive; throws if the stream ends first. */
  async *bytes(n: number): AsyncGenerator<Buffer> {
    let left = n
    while (left > 0) {
      if (this.buffered.length === 0 && !(await this.more())) throw new CaptureError('the Python program stopped in the middle of a snapshot')
      const piece = this.buffered.subarray(0, Math.min(left, this.buffered.length))
      this.buffered = this.buffered.subarray(piece.length)
      left -= piece.length
      yield piece
    }
  }
}

const CHUNK = /^chunk (\d+)$/

/**
 * A Python program started by `heapscope record`.
 *
 * @example
 *   const target = new PythonTarget(['python3', 'app.py'], { track: true, stderr: process.stderr })
 *   await target.start()
 *   await target.takeSnapshot('app-4242-001-20250612T101530Z.heapsnapshot.gz')
 *   await target.stop()
 */
export class PythonTarget implements RecordTarget {
  readonly name: string
  readonly exited: Promise<ProgramExit>
  readonly startNote = 'with heapscope_snapshot loaded (sitecustomize)'
  private readonly command: readonly string[]
  private readonly options: RecordTargetOptions
  private child: ChildProcess | undefined
  private reader: FrameReader | undefined
  private exit: ProgramExit | undefined
  private resolveExited: (exit: ProgramExit) => void = () => {}
  /** what is left of an exchange a snapshot gave up on (cancelled, timed out): read before the next one */
  private leftover: Promise<void> = Promise.resolve()

  constructor(command: readonly string[], options: RecordTargetOptions) {
    this.command = command
    this.options = options
    this.name = parsePythonCommand(command).name
    this.exited = new Promise((resolve) => {
      this.resolveExited = resolve
    })
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  private get shown(): string {
    return this.command.join(' ')
  }

  async start(): Promise<void> {
    if (this.child !== undefined) throw new CaptureError('the program was already started')
    const { blocking } = parsePythonCommand(this.command)
    if (blocking !== undefined) {
      throw new CaptureError(
        `${this.command[0]} ${blocking} ${WHY_BLOCKED[blocking]}, which record needs to load its snapshot module (through PYTHONPATH and sitecustomize): run it without ${blocking}, or call heapscope_snapshot.write() from the program`,
      )
    }
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const dir = pythonModuleDir()
    const env = { ...(this.options.env ?? process.env) }
    const original = env.PYTHONPATH
    if (original !== undefined) env.HEAPSCOPE_PYTHONPATH = original
    env.PYTHONPATH = [join(dir, 'record'), dir, ...(original === undefined || original === '' ? [] : [original])].join(delimiter)
    const trace = this.options.track === false ? 0 : TRACE_FRAMES
    env.HEAPSCOPE_RECORD = `fd=${SNAPSHOT_FD},signal=${SNAPSHOT_SIGNAL},trace=${trace}`
    const [program, ...args] = this.command
    const child = spawn(program, args, {
      stdio: [this.options.stdin ?? 'inherit', 'inherit', 'pipe', 'pipe'],
      env,
      ...(this.options.cwd === undefined ? {} : { cwd: this.options.cwd }),
    })
    this.child = child
    const spawnFailed = new Promise<never>((_resolve, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        this.noteExit({ code: null, signal: null })
        reject(new CaptureError(`cannot start ${program}: ${err.code === 'ENOENT' ? 'not found' : err.message}`, { cause: err }))
      })
    })
    spawnFailed.catch(() => {})
    child.once('exit', (code, signal) => this.noteExit({ code, signal }))
    child.stderr?.on('data', (chunk: Buffer) => this.options.stderr.write(chunk))
    const reader = new FrameReader(child.stdio[SNAPSHOT_FD] as Readable)
    this.reader = reader

    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new CaptureError(`${this.shown} did not load heapscope's snapshot module within ${timeoutMs / 1000} s (does it replace sitecustomize?)`)),
        timeoutMs,
      )
    })
    try {
      const first = await Promise.race([reader.line(), spawnFailed, timedOut])
      if (first === null || !first.startsWith('ready ')) {
        const exit = await Promise.race([this.exited, new Promise<undefined>((r) => setTimeout(r, 1000, undefined))])
        throw new CaptureError(
          first === null
            ? `${this.shown} ended${exit === undefined ? '' : ` (${describeExit(exit)})`} before heapscope's snapshot module was loaded`
            : `${this.shown} sent ${JSON.stringify(first.slice(0, 80))} where heapscope_snapshot says ready`,
        )
      }
    } catch (err) {
      await this.stop()
      throw err
    } finally {
      clearTimeout(timer)
    }
  }

  async takeSnapshot(file: string, options: TakeSnapshotOptions = {}): Promise<SnapshotFile> {
    const child = this.child
    const reader = this.reader
    if (child === undefined || reader === undefined) throw new CaptureError('the program was not started')
    await this.leftover
    if (this.exit !== undefined) throw new CaptureError(`${this.shown} has ended (${describeExit(this.exit)}): no more snapshots`)
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const ended = async (): Promise<never> => {
      const exit = this.exit ?? (await Promise.race([this.exited, new Promise<undefined>((r) => setTimeout(r, 1000, undefined))]))
      throw new CaptureError(`${this.shown} ended${exit === undefined ? '' : ` (${describeExit(exit)})`} during the snapshot ${file}`)
    }
    child.kill(SNAPSHOT_SIGNAL)
    // The handler runs between two bytecodes of the main thread: soon, unless it is inside C code.
    const answer = reader.line()
    let timer: NodeJS.Timeout | undefined
    const first = await Promise.race([
      answer,
      new Promise<'timeout'>((r) => {
        timer = setTimeout(r, timeoutMs, 'timeout')
      }),
    ])
    clearTimeout(timer)
    if (first === 'timeout') {
      // A late answer is read and dropped before the next snapshot.
      this.leftover = answer.then((line) => (line === 'begin' ? this.skipSnapshot(reader) : undefined)).catch(() => {})
      throw new CaptureError(
        `${this.shown} did not start a snapshot within ${timeoutMs / 1000} s of ${SNAPSHOT_SIGNAL}: its main thread is busy in C code, or the program handles ${SNAPSHOT_SIGNAL} itself`,
      )
    }
    if (first === null) return ended()
    if (first.startsWith('error ')) throw new CaptureError(`${this.shown} could not write a snapshot: ${first.slice(6)}`)
    if (first !== 'begin') throw new CaptureError(`${this.shown} sent ${JSON.stringify(first.slice(0, 80))} where heapscope_snapshot begins a snapshot`)

    let whole = false
    const self = this
    const frames: FrameReader = reader
    async function* body(): AsyncGenerator<Buffer> {
      try {
        for (;;) {
          const line = await frames.line()
          if (line === null) return await ended()
          const m = CHUNK.exec(line)
          if (m !== null) yield* frames.bytes(Number(m[1]))
          else if (line.startsWith('end ')) {
            whole = true
            return
          } else if (line.startsWith('error ')) {
            whole = true
            throw new CaptureError(`${self.shown} could not finish the snapshot: ${line.slice(6)}`)
          } else throw new CaptureError(`${self.shown} sent ${JSON.stringify(line.slice(0, 80))} in the middle of a snapshot`)
        }
      } finally {
        // Given up before the end (cancelled, the disk full): the rest is read and dropped.
        if (!whole) self.leftover = self.skipSnapshot(frames).catch(() => {})
      }
    }
    const jsonBytes = await writeSnapshotStream(body(), file, {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onBytes: (done) => options.onProgress?.({ phase: 'writing', done, total: null }),
    })
    return { file, jsonBytes }
  }

  /** Reads and drops the rest of a snapshot, up to its end or error line. */
  private async skipSnapshot(reader: FrameReader): Promise<void> {
    for (;;) {
      const line = await reader.line()
      if (line === null || line.startsWith('end ') || line.startsWith('error ')) return
      const m = CHUNK.exec(line)
      if (m !== null) for await (const _ of reader.bytes(Number(m[1])));
    }
  }

  async stop(): Promise<void> {
    await stopChild(this.child, () => this.exit !== undefined, this.exited)
  }

  private noteExit(exit: ProgramExit): void {
    if (this.exit !== undefined) return
    this.exit = exit
    this.resolveExited(exit)
  }
}

/** CPython programs, for recordTargetFor. */
export const pythonTargetKind: RecordTargetKind = {
  runtime: 'Python',
  matches: isPythonCommand,
  create: (command, options) => new PythonTarget(command, options),
}
