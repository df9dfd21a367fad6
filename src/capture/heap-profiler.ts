/**
 * Taking heap snapshots over the DevTools protocol's HeapProfiler domain:
 * `HeapProfiler.takeHeapSnapshot` makes the target serialise its heap and
 * send it as `HeapProfiler.addHeapSnapshotChunk` events (V8's inspector sends
 * ~100 KB of JSON text each), then answers the command once the last chunk is
 * out. Each chunk goes straight into the gzip file (snapshot-file.ts); when
 * the disk falls behind, the WebSocket is paused and the target waits.
 *
 * Allocation sites: `HeapProfiler.startTrackingHeapObjects({trackAllocations:
 * true})` makes V8 record the stack of every allocation from then on, so the
 * snapshots after it carry `trace_tree` and each new object's
 * `trace_node_id`; the first snapshot after tracking started is the baseline
 * (what it holds was mostly allocated before, without a site). Tracking ends
 * with `HeapProfiler.disable` — not `stopTrackingHeapObjects`, which would
 * make V8 stream one more snapshot nobody asked for — and with the session,
 * so a target is left as it was found (its inspector open, Node cannot close
 * that from outside).
 */
import { CaptureError } from './errors.js'
import { DEFAULT_TIMEOUT_MS, InspectorClient } from './inspector.js'
import { openNodeInspector, type OpenInspectorOptions } from './node-process.js'
import { SnapshotFileWriter } from './snapshot-file.js'
import { checkHostAllowed, hostPort, listTargets, pickTarget, targetName, targetSocketUrl, type InspectorTarget } from './targets.js'

/** Progress of one snapshot. */
export interface SnapshotProgress {
  /** 'building': the target walks its heap (done/total are objects); 'writing': the JSON arrives (done is bytes, total unknown) */
  phase: 'building' | 'writing'
  done: number
  total: number | null
}

export interface TakeSnapshotOptions {
  onProgress?: (progress: SnapshotProgress) => void
  /** aborts the snapshot: the partial file is removed (close the session afterwards) */
  signal?: AbortSignal
}

/** A snapshot written to disk. */
export interface SnapshotFile {
  /** the path, `<name>-<pid>-<n>-<time>.heapsnapshot.gz` */
  file: string
  /** bytes of JSON the target sent (the file is gzipped) */
  jsonBytes: number
}

function abortPromise(signal: AbortSignal | undefined, what: string): { promise: Promise<never>; dispose: () => void } {
  if (signal === undefined) return { promise: new Promise<never>(() => {}), dispose: () => {} }
  let onAbort = (): void => {}
  const promise = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new CaptureError(`${what} was cancelled`))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  promise.catch(() => {})
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) }
}

/**
 * Streams one heap snapshot from `client` into `file` (gzip, written as
 * `file.partial` and renamed when whole; removed on any failure).
 *
 * @example
 *   await takeHeapSnapshot(client, 'app-42-001-20250612T101530Z.heapsnapshot.gz', { onProgress: (p) => {} })
 */
export async function takeHeapSnapshot(client: InspectorClient, file: string, options: TakeSnapshotOptions = {}): Promise<SnapshotFile> {
  const { onProgress, signal } = options
  const aborted = abortPromise(signal, `the snapshot ${file}`)
  if (signal?.aborted === true) {
    aborted.dispose()
    throw new CaptureError(`the snapshot ${file} was cancelled`)
  }
  const out = new SnapshotFileWriter(file)
  let paused = false
  const onChunk = (params: Record<string, unknown>): void => {
    const chunk = params.chunk
    if (typeof chunk !== 'string') return
    if (!out.write(chunk) && !paused && out.error === undefined) {
      paused = true
      client.pause()
      out.drained().then(
        () => {
          paused = false
          client.resume()
        },
        () => {},
      )
    }
    onProgress?.({ phase: 'writing', done: out.bytesWritten, total: null })
  }
  const onBuilding = (params: Record<string, unknown>): void => {
    if (typeof params.done === 'number' && typeof params.total === 'number') onProgress?.({ phase: 'building', done: params.done, total: params.total })
  }
  client.on('HeapProfiler.addHeapSnapshotChunk', onChunk)
  client.on('HeapProfiler.reportHeapSnapshotProgress', onBuilding)
  try {
    // No timeout: a multi-GB heap takes minutes to serialise. A target that
    // dies closes the connection, which fails the command.
    const taken = client.send('HeapProfiler.takeHeapSnapshot', { reportProgress: onProgress !== undefined }, { timeoutMs: null })
    await Promise.race([taken, out.whenFailed, aborted.promise])
    if (out.bytesWritten === 0) throw new CaptureError(`${client.endpoint} sent an empty snapshot`)
    await out.commit()
    return { file, jsonBytes: out.bytesWritten }
  } catch (err) {
    await out.abort()
    throw err
  } finally {
    aborted.dispose()
    client.off('HeapProfiler.addHeapSnapshotChunk', onChunk)
    client.off('HeapProfiler.reportHeapSnapshotProgress', onBuilding)
    if (paused) client.resume()
  }
}

export interface ConnectOptions {
  /** a host that is not loopback, which the user named (--host); loopback addresses are always allowed */
  host?: string
  /** milliseconds for the connection and each reply (not the snapshot itself) */
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * A connection to one target, ready to take heap snapshots: what `heapscope
 * capture` uses, whether the target was found by pid, port or URL.
 *
 * @example
 *   const session = await HeapProfilerSession.connectToPort(9222, { target: 'localhost:8080' })
 *   await session.takeSnapshot('page-port9222-001-20250612T101530Z.heapsnapshot.gz')
 *   await session.close()
 */
export class HeapProfilerSession {
  readonly client: InspectorClient
  /** what the files are named after: a script's base name, a page's host */
  readonly name: string
  /** the process id, or `port<N>` when the target was found by port or URL */
  readonly pid: number | string
  /** the target as its inspector lists it, when known */
  readonly target: InspectorTarget | undefined
  private tracking = false

  private constructor(client: InspectorClient, name: string, pid: number | string, target: InspectorTarget | undefined) {
    this.client = client
    this.name = name
    this.pid = pid
    this.target = target
  }

  /** Connects to a DevTools protocol WebSocket URL (ws://host:port/...). */
  static async connectToUrl(url: string, options: ConnectOptions = {}): Promise<HeapProfilerSession> {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new CaptureError(`${url} is not a URL: give the inspector's WebSocket address, e.g. ws://127.0.0.1:9229/<id>`)
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new CaptureError(`${url} is not a WebSocket URL (ws://host:port/...); for an HTTP port use --port`)
    }
    checkHostAllowed(parsed.hostname, options.host)
    const client = await HeapProfilerSession.open(url, options)
    const port = parsed.port === '' ? (parsed.protocol === 'wss:' ? 443 : 80) : Number(parsed.port)
    return HeapProfilerSession.start(client, 'snapshot', `port${port}`, undefined)
  }

  /**
   * Connects to the target at an inspector's HTTP port (Chrome's
   * --remote-debugging-port, node --inspect, Deno, Electron): the one whose
   * URL or title contains `target`, or the only page or Node target.
   */
  static async connectToPort(port: number, options: ConnectOptions & { target?: string } = {}): Promise<HeapProfilerSession> {
    const host = options.host ?? '127.0.0.1'
    checkHostAllowed(host, options.host)
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const targets = await listTargets(host, port, { timeoutMs, ...(options.signal === undefined ? {} : { signal: options.signal }) })
    const target = pickTarget(targets, options.target, hostPort(host, port))
    const client = await HeapProfilerSession.open(targetSocketUrl(target, host, port), options)
    return HeapProfilerSession.start(client, targetName(target), `port${port}`, target)
  }

  /**
   * Opens the inspector of Node process `pid` with SIGUSR1 (see
   * node-process.ts; `beforeSignal` is told first) and connects to it. The
   * process keeps running whatever happens.
   */
  static async connectToNodeProcess(
    pid: number,
    options: ConnectOptions & Pick<OpenInspectorOptions, 'beforeSignal' | 'port'> = {},
  ): Promise<HeapProfilerSession> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    if (options.host !== undefined) checkHostAllowed(options.host, options.host)
    const opened = await openNodeInspector(pid, {
      timeoutMs,
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.beforeSignal === undefined ? {} : { beforeSignal: options.beforeSignal }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
    const client = await HeapProfilerSession.open(targetSocketUrl(opened.target, opened.host, opened.port), options)
    return HeapProfilerSession.start(client, opened.name, pid, opened.target)
  }

  private static open(url: string, options: ConnectOptions): Promise<InspectorClient> {
    return InspectorClient.connect(url, {
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
  }

  private static async start(client: InspectorClient, name: string, pid: number | string, target: InspectorTarget | undefined): Promise<HeapProfilerSession> {
    try {
      await client.send('HeapProfiler.enable')
    } catch (err) {
      await client.close()
      throw err instanceof CaptureError ? new CaptureError(`${err.message} (a target without a JavaScript heap?)`) : err
    }
    return new HeapProfilerSession(client, name, pid, target)
  }

  /** Starts allocation tracking: the snapshots after it carry allocation sites. */
  async startTracking(): Promise<void> {
    if (this.tracking) return
    await this.client.send('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true })
    this.tracking = true
  }

  /** Whether allocation tracking is on. */
  get isTracking(): boolean {
    return this.tracking
  }

  /** Streams one snapshot into `file` (see takeHeapSnapshot). */
  takeSnapshot(file: string, options: TakeSnapshotOptions = {}): Promise<SnapshotFile> {
    return takeHeapSnapshot(this.client, file, options)
  }

  /** Stops tracking (HeapProfiler.disable) and closes the connection; the target keeps running. Never throws. */
  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.send('HeapProfiler.disable', {}, { timeoutMs: 2000 }).catch(() => {})
    await this.client.close()
  }
}
