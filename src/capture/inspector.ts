/**
 * A client for the DevTools protocol over the inspector's WebSocket: the
 * JSON-RPC of Chrome's remote debugging, Node's `--inspect`, Deno and
 * Electron alike. Commands go out as `{id, method, params}` and come back as
 * `{id, result}` or `{id, error}`; everything without an id is an event
 * (`HeapProfiler.addHeapSnapshotChunk`). The protocol is documented at
 * https://chromedevtools.github.io/devtools-protocol/ ; the WebSocket itself
 * is `ws`, the client Node's own test suite and most of npm use.
 *
 * Every way a connection fails ends as one CaptureError naming the address:
 * refused, timed out, not a WebSocket (an HTTP server that is not an
 * inspector), closed while a reply was awaited (the target died). A closed
 * connection fails every pending command, so nothing waits forever on a
 * target that is gone.
 */
import { EventEmitter } from 'node:events'
import WebSocket from 'ws'
import { CaptureError } from './errors.js'

/**
 * How long to wait for the connection and for each reply, unless a command says otherwise.
 *
 * @example
 *   const slow = { timeoutMs: 6 * DEFAULT_TIMEOUT_MS } // a big heap on a slow machine
 */
export const DEFAULT_TIMEOUT_MS = 10_000

export interface InspectorClientOptions {
  /** milliseconds for the WebSocket handshake and for each reply; DEFAULT_TIMEOUT_MS by default */
  timeoutMs?: number
  /** aborts the connection attempt */
  signal?: AbortSignal
}

export interface SendOptions {
  /** milliseconds to wait for the reply; null waits as long as the connection lives (a snapshot can take minutes) */
  timeoutMs?: number | null
}

interface Pending {
  method: string
  resolve: (result: unknown) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout | undefined
}

/** `host:port` of a ws:// URL, for messages. */
export function endpointOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/** A sentence for a socket error: what the address did, not Node's errno. */
function describeConnectError(endpoint: string, err: Error & { code?: string }, timeoutMs: number): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `${endpoint} refused the connection: no inspector is listening there`
    case 'ECONNRESET':
      return `${endpoint} closed the connection during the handshake: not a DevTools inspector?`
    case 'ETIMEDOUT':
      return `${endpoint} did not answer within ${timeoutMs / 1000} s`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host of ${endpoint}`
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${endpoint} cannot be reached (${err.code})`
  }
  if (/handshake has timed out/i.test(err.message))
    return `${endpoint} did not complete the WebSocket handshake within ${timeoutMs / 1000} s: not a DevTools inspector?`
  if (/^Unexpected server response/i.test(err.message)) return `${endpoint} is not a DevTools inspector WebSocket (${err.message.toLowerCase()})`
  if (/parse error|invalid http|expected http/i.test(err.message)) return `${endpoint} does not speak HTTP: not a DevTools inspector`
  return `cannot connect to ${endpoint}: ${err.message}`
}

/**
 * One open connection to a DevTools protocol endpoint.
 *
 * @example
 *   const client = await InspectorClient.connect('ws://127.0.0.1:9229/0f2c...')
 *   await client.send('HeapProfiler.enable')
 */
export class InspectorClient {
  readonly url: string
  /** `host:port`, for messages */
  readonly endpoint: string
  /** settles (never rejects) when the connection is closed, by either side */
  readonly closed: Promise<void>
  private readonly ws: WebSocket
  private readonly timeoutMs: number
  private readonly events = new EventEmitter()
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  /** why the connection ended, once it has */
  private closeReason: string | undefined

  private constructor(ws: WebSocket, url: string, timeoutMs: number) {
    this.ws = ws
    this.url = url
    this.endpoint = endpointOf(url)
    this.timeoutMs = timeoutMs
    this.events.setMaxListeners(0)
    this.closed = new Promise((resolve) => {
      ws.on('close', () => {
        this.failPending(this.closeReason ?? `${this.endpoint} closed the connection (did the target end?)`)
        resolve()
      })
    })
    ws.on('error', (err) => {
      // After the handshake an error is followed by 'close', which fails what is pending.
      this.closeReason ??= `the connection to ${this.endpoint} failed: ${err.message}`
    })
    ws.on('message', (data) => this.receive(data))
  }

  /**
   * Opens a WebSocket to `url` (ws://host:port/path). Rejects with one
   * CaptureError when the address refuses, does not answer in time or is not
   * a WebSocket endpoint.
   */
  static connect(url: string, options: InspectorClientOptions = {}): Promise<InspectorClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const endpoint = endpointOf(url)
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted === true) {
        reject(new CaptureError(`connecting to ${endpoint} was cancelled`))
        return
      }
      let ws: WebSocket
      try {
        // No compression (the inspector does not offer it), no redirects, and a
        // handshake that cannot hang; a message may be as large as V8 makes one.
        ws = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false, followRedirects: false, maxPayload: 1024 ** 3 })
      } catch (err) {
        reject(new CaptureError(`${url} is not a WebSocket address (ws://host:port/path): ${err instanceof Error ? err.message : String(err)}`))
        return
      }
      const onAbort = (): void => {
        ws.terminate()
        reject(new CaptureError(`connecting to ${endpoint} was cancelled`))
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const settle = (): void => {
        options.signal?.removeEventListener('abort', onAbort)
        ws.removeAllListeners('open')
        ws.removeAllListeners('error')
        ws.removeAllListeners('unexpected-response')
      }
      ws.once('open', () => {
        settle()
        resolve(new InspectorClient(ws, url, timeoutMs))
      })
      ws.once('unexpected-response', (_req, res) => {
        settle()
        ws.on('error', () => {})
        ws.terminate()
        reject(new CaptureError(`${endpoint} is not a DevTools inspector WebSocket (it answered HTTP ${res.statusCode} to ${new URL(url).pathname})`))
      })
      ws.once('error', (err: Error & { code?: string }) => {
        settle()
        ws.on('error', () => {})
        reject(new CaptureError(describeConnectError(endpoint, err, timeoutMs), { cause: err }))
      })
    })
  }

  /**
   * Sends a command and resolves with its result. Rejects with a
   * CaptureError when the target answers with an error, does not answer in
   * time, or the connection closes first.
   */
  send<T = unknown>(method: string, params: object = {}, options: SendOptions = {}): Promise<T> {
    if (this.closeReason !== undefined || this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new CaptureError(this.closeReason ?? `the connection to ${this.endpoint} is closed`))
    }
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs === undefined ? this.timeoutMs : options.timeoutMs
      const timer =
        timeoutMs === null
          ? undefined
          : setTimeout(() => {
              this.pending.delete(id)
              reject(new CaptureError(`${this.endpoint} did not answer ${method} within ${timeoutMs / 1000} s`))
            }, timeoutMs)
      this.pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject, timer })
      this.ws.send(JSON.stringify({ id, method, params }), (err) => {
        if (err !== undefined && err !== null) this.settle(id, new CaptureError(`cannot send ${method} to ${this.endpoint}: ${err.message}`))
      })
    })
  }

  /** Calls `listener` with the params of each `event` (e.g. 'HeapProfiler.addHeapSnapshotChunk'). */
  on(event: string, listener: (params: Record<string, unknown>) => void): void {
    this.events.on(event, listener)
  }

  off(event: string, listener: (params: Record<string, unknown>) => void): void {
    this.events.off(event, listener)
  }

  /** Stops reading from the socket (backpressure: the target waits); events already read still arrive. */
  pause(): void {
    this.ws.pause()
  }

  resume(): void {
    this.ws.resume()
  }

  /** Whether the connection is still open. */
  get isOpen(): boolean {
    return this.closeReason === undefined && this.ws.readyState === WebSocket.OPEN
  }

  /** Closes the connection (the target keeps running) and waits until it is closed. */
  async close(): Promise<void> {
    this.closeReason ??= `the connection to ${this.endpoint} was closed`
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close()
      // A peer that never answers the close frame: drop the socket after a while.
      const timer = setTimeout(() => this.ws.terminate(), 1000)
      await this.closed
      clearTimeout(timer)
    } else {
      await this.closed
    }
  }

  private receive(data: WebSocket.RawData): void {
    let message: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: { message?: unknown; code?: unknown } }
    try {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
      message = JSON.parse(bytes.toString('utf8'))
    } catch {
      this.closeReason = `${this.endpoint} sent a message that is not JSON: not a DevTools inspector`
      this.ws.terminate()
      return
    }
    if (typeof message.id === 'number') {
      if (message.error !== undefined) {
        const pending = this.pending.get(message.id)
        const what = typeof message.error?.message === 'string' ? message.error.message : JSON.stringify(message.error)
        this.settle(message.id, new CaptureError(`${this.endpoint} refused ${pending?.method ?? 'a command'}: ${what}`))
      } else {
        this.settle(message.id, undefined, message.result)
      }
    } else if (typeof message.method === 'string') {
      this.events.emit(message.method, (message.params ?? {}) as Record<string, unknown>)
    }
  }

  private settle(id: number, err: Error | undefined, result?: unknown): void {
    const pending = this.pending.get(id)
    if (pending === undefined) return
    this.pending.delete(id)
    if (pending.timer !== undefined) clearTimeout(pending.timer)
    if (err !== undefined) pending.reject(err)
    else pending.resolve(result)
  }

  private failPending(reason: string): void {
    for (const [id, pending] of this.pending) {
      this.settle(id, new CaptureError(`${reason} while waiting for ${pending.method}`))
    }
  }
}
