/**
 * Finding what to connect to at an inspector's HTTP port: `GET /json/list`
 * answers with the targets (a Node process, a browser's pages and workers),
 * each with its `webSocketDebuggerUrl`. Chrome, Node, Deno and Electron all
 * serve it (https://chromedevtools.github.io/devtools-protocol/#endpoints).
 *
 * Safety: heapscope connects only to loopback addresses unless the user named
 * another host explicitly (`--host`); an inspector gives whoever reaches it
 * the power to run code in the target, so heapscope never wanders off the
 * machine on its own, not even where a target list points elsewhere.
 */
import { request } from 'node:http'
import { CaptureError } from './errors.js'

/** One entry of `/json/list`. */
export interface InspectorTarget {
  id: string
  /** 'node', 'page', 'service_worker', 'worker', 'iframe', 'other', ... */
  type: string
  title: string
  url: string
  /** absent when the target cannot take another client */
  webSocketDebuggerUrl?: string
}

/** At most this much of a `/json/list` answer is read: a real one is a few KB. */
const MAX_LIST_BYTES = 4 * 1024 * 1024

/**
 * Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
 *
 * @example
 *   isLoopbackHost('127.0.0.1') // true; isLoopbackHost('10.0.0.5') // false
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)
}

/**
 * Refuses a host that is not loopback unless it is the one the user allowed
 * (`--host`).
 *
 * @example
 *   checkHostAllowed('10.0.0.5', undefined) // throws CaptureError: 10.0.0.5 is not a loopback address…
 */
export function checkHostAllowed(host: string, allowedHost: string | undefined): void {
  if (isLoopbackHost(host)) return
  const bare = (h: string): string => h.replace(/^\[|\]$/g, '').toLowerCase()
  if (allowedHost !== undefined && bare(allowedHost) === bare(host)) return
  throw new CaptureError(
    `${host} is not a loopback address: heapscope connects only to this machine unless you name the host with --host ${host} (an inspector lets whoever reaches it run code in the target)`,
  )
}

/** `host:port`, with brackets around an IPv6 host. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`
}

export interface ListTargetsOptions {
  timeoutMs: number
  signal?: AbortSignal
}

/**
 * The targets an inspector lists at `http://host:port/json/list`. Rejects
 * with one CaptureError when nothing listens there, it does not answer in
 * time, or what answers is not an inspector.
 *
 * @example
 *   const targets = await listTargets('127.0.0.1', 9222, { timeoutMs: DEFAULT_TIMEOUT_MS })
 */
export function listTargets(host: string, port: number, options: ListTargetsOptions): Promise<InspectorTarget[]> {
  const where = hostPort(host, port)
  return new Promise((resolve, reject) => {
    const fail = (message: string, cause?: unknown): void => reject(new CaptureError(message, { cause }))
    const req = request({
      host: host.replace(/^\[|\]$/g, ''),
      port,
      path: '/json/list',
      method: 'GET',
      timeout: options.timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
    req.on('timeout', () => {
      req.destroy()
      fail(`${where} did not answer GET /json/list within ${options.timeoutMs / 1000} s: not a DevTools inspector?`)
    })
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') fail(`asking ${where} for its targets was cancelled`)
      else if (err.code === 'ECONNREFUSED') fail(`${where} refused the connection: no inspector is listening there`, err)
      else if (err.code === 'ECONNRESET') fail(`${where} closed the connection without answering GET /json/list: not a DevTools inspector`, err)
      else if (err.code?.startsWith('HPE_') === true) fail(`${where} does not speak HTTP: not a DevTools inspector`, err)
      else fail(`cannot reach ${where}: ${err.message}`, err)
    })
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        fail(`${where} is not a DevTools inspector: it answered HTTP ${res.statusCode} to GET /json/list`)
        return
      }
      const chunks: Buffer[] = []
      let length = 0
      res.on('data', (chunk: Buffer) => {
        length += chunk.length
        if (length > MAX_LIST_BYTES) {
          req.destroy()
          fail(`${where} is not a DevTools inspector: its /json/list answer is over ${MAX_LIST_BYTES} bytes`)
          return
        }
        chunks.push(chunk)
      })
      res.on('error', (err) => fail(`${where} broke off its answer to GET /json/list: ${err.message}`, err))
      res.on('end', () => {
        let list: unknown
        try {
          list = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        } catch {
          fail(`${where} is not a DevTools inspector: its answer to GET /json/list is not JSON`)
          return
        }
        if (!Array.isArray(list)) {
          fail(`${where} is not a DevTools inspector: its answer to GET /json/list is not a list of targets`)
          return
        }
        resolve(list.filter(isTarget))
      })
    })
    req.end()
  })
}

function isTarget(value: unknown): value is InspectorTarget {
  if (typeof value !== 'object' || value === null) return false
  const t = value as Record<string, unknown>
  return typeof t.id === 'string' && typeof t.type === 'string' && typeof t.url === 'string' && typeof t.title === 'string'
}

/** `page "Title" (url)`, for messages listing targets. */
export function describeTarget(t: InspectorTarget): string {
  const title = t.title.length > 60 ? t.title.slice(0, 59) + '…' : t.title
  const url = t.url.length > 80 ? t.url.slice(0, 79) + '…' : t.url
  return `${t.type} "${title}" (${url})`
}

/** Types whose targets have a JavaScript heap of their own and are what a user means by default. */
const DEFAULT_TYPES = new Set(['node', 'page'])

/**
 * The target to connect to: the one whose URL or title contains `match`
 * (case-insensitive) or whose id is `match`; without `match`, the only
 * page or Node target. Anything else — none, or several — is an error that
 * lists the choices.
 *
 * @example
 *   const target = pickTarget(targets, 'localhost:3000', '127.0.0.1:9222')
 */
export function pickTarget(targets: readonly InspectorTarget[], match: string | undefined, where: string): InspectorTarget {
  const usable = targets.filter((t) => typeof t.webSocketDebuggerUrl === 'string' && t.webSocketDebuggerUrl !== '')
  const list = (ts: readonly InspectorTarget[]): string => ts.map(describeTarget).join('; ')
  if (usable.length === 0) {
    if (targets.length === 0) throw new CaptureError(`the inspector at ${where} lists no targets`)
    throw new CaptureError(`no target at ${where} takes another client (another debugger is attached?): ${list(targets)}`)
  }
  let candidates: InspectorTarget[]
  if (match !== undefined) {
    const needle = match.toLowerCase()
    const byId = usable.filter((t) => t.id === match)
    candidates = byId.length > 0 ? byId : usable.filter((t) => t.url.toLowerCase().includes(needle) || t.title.toLowerCase().includes(needle))
    if (candidates.length === 0) throw new CaptureError(`no target at ${where} matches "${match}" in its URL or title; there are: ${list(usable)}`)
    // Several matches: the pages and Node targets among them, if that settles it.
    if (candidates.length > 1) {
      const preferred = candidates.filter((t) => DEFAULT_TYPES.has(t.type))
      if (preferred.length === 1) candidates = preferred
    }
    if (candidates.length > 1) throw new CaptureError(`${candidates.length} targets at ${where} match "${match}": say more with --target: ${list(candidates)}`)
  } else {
    candidates = usable.filter((t) => DEFAULT_TYPES.has(t.type))
    if (candidates.length === 0 && usable.length === 1) candidates = usable
    if (candidates.length !== 1) {
      throw new CaptureError(`${usable.length} targets at ${where}: pick one with --target TEXT (a part of its URL or title): ${list(usable)}`)
    }
  }
  return candidates[0]
}

/**
 * The WebSocket URL of `target`, pointed at the host and port heapscope was
 * told to use: a list may name another address (Chrome echoes the Host
 * header, a proxy may not), and heapscope connects only where it was allowed.
 */
export function targetSocketUrl(target: InspectorTarget, host: string, port: number): string {
  const url = new URL(target.webSocketDebuggerUrl ?? '')
  url.host = hostPort(host, port)
  return url.href
}

/** A short name for files of this target: a Node script's base name, a page's host or file name. */
export function targetName(target: InspectorTarget): string {
  let url: URL | undefined
  try {
    url = new URL(target.url)
  } catch {
    url = undefined
  }
  if (url !== undefined) {
    if (url.protocol === 'file:') {
      const base = url.pathname.split('/').pop() ?? ''
      const stem = base.replace(/\.[^.]*$/, '')
      if (stem !== '') return stem
    } else if (url.hostname !== '') {
      return url.hostname
    }
  }
  if (target.title !== '') return target.title.replace(/\.[cm]?[jt]s$/, '')
  return target.type
}
