/**
 * Opening a snapshot: a file path (plain or gzip, told apart by the gzip
 * magic bytes, never by the name) or '-' for stdin, streamed in chunks into
 * the parser (parse.ts). The input is only ever opened for reading.
 *
 * A regular file is read at positions (chunks.ts), so that a helper thread
 * can read its second half; anything else — stdin, a named pipe, a device,
 * a file whose size the system does not know (/proc) — is read as a stream.
 * Every read error, the first chunk's included, becomes one InputError that
 * names the file.
 */
import { createReadStream, fstat, promises as fsp } from 'node:fs'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { createGunzip } from 'node:zlib'
import { readChunks } from './chunks.js'
import type { ByteSource } from './cursor.js'
import { GzipError, HeapscopeError, InputError, UsageError } from './errors.js'
import { MAX_GZIP_RATIO, parseSnapshot } from './parse.js'
import { REST_HELPER_MIN_BYTES, RestHelper } from './rest.js'
import type { Snapshot } from './snapshot.js'

/** How far reading has got. `totalBytes` is null when the size is unknown (stdin). */
export interface ProgressInfo {
  /** bytes of the input read so far (compressed bytes for a .gz) */
  bytesRead: number
  totalBytes: number | null
}

export interface OpenOptions {
  /** Called after each chunk; cheap to ignore. If it throws, the parse stops and rejects with what it threw. */
  onProgress?: (progress: ProgressInfo) => void
  /** Aborts reading between chunks; the promise rejects with the signal's reason. */
  signal?: AbortSignal
  /** Read size in bytes, a whole number from 1 to 1 GiB (default 1 MiB); tests use odd sizes to split tokens. */
  chunkSize?: number
  /**
   * Read the second half of the file (from part-way through the edges
   * array) on a helper thread. Default: for plain files of
   * REST_HELPER_MIN_BYTES or more; true forces it for any plain file (tests);
   * gzip is always read as one stream. The model is the same either way.
   */
  helperThread?: boolean
}

const GZIP_MAGIC_0 = 0x1f
const GZIP_MAGIC_1 = 0x8b

function hasGzipMagic(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1
}
const DEFAULT_CHUNK = 1 << 20
const MAX_CHUNK = 1 << 30

const OPEN_OPTION_KEYS = new Set(['onProgress', 'signal', 'chunkSize', 'helperThread'])

function checkOptions(options: OpenOptions, caller: string): void {
  for (const key of Object.keys(options)) {
    if (!OPEN_OPTION_KEYS.has(key)) throw new UsageError(`${caller}: unknown option "${key}"`)
  }
  const size = options.chunkSize
  if (size !== undefined && !(Number.isInteger(size) && size >= 1 && size <= MAX_CHUNK)) {
    throw new UsageError(`${caller}: chunkSize must be a whole number of bytes from 1 to ${MAX_CHUNK}, not ${String(size)}`)
  }
}

/** A file-system error as the input's: one line naming the file and why. */
function describeFsError(file: string, err: NodeJS.ErrnoException): InputError {
  switch (err.code) {
    case 'ENOENT':
      return new InputError(file, 'no such file')
    case 'EISDIR':
      return new InputError(file, 'is a directory, not a heap snapshot file')
    case 'EACCES':
    case 'EPERM':
      return new InputError(file, 'permission denied')
    default: {
      // Node's message, less the call and the path it names ("EIO: i/o error, read").
      const why = err.message.replace(/, \w+( '.*')?$/, '')
      return new InputError(file, `cannot read it (${err.code !== undefined && !why.startsWith(err.code) ? `${err.code}: ${why}` : why})`)
    }
  }
}

/** Where a source reports its progress, and asks whether to stop (throwing the reason). */
interface Reporting {
  report(progress: ProgressInfo): void
  check(): void
}

/**
 * The caller's side of one parse: progress goes to its onProgress, and its
 * signal or a throwing onProgress (from either thread's progress) stops the
 * parse with that reason, checked at each chunk and once more at the end.
 */
class Caller implements Reporting {
  private readonly controller = new AbortController()
  private readonly forward = (): void => this.controller.abort(this.options.signal?.reason)

  constructor(private readonly options: OpenOptions) {
    if (options.signal?.aborted === true) this.forward()
    else options.signal?.addEventListener('abort', this.forward, { once: true })
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  report(progress: ProgressInfo): void {
    if (this.signal.aborted) return
    try {
      this.options.onProgress?.(progress)
    } catch (e) {
      this.controller.abort(e)
    }
  }

  /** Throws the reason the parse stopped, if it did. */
  check(): void {
    this.signal.throwIfAborted()
  }

  /** Parses with `parse`, then lets go of the caller's signal. */
  async run(parse: () => Promise<Snapshot>): Promise<Snapshot> {
    try {
      this.check()
      const s = await parse()
      // An abort during the last chunk's progress, or after the last read (a gzip stream inflates on).
      this.check()
      return s
    } finally {
      this.options.signal?.removeEventListener('abort', this.forward)
    }
  }
}

/**
 * Turns a stream of raw bytes into a ByteSource: peeks at the first bytes,
 * and if they are the gzip magic, inflates on the fly. `gzipSize`, for a
 * regular gzip file, is the size its trailer gives.
 */
function makeSource(file: string, raw: AsyncIterable<Uint8Array>, rawSize: number | null, caller: Reporting, gzipSize: number | null = null): ByteSource {
  let bytesRead = 0
  // Counts raw bytes for progress as they are consumed.
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of raw) {
      caller.check()
      bytesRead += chunk.length
      yield chunk
    }
  }
  let iterator: AsyncIterator<Uint8Array> | null = null
  let gzip = false
  /** The first chunk tells plain from gzip; the iterator that yields the decompressed bytes. */
  async function start(): Promise<AsyncIterator<Uint8Array>> {
    const rawIterator = counted()
    const first = await rawIterator.next()
    const head: Uint8Array = first.done === true ? new Uint8Array(0) : first.value
    gzip = hasGzipMagic(head)
    if (!gzip) {
      let pending: Uint8Array | null = first.done === true ? null : head
      return {
        next: async () => {
          if (pending === null) return rawIterator.next()
          const value = pending
          pending = null
          return { done: false, value }
        },
      }
    }
    source.sizeBound = rawSize === null ? null : rawSize * MAX_GZIP_RATIO
    source.sizeExact = false
    source.sizeHint = gzipSize
    // Copies: zlib holds on to what it was given, and a file's chunk buffers are reused.
    async function* all(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(head)
      for (;;) {
        const r = await rawIterator.next()
        if (r.done) return
        yield Buffer.from(r.value)
      }
    }
    const compressed = Readable.from(all())
    const inflated = createGunzip({ chunkSize: DEFAULT_CHUNK })
    // pipe() does not pass errors on: a failed read or an abort while
    // inflating must reach our iterator, not become an uncaught 'error'.
    compressed.on('error', (err) => inflated.destroy(err))
    compressed.pipe(inflated)
    return inflated[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>
  }
  const source: ByteSource = {
    sizeBound: rawSize,
    sizeExact: rawSize !== null,
    async next(): Promise<Uint8Array | null> {
      caller.check()
      let r: IteratorResult<Uint8Array>
      try {
        iterator ??= await start()
        r = await iterator.next()
      } catch (err) {
        if (err instanceof HeapscopeError) throw err
        caller.check()
        const e = err as NodeJS.ErrnoException
        if (gzip && (e.code?.startsWith('Z_') || /unexpected end of file|incorrect header|invalid/i.test(e.message))) {
          throw new GzipError(file, e.message)
        }
        throw describeFsError(file, e)
      }
      caller.report({ bytesRead, totalBytes: rawSize })
      caller.check()
      return r.done ? null : r.value
    },
  }
  return source
}

/**
 * Reads and parses a heap snapshot file (plain or gzipped), or stdin for '-'.
 * Throws InputError, SnapshotFormatError or GzipError with the file name and
 * what was wrong; the file is never written.
 *
 * @example
 *   const s = await openSnapshot('before.heapsnapshot.gz', { onProgress: (p) => draw(p) })
 *   console.log(s.nodeCount, s.edgeCount)
 */
export async function openSnapshot(path: string, options: OpenOptions = {}): Promise<Snapshot> {
  checkOptions(options, 'openSnapshot')
  const caller = new Caller(options)
  if (path === '-') return caller.run(() => parseStdin(caller))
  let size: number
  let regular: boolean
  try {
    const st = await fsp.stat(path)
    if (st.isDirectory()) throw new InputError(path, 'is a directory, not a heap snapshot file')
    // A file the system gives no size for (/proc) is read as a stream, as a pipe is.
    regular = st.isFile() && st.size > 0
    size = st.size
  } catch (err) {
    if (err instanceof HeapscopeError) throw err
    throw describeFsError(path, err as NodeJS.ErrnoException)
  }
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK
  if (!regular) return caller.run(() => parseSnapshot(path, makeSource(path, createReadStream(path, { highWaterMark: chunkSize }), null, caller)))
  let handle: fsp.FileHandle
  try {
    handle = await fsp.open(path, 'r')
  } catch (err) {
    throw describeFsError(path, err as NodeJS.ErrnoException)
  }
  let helper: RestHelper | null = null
  try {
    const gzipSize = await gzipTrailerSize(handle, size)
    let report = (p: ProgressInfo): void => caller.report(p)
    // A big plain file: a helper thread reads its second half (rest.ts). Progress counts the
    // bytes both threads have read.
    if (gzipSize === null && (options.helperThread ?? size >= REST_HELPER_MIN_BYTES)) {
      let read = 0
      let helperRead = 0
      const both = (): void => caller.report({ bytesRead: Math.min(size, read + helperRead), totalBytes: size })
      const onRead = (bytes: number): void => {
        helperRead = bytes
        both()
      }
      helper = new RestHelper(path, size, chunkSize, options.helperThread === true ? 0 : undefined, onRead, caller.signal)
      report = (p) => {
        read = p.bytesRead
        both()
      }
    }
    const reporting: Reporting = { report, check: () => caller.check() }
    return await caller.run(() => parseSnapshot(path, makeSource(path, readChunks(handle, chunkSize), size, reporting, gzipSize), helper ?? undefined))
  } finally {
    helper?.stop()
    await handle.close()
  }
}

/** stdin, which must not be a directory (`summary - < dir` read nothing from it, "the input is empty"). */
async function parseStdin(caller: Caller): Promise<Snapshot> {
  let directory = false
  try {
    directory = (await promisify(fstat)(0)).isDirectory()
  } catch {
    // No stdin to look at: reading it says what is wrong.
  }
  if (directory) throw new InputError('<stdin>', 'is a directory, not a heap snapshot file')
  return parseSnapshot('<stdin>', makeSource('<stdin>', process.stdin, null, caller))
}

/**
 * The decompressed size a gzip file's trailer gives (ISIZE: the size modulo
 * 2^32, of its last member), or null for a file that is not gzip. A hint for
 * sizing the strings' buffer, never trusted further (strings-reader.ts).
 */
async function gzipTrailerSize(handle: fsp.FileHandle, size: number): Promise<number | null> {
  const head = Buffer.alloc(4)
  try {
    const { bytesRead } = await handle.read(head, 0, 2, 0)
    if (!hasGzipMagic(head.subarray(0, bytesRead))) return null
    if (size < 18 || (await handle.read(head, 0, 4, size - 4)).bytesRead !== 4) return 0
  } catch {
    return null // the parser's own read reports it
  }
  return head.readUInt32LE(0)
}

/**
 * Parses a snapshot from chunks already in memory or from any async stream
 * of bytes (gzip detected the same way). `file` names the input in errors.
 *
 * @example
 *   const s = await parseSnapshotChunks([Buffer.from(json)], 'inline')
 */
export async function parseSnapshotChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  file: string,
  options: OpenOptions = {},
): Promise<Snapshot> {
  checkOptions(options, 'parseSnapshotChunks')
  const caller = new Caller(options)
  let size: number | null = null
  if (Array.isArray(chunks)) size = (chunks as Uint8Array[]).reduce((a, c) => a + c.length, 0)
  const iterable: AsyncIterable<Uint8Array> =
    Symbol.asyncIterator in chunks
      ? (chunks as AsyncIterable<Uint8Array>)
      : (async function* () {
          yield* chunks as Iterable<Uint8Array>
        })()
  return caller.run(() => parseSnapshot(file, makeSource(file, iterable, size, caller)))
}
