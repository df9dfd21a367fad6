/**
 * The rest of a big plain file, from part-way through the edges array to
 * the end, read on a helper thread (rest-thread.ts) while the parser reads
 * the start (split.ts says how the two meet; the parser's side is
 * record-arrays.ts). The helper composes the parser's readers: the edge
 * records from a record's start, then the sections after them.
 *
 * openSnapshot starts the thread when it opens a big plain file, so that it
 * is ready by the time the parser reaches the edges. If the thread cannot
 * run or dies (not the input's fault), the same rest is read on this
 * thread instead: slower, never wrong.
 */
import { promises as fsp } from 'node:fs'
import { deferred, startThread, type Thread } from '../threads/worker.js'
import { readChunks } from './chunks.js'
import { EdgeColumns } from './columns.js'
import { ByteCursor } from './cursor.js'
import { SnapshotFormatError } from './errors.js'
import type { Layout } from './layout.js'
import { listData, NumberScan, NumState, scanNumbers } from './numbers.js'
import { type After, afterMember, expectEnd, lazyFastPath, readDataSection, readMembers } from './parse.js'
import { type DataSections, type PendingRest, type Rest, type RestParser, recordStart, SPLIT_WINDOW } from './split.js'

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
 * (readRest); `onRead` gets the bytes read so far.
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
      return await readRest(new ByteCursor(job.file, source, job.from), job.layout, job.seen, onStart)
    } finally {
      await chunks.return(undefined)
    }
  } finally {
    await handle.close()
  }
}

const FALLBACK: Rest = { fallback: true }

/**
 * The helper's side: the cursor starts part-way through the edges array.
 * Finds a record's start there (recordStart), reports it through `onStart`
 * (or null), and reads from there to the end of the file: edge records to
 * the edges array's ']', then the sections after it. An error, or a section
 * the helper does not read (the nodes, after the edges), hands the rest back
 * (`fallback`): the parser reads on from the split and reports it as on one
 * thread.
 */
export async function readRest(c: ByteCursor, layout: Layout, seen: string[], onStart: (start: number | null) => void): Promise<Rest> {
  const at = (await c.fill()) ? recordStart(c.buf.subarray(0, SPLIT_WINDOW), layout) : -1
  if (at < 0) {
    onStart(null)
    return FALLBACK
  }
  const start = c.base + at
  onStart(start)
  c.pos = at
  const fast = lazyFastPath()
  const columns = new EdgeColumns(c, layout, layout.edgeCount)
  // At a record's first value, after its ',': as the parser stops there.
  const scan = new NumberScan('edges', NumState.ExpectValue)
  columns.begin(fast())
  try {
    for (;;) {
      if (!(await c.fill())) return FALLBACK // the parser reports the end of file
      if (scanNumbers(c, scan, columns)) break
    }
    columns.end()
    const count = scan.records
    const edges = {
      end: c.offset - 1,
      count,
      field: scan.field,
      edgeType: columns.edgeType.subarray(0, count),
      edgeNameOrIndex: columns.edgeNameOrIndex.subarray(0, count),
      edgeTarget: columns.edgeTarget.subarray(0, count),
      maxName: columns.maxName,
    }
    const sections: DataSections = { strings: null, traceFunctionInfoValues: null, sampleValues: null, locationValues: null, traceTree: null }
    const read = new Set([...seen, 'edges'])
    let after: After = 'next'
    if (await afterMember(c, 'edges')) await expectEnd(c)
    else {
      after = await readMembers(c, read, async (key, keyOffset) => {
        if (key === 'nodes' || key === 'snapshot') return 'hand back'
        await readDataSection(c, key, keyOffset, layout, sections, fast)
        return 'next'
      })
    }
    if (after === 'hand back') return FALLBACK
    return {
      start,
      edges,
      sections: {
        ...sections,
        // Plain data: it crosses threads.
        traceFunctionInfoValues: listData(sections.traceFunctionInfoValues),
        sampleValues: listData(sections.sampleValues),
        locationValues: listData(sections.locationValues),
        seen: [...read],
      },
    }
  } catch (e) {
    // Not the helper's to report: the parser reads on from the split and finds it.
    if (e instanceof SnapshotFormatError) return FALLBACK
    throw e
  }
}

/** The helper thread for one file: a RestParser for the parser. */
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
    // Started now, so that it is ready by the time the parser asks; null: no thread (a resource
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
    // The result is awaited only if the parser takes the split.
    const start = deferred<number | null>()
    const rest = deferred<Rest>()
    const pending = { start: start.promise, result: rest.promise }
    // Aborted: the parser stops waiting (its next read sees the signal too).
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
