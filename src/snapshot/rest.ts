/**
 * The rest of a big plain file, from part-way through the edges array to
 * the end, read on a helper thread (rest-thread.ts) while the scanner reads
 * the start: the scanner's side is in scan.ts (readRecords, takeRest).
 *
 * openSnapshot starts the thread when it opens a big plain file, so that it
 * is ready by the time the scanner reaches the edges. If the thread cannot
 * run or dies (not the input's fault), the same rest is read on this
 * thread instead: slower, never wrong.
 */
import { promises as fsp } from 'node:fs'
import { deferred, startThread, type Thread } from '../threads/worker.js'
import { readChunks } from './chunks.js'
import type { Layout } from './layout.js'
import { SnapshotScanner, type PendingRest, type Rest, type RestParser } from './scan.js'

/**
 * Plain files from this size on get a helper thread: a 36 MB file parsed no faster with it (the
 * thread's start-up and cold code cost about what it saves); 150 MB and up, ~1.4-1.5x faster.
 */
export const REST_HELPER_MIN_BYTES = 64 << 20

/** What the helper thread is asked, and what it answers. */
export interface RestJob {
  file: string
  size: number
  layout: Layout
  from: number
  seen: string[]
  chunkSize: number
}

export type RestReply = { type: 'start'; start: number | null } | { type: 'read'; bytes: number } | { type: 'done'; rest: Rest }

/**
 * Reads `job.file` from a record's start after byte `job.from` to its end
 * (SnapshotScanner.readRest); `onRead` gets the bytes read so far.
 */
export async function readRestOfFile(job: RestJob, onStart: (start: number | null) => void, onRead?: (bytes: number) => void): Promise<Rest> {
  const handle = await fsp.open(job.file, 'r')
  try {
    const chunks = readChunks(handle, job.chunkSize, job.from)
    let read = 0
    const source = {
      next: async () => {
        const r = await chunks.next()
        if (r.done === true) return null
        read += r.value.length
        onRead?.(read)
        return r.value
      },
      sizeBound: job.size,
      sizeExact: true,
    }
    try {
      return await new SnapshotScanner(job.file, source).readRest(job.layout, job.from, job.seen, onStart)
    } finally {
      await chunks.return(undefined)
    }
  } finally {
    await handle.close()
  }
}

/** The helper thread for one file: a RestParser for its scanner. */
export class RestHelper implements RestParser {
  private readonly thread: Thread<RestJob> | null
  /** the thread failed to start, or failed before it answered */
  private dead = false
  /** what to do with the thread's replies once a rest is pending, and when it fails */
  private onReply: ((reply: RestReply) => void) | null = null
  private onFailure: (() => void) | null = null
  private begun = false

  constructor(
    private readonly file: string,
    private readonly size: number,
    private readonly chunkSize: number,
    /** split from this many bytes left (tests lower it for small files) */
    readonly minBytes?: number,
    /** the bytes the thread has read so far, as it reads (progress) */
    private readonly onRead?: (bytes: number) => void,
    /** aborts the wait for the thread's rest (openSnapshot's signal) */
    private readonly signal?: AbortSignal,
  ) {
    // Started now, so that it is ready by the time the scanner asks; null: no thread (a resource
    // limit), begin() reads here.
    this.thread = startThread<RestJob, RestReply>(new URL('./rest-thread.js', import.meta.url), {
      onReply: (reply) => this.onReply?.(reply),
      onFailure: () => {
        this.dead = true
        this.onFailure?.()
      },
    })
  }

  /** Starts the thread on the rest of the file from `from`: once (the thread reads one rest, then ends). */
  begin(layout: Layout, from: number, seen: string[]): PendingRest {
    if (this.begun) throw new Error('internal: RestHelper.begin called twice')
    this.begun = true
    const job: RestJob = { file: this.file, size: this.size, layout, from, seen, chunkSize: this.chunkSize }
    // The result is awaited only if the scanner takes the split.
    const start = deferred<number | null>()
    const rest = deferred<Rest>()
    const pending = { start: start.promise, result: rest.promise }
    // Aborted: the scanner stops waiting (its next read sees the signal too).
    const abort = (): void => {
      start.resolve(null)
      rest.reject(this.signal?.reason)
    }
    if (this.signal?.aborted === true) abort()
    else this.signal?.addEventListener('abort', abort, { once: true })
    // The thread failed: the same rest on this thread (a second start.resolve is a no-op).
    const here = (): void => {
      this.onReply = null
      this.onFailure = null
      readRestOfFile(job, start.resolve, this.onRead).then(rest.resolve, rest.reject)
    }
    if (this.thread === null || this.dead) {
      here()
      return pending
    }
    this.onFailure = here
    this.onReply = (reply) => {
      if (reply.type === 'start') start.resolve(reply.start)
      else if (reply.type === 'read') this.onRead?.(reply.bytes)
      else {
        this.onFailure = null
        rest.resolve(reply.rest)
      }
    }
    this.thread.send(job)
    return pending
  }

  /** Ends the thread (its work is done, or no longer needed). */
  stop(): void {
    this.onReply = null
    this.onFailure = null
    this.thread?.stop()
  }
}
