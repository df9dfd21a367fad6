/**
 * `heapscope record -- <program>`: the program heapscope starts and takes
 * snapshots of. What record does with it — when to snapshot (Enter, an
 * interval, a signal), how files are named, the diff at the end — knows
 * nothing of the kind of program; what starts the program and collects a
 * snapshot from it is a RecordTarget:
 *
 *   start()              start the program with its snapshot machinery on,
 *                        and allocation tracking from its first line
 *   takeSnapshot(file)   write one whole snapshot to `file` (gzip, through
 *                        SnapshotFileWriter: `file.partial`, renamed when
 *                        whole, removed on failure)
 *   exited               settles when the program ends, by itself or stopped
 *   stop()               end the program if it still runs; release all
 *
 * NodeTarget (node-target.ts) does it over the inspector: `node
 * --inspect-brk=127.0.0.1:0`, allocation tracking switched on before the first
 * line runs, `HeapProfiler.takeHeapSnapshot` per snapshot. Another runtime is
 * one more implementation, chosen by `recordTargetFor` from the command:
 * PythonTarget (python-target.ts) starts `python3` with heapscope's snapshot
 * module loaded, asks for each snapshot by a signal and streams what the
 * program sends on a pipe through writeSnapshotStream (snapshot-file.ts),
 * which gzips, names and cleans up exactly as for Node. To add a runtime:
 * implement RecordTarget, export a RecordTargetKind (`matches` by the
 * program's name, `create`), and list it in recordTargetKinds below; the
 * record command needs no change.
 */
import { basename } from 'node:path'
import { CaptureError } from './errors.js'
import type { SnapshotFile, TakeSnapshotOptions } from './heap-profiler.js'
import { nodeTargetKind } from './node-target.js'
import { pythonTargetKind } from './python-target.js'

/** How a recorded program ended. */
export interface ProgramExit {
  /** the exit code, or null when a signal ended it */
  code: number | null
  signal: NodeJS.Signals | null
}

/** A program `heapscope record` runs and takes snapshots of. See the header of this file. */
export interface RecordTarget {
  /** what the files are named after: the script's base name (`app` for `node app.js`) */
  readonly name: string
  /** the program's pid, once started (file names carry it) */
  readonly pid: number | undefined
  /** how it is started, for the user: 'with its inspector on a free loopback port' (the default when absent) */
  readonly startNote?: string
  /** Starts the program; resolves once it runs with snapshots possible, rejects (CaptureError) if it cannot start. */
  start(): Promise<void>
  /** Writes one whole snapshot to `file` (gzip), or rejects with a CaptureError having removed the partial file. */
  takeSnapshot(file: string, options?: TakeSnapshotOptions): Promise<SnapshotFile>
  /** Settles when the program has ended (never rejects). */
  readonly exited: Promise<ProgramExit>
  /** Ends the program if it still runs (politely, then not) and releases connections. Safe to call more than once. */
  stop(): Promise<void>
}

/** What every target is given. */
export interface RecordTargetOptions {
  /** start allocation tracking with the program (default true) */
  track?: boolean
  /** milliseconds for start-up and for each protocol reply (not the snapshots) */
  timeoutMs?: number
  /** where the program's stderr goes (the CLI passes its own stderr; the target may take its runtime's notices out) */
  stderr: NodeJS.WritableStream
  /** the program's stdin: 'inherit', or 'ignore' when heapscope reads the keys */
  stdin?: 'inherit' | 'ignore'
  /** the program's environment (process.env by default) */
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** One kind of program record can run: which commands it takes, and how to make its target. */
export interface RecordTargetKind {
  /** for messages: 'Node.js' */
  readonly runtime: string
  /** whether this kind runs `command` (usually by the program's base name: node, python3) */
  matches(command: readonly string[]): boolean
  create(command: readonly string[], options: RecordTargetOptions): RecordTarget
}

/**
 * The kinds of program record knows, tried in order: a plain list. To add
 * one, implement RecordTarget and add its kind here (see the header of this
 * file).
 *
 * @example
 *   recordTargetKinds.map((k) => k.runtime) // ['Node.js', 'Python']
 */
export const recordTargetKinds: readonly RecordTargetKind[] = [nodeTargetKind, pythonTargetKind]

/**
 * The target that runs `command`: the first registered kind that takes it.
 *
 * @example
 *   const target = recordTargetFor(['node', 'app.js'], { track: true, stderr: process.stderr })
 *   await target.start(); await target.takeSnapshot('app-1-001-....heapsnapshot.gz'); await target.stop()
 */
export function recordTargetFor(command: readonly string[], options: RecordTargetOptions): RecordTarget {
  if (command.length === 0) throw new CaptureError('say which program to record after --, e.g. heapscope record -- node app.js')
  const kind = recordTargetKinds.find((k) => k.matches(command))
  if (kind === undefined) {
    const runtimes = recordTargetKinds.map((k) => k.runtime).join(', ')
    throw new CaptureError(
      `heapscope record does not know how to take snapshots of ${basename(command[0])}: it runs ${runtimes} programs, e.g. heapscope record -- node app.js`,
    )
  }
  return kind.create(command, options)
}
