/**
 * Writing a report to stdout: text chunks from the renderers, gathered into
 * batches of ~64 KiB and written one batch at a time, each awaited (its
 * write callback) before the next is made. So a report of any size — every
 * object of a 600 MB snapshot as JSON is gigabytes — goes out at the speed
 * the reader takes it (a pipe, a file, a slow terminal), with memory for one
 * batch: the renderers produce rows only as fast as they are written.
 *
 * A reader that closes the pipe early (`| head`) ends the output quietly;
 * any other write error (a full disk) is an OutputError, exit code 74.
 *
 * Files named with `-o` are written beside their place and renamed into it
 * (writeFileAtomically), and never over an input (checkNotAnInput).
 */
import { randomBytes } from 'node:crypto'
import { fstatSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { UsageError } from '../index.js'
import { jsonChunks, type JsonDocument } from '../report/json.js'
import type { CliContext, OutputStream } from './context.js'
import { OutputError } from './exit.js'

/** Text gathered before one write: large enough that a write costs little, small enough to hold. */
const BATCH_CHARS = 64 * 1024

/** A Node Writable as far as this file uses it. */
interface Writable extends OutputStream {
  write(text: string, callback?: (err?: Error | null) => void): boolean
  on(event: 'error', listener: (err: Error) => void): unknown
  off(event: 'error', listener: (err: Error) => void): unknown
}

function isWritable(stream: OutputStream): stream is Writable {
  return typeof (stream as Partial<Writable>).on === 'function' && typeof (stream as Partial<Writable>).off === 'function'
}

/** Streams whose reader has gone (EPIPE): later output to them is dropped, as the first was. */
const closedByReader = new WeakSet<OutputStream>()

function isClosedPipe(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED'
}

/** Writes one batch; resolves when the stream has taken it (a Writable's callback), rejects with its error. */
function writeBatch(stream: OutputStream, text: string): Promise<void> | undefined {
  if (!isWritable(stream)) {
    stream.write(text)
    return undefined
  }
  return new Promise((resolve, reject) => {
    stream.write(text, (err) => {
      if (err) reject(err)
      else resolve()
    })
  })
}

/** A failed write also emits 'error' (after its callback): the callback reports it, so the event must not go uncaught. */
function ignoreErrorEvent(): void {}

/**
 * Writes `chunks` to `stream` in batches, each awaited before the next is
 * pulled, so the producer runs only as fast as the stream drains.
 *
 * @example
 *   await writeChunks(ctx.stdout, jsonChunks(document))
 */
export async function writeChunks(stream: OutputStream, chunks: Iterable<string>): Promise<void> {
  if (closedByReader.has(stream)) return
  const writable = isWritable(stream)
  if (writable) stream.on('error', ignoreErrorEvent)
  try {
    let batch = ''
    for (const chunk of chunks) {
      batch += chunk
      if (batch.length >= BATCH_CHARS) {
        await writeBatch(stream, batch)
        batch = ''
      }
    }
    if (batch !== '') await writeBatch(stream, batch)
  } catch (err) {
    if (err instanceof Error && isClosedPipe(err)) {
      closedByReader.add(stream)
      return
    }
    const reason = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err)
    throw new OutputError(`cannot write the report to stdout (${reason})`, { cause: err })
  } finally {
    // The event comes on a later tick than the callback.
    if (writable) setImmediate(() => stream.off('error', ignoreErrorEvent))
  }
}

/** Writes text to stdout (see writeChunks). */
export function writeText(ctx: CliContext, text: string): Promise<void> {
  return writeChunks(ctx.stdout, [text])
}

/**
 * Writes a `--json` document to stdout, streamed (see report/json.ts), with
 * heapscope's version after `schemaVersion` and `command`.
 *
 * @example
 *   await writeJson(ctx, { schemaVersion: JSON_SCHEMA_VERSION, command: 'top', objects: jsonRows(rows()) })
 */
export function writeJson(ctx: CliContext, document: JsonDocument): Promise<void> {
  const { schemaVersion, command, ...fields } = document
  return writeChunks(ctx.stdout, jsonChunks({ schemaVersion, command, heapscopeVersion: ctx.version, ...fields }))
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

/**
 * Refuses an output file that is one of the inputs: the same device and
 * inode, whatever the name (`./a`, a hard link, a symbolic link; `-` is
 * stdin, compared when it is a file). Call it before the long work, and
 * again just before writing.
 *
 * @example
 *   checkNotAnInput(args.o, [args.file]) // UsageError when -o names the snapshot
 */
export function checkNotAnInput(output: string, inputs: readonly string[]): void {
  const out = statOrUndefined(output)
  if (out === undefined) return // not there yet: it cannot be an input
  for (const input of inputs) {
    let st: Stats | undefined
    if (input === '-') {
      try {
        st = fstatSync(0)
      } catch {
        st = undefined
      }
    } else st = statOrUndefined(input)
    if (st !== undefined && st.dev === out.dev && st.ino === out.ino) {
      const what = input === '-' ? 'the snapshot read from stdin' : input === output ? 'the input snapshot' : `the input snapshot ${input}`
      throw new UsageError(`${output}: that is ${what}; -o needs another file (the input is never written)`)
    }
  }
}

/**
 * Writes `text` to `path` so that the file is never seen half-written: into
 * a temporary file beside it, then renamed over it (a failed write removes
 * the temporary file and leaves `path` as it was). A file that is replaced
 * keeps its permissions. A path that is no regular file (/dev/stdout, a
 * FIFO) is written directly: renaming over it would replace the device.
 *
 * @example
 *   writeFileAtomically('retainers.gexf', writeGraph(graph, 'gexf'))
 */
export function writeFileAtomically(path: string, text: string): void {
  const existing = statOrUndefined(path)
  if (existing !== undefined && !existing.isFile()) {
    writeFileSync(path, text)
    return
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  try {
    writeFileSync(temporary, text, { flag: 'wx', mode: existing === undefined ? 0o666 : existing.mode & 0o7777 })
    renameSync(temporary, path)
  } catch (err) {
    rmSync(temporary, { force: true })
    throw err
  }
}
