/**
 * Opening a snapshot: a file path (plain or gzip, told apart by the gzip
 * magic bytes, never by the name) or '-' for stdin, streamed in chunks into
 * the parser (parse.ts). The input is only ever opened for reading.
 */
import { promises as fsp } from 'node:fs'
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { readChunks } from './chunks.js'
import { GzipError, HeapscopeError, InputError } from './errors.js'
import { REST_HELPER_MIN_BYTES, RestHelper } from './rest.js'
import type { ScanSource } from './cursor.js'
import { MAX_GZIP_RATIO, parseSnapshot } from './parse.js'
import type { Snapshot } from './snapshot.js'

/** How far reading has got. `totalBytes` is null when the size is unknown (stdin). */
export interface ProgressInfo {
  /** bytes of the input read so far (compressed bytes for a .gz) */
  bytesRead: number
  totalBytes: number | null
}

export interface OpenOptions {
  /** Called after each chunk; cheap to ignore. */
  onProgress?: (progress: ProgressInfo) => void
  /** Aborts reading between chunks; the promise rejects with the signal's reason. */
  signal?: AbortSignal
  /** Read size in bytes (default 1 MiB); tests use odd sizes to split tokens. */
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

const OPEN_OPTION_KEYS = new Set(['onProgress', 'signal', 'chunkSize', 'helperThread'])

function checkOptions(options: OpenOptions): void {
  for (const key of Object.keys(options)) {
    if (!OPEN_OPTION_KEYS.has(key)) throw new HeapscopeError('E_USAGE', `openSnapshot: unknown option "${key}"`)
  }
}

function describeFsError(file: string, err: NodeJS.ErrnoException): InputError {
  switch (err.code) {
    case 'ENOENT':
      return new InputError(file, 'no such file')
    case 'EISDIR':
      return new InputError(file, 'is a directory, not a heap snapshot file')
    case 'EACCES':
    case 'EPERM':
      return new InputError(file, 'permission denied')
    default:
      return new InputError(file, `cannot read (${err.code ?? err.message})`)
  }
}

/**
 * Turns a stream of raw bytes into a ScanSource: peeks at the first bytes,
 * and if they are the gzip magic, inflates on the fly.
 */
function makeSource(file: string, raw: AsyncIterable<Uint8Array>, rawSize: number | null, options: OpenOptions): ScanSource {
  let bytesRead = 0
  const onProgress = options.onProgress
  const signal = options.signal
  // Counts raw bytes for progress as they are consumed.
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of raw) {
      signal?.throwIfAborted()
      bytesRead += chunk.length
      yield chunk
    }
  }
  let iterator: AsyncIterator<Uint8Array> | null = null
  let gzip = false
  const source: ScanSource = {
    sizeBound: rawSize,
    sizeExact: rawSize !== null,
    async next(): Promise<Uint8Array | null> {
      if (iterator === null) {
        const rawIterator = counted()
        const first = await rawIterator.next()
        if (first.done) return null
        const head = first.value
        gzip = hasGzipMagic(head)
        if (!gzip) {
          let pending: Uint8Array | null = head
          iterator = {
            next: async () => {
              if (pending !== null) {
                const value = pending
                pending = null
                return { done: false, value }
              }
              return rawIterator.next()
            },
          }
        } else {
          source.sizeBound = rawSize === null ? null : rawSize * MAX_GZIP_RATIO
          source.sizeExact = false
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
          iterator = inflated[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>
        }
      }
      let r: IteratorResult<Uint8Array>
      try {
        r = await iterator.next()
      } catch (err) {
        if (err instanceof HeapscopeError) throw err
        const e = err as NodeJS.ErrnoException
        if (signal?.aborted) throw signal.reason
        if (gzip && (e.code?.startsWith('Z_') || /unexpected end of file|incorrect header|invalid/i.test(e.message))) {
          throw new GzipError(file, e.message)
        }
        throw describeFsError(file, e)
      }
      onProgress?.({ bytesRead, totalBytes: rawSize })
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
  checkOptions(options)
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK
  if (path === '-') {
    return parseSnapshot('<stdin>', makeSource('<stdin>', process.stdin, null, options))
  }
  let size: number
  try {
    const st = await fsp.stat(path)
    if (st.isDirectory()) throw new InputError(path, 'is a directory, not a heap snapshot file')
    size = st.size
  } catch (err) {
    if (err instanceof HeapscopeError) throw err
    throw describeFsError(path, err as NodeJS.ErrnoException)
  }
  let handle: fsp.FileHandle
  try {
    handle = await fsp.open(path, 'r')
  } catch (err) {
    throw describeFsError(path, err as NodeJS.ErrnoException)
  }
  let helper: RestHelper | null = null
  try {
    // A big plain file: a helper thread reads its second half (rest.ts). Progress counts the
    // bytes both threads have read.
    const wanted = options.helperThread ?? size >= REST_HELPER_MIN_BYTES
    let sourceOptions = options
    if (wanted && !(await isGzip(handle))) {
      const report = options.onProgress
      let read = 0
      let helperRead = 0
      const both = (): void => report?.({ bytesRead: Math.min(size, read + helperRead), totalBytes: size })
      helper = new RestHelper(
        path,
        size,
        chunkSize,
        options.helperThread === true ? 0 : undefined,
        (bytes) => {
          helperRead = bytes
          both()
        },
        options.signal,
      )
      sourceOptions = {
        ...options,
        onProgress: (p) => {
          read = p.bytesRead
          both()
        },
      }
    }
    return await parseSnapshot(path, makeSource(path, readChunks(handle, chunkSize), size, sourceOptions), helper ?? undefined)
  } finally {
    helper?.stop()
    await handle.close()
  }
}

/** Whether the file starts with the gzip magic (read without moving the file position). */
async function isGzip(handle: fsp.FileHandle): Promise<boolean> {
  const head = Buffer.alloc(2)
  let bytesRead: number
  try {
    ;({ bytesRead } = await handle.read(head, 0, 2, 0))
  } catch {
    return false // the parser's own read reports it
  }
  return hasGzipMagic(head.subarray(0, bytesRead))
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
  checkOptions(options)
  let size: number | null = null
  if (Array.isArray(chunks)) size = (chunks as Uint8Array[]).reduce((a, c) => a + c.length, 0)
  const iterable: AsyncIterable<Uint8Array> =
    Symbol.asyncIterator in chunks
      ? (chunks as AsyncIterable<Uint8Array>)
      : (async function* () {
          yield* chunks as Iterable<Uint8Array>
        })()
  return parseSnapshot(file, makeSource(file, iterable, size, options))
}
