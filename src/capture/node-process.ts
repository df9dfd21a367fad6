/**
 * Opening the inspector of a running Node process by its pid. Node starts its
 * inspector when it receives SIGUSR1 (on 127.0.0.1:9229, or the host and port
 * of its `--inspect-port` / `--inspect` options), and says where only on its
 * own stderr. So on Linux heapscope reads /proc:
 *
 * - `/proc/<pid>/status` SigCgt: whether the process catches SIGUSR1 at all.
 *   The default action of SIGUSR1 is to end the process, so a process that
 *   does not catch it (not Node, or Node with `--disable-sigusr1`) is never
 *   sent it.
 * - the listening TCP sockets the process owns (its `/proc/<pid>/fd` socket
 *   inodes, looked up in `/proc/<pid>/net/tcp` and `tcp6`) before and after
 *   the signal: the new one is the inspector, whatever port it chose (even
 *   `--inspect-port=0`), and it is this process's, not another one that
 *   happens to listen on 9229.
 *
 * Elsewhere (macOS) there is no /proc: the inspector is looked for on the
 * port the caller names (9229 by default) and the SIGUSR1 check is skipped.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { basename } from 'node:path'
import { CaptureError } from './errors.js'
import { isLoopbackHost, listTargets, type InspectorTarget } from './targets.js'

/** Node's default inspector port. */
export const DEFAULT_INSPECTOR_PORT = 9229

const SIGUSR1_NUMBER = 10 // on Linux; SigCgt is a bit mask of signal numbers, bit n-1 for signal n

/** Fails unless a process with this pid exists and may be signalled by us. */
export function checkProcess(pid: number): void {
  try {
    process.kill(pid, 0)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ESRCH') throw new CaptureError(`no process with pid ${pid}`)
    if (code === 'EPERM') throw new CaptureError(`not allowed to signal process ${pid} (it belongs to another user)`)
    throw new CaptureError(`cannot signal process ${pid}: ${(err as Error).message}`, { cause: err })
  }
}

/** The process's command line, or undefined where /proc cannot tell. */
export function commandLine(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    const args = raw.split('\0')
    if (args[args.length - 1] === '') args.pop()
    return args.length > 0 ? args : undefined
  } catch {
    return undefined
  }
}

/** Whether the process catches SIGUSR1: true, false, or undefined where /proc cannot tell. */
export function catchesSigusr1(pid: number): boolean | undefined {
  let status: string
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return undefined
  }
  const m = /^SigCgt:\s*([0-9a-f]+)$/im.exec(status)
  if (m === null) return undefined
  return (BigInt(`0x${m[1]}`) & (1n << BigInt(SIGUSR1_NUMBER - 1))) !== 0n
}

/** Node options that take a separate value (`-r ./x`), so the script is not taken for it. */
const OPTIONS_WITH_VALUE = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '-e',
  '--eval',
  '-p',
  '--print',
  '--inspect-port',
  '--env-file',
  '-C',
  '--conditions',
  '--title',
])

/**
 * A short name for the process's files: the base name of the script Node
 * runs (`app` for `node --expose-gc app.js`), else the program's name.
 */
export function processName(argv: readonly string[] | undefined, pid: number): string {
  if (argv === undefined || argv.length === 0) return `pid${pid}`
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      if (i + 1 < argv.length) return basename(argv[i + 1]).replace(/\.[cm]?[jt]s$/, '')
      break
    }
    if (arg.startsWith('-')) {
      if (OPTIONS_WITH_VALUE.has(arg)) i++
      if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') break
      continue
    }
    return basename(arg).replace(/\.[cm]?[jt]s$/, '')
  }
  return basename(argv[0])
}

/**
 * The port Node's SIGUSR1 opens the inspector on: from `--inspect-port`,
 * `--inspect[-brk]=[host:]port` on the command line or in NODE_OPTIONS, else
 * 9229. 0 means Node picks one (found through /proc).
 */
export function configuredInspectorPort(argv: readonly string[] | undefined, nodeOptions: string | undefined): number {
  let port = DEFAULT_INSPECTOR_PORT
  const args = [...(nodeOptions?.split(/\s+/).filter((a) => a !== '') ?? []), ...(argv?.slice(1) ?? [])]
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--') break
    let value: string | undefined
    if (arg === '--inspect-port' || arg === '--debug-port') value = args[++i]
    else {
      const m = /^--(?:inspect-port|debug-port|inspect|inspect-brk|inspect-wait)=(.+)$/.exec(arg)
      if (m !== null) value = m[1]
    }
    if (value === undefined) continue
    const p = /(?:^|:)(\d+)$/.exec(value)
    if (p !== null) port = Number(p[1])
  }
  return port
}

/** NODE_OPTIONS of a running process, where /proc shows its environment. */
function nodeOptionsOf(pid: number): string | undefined {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
    const entry = env.find((e) => e.startsWith('NODE_OPTIONS='))
    return entry?.slice('NODE_OPTIONS='.length)
  } catch {
    return undefined
  }
}

/** A listening TCP socket. */
export interface ListeningSocket {
  /** the bound address: '127.0.0.1', '::1', '0.0.0.0', '::' */
  address: string
  port: number
}

/** The address in /proc/net/tcp's hex: IPv4 as one little-endian word, IPv6 as four. */
function decodeProcAddress(hex: string): string {
  if (hex.length === 8) {
    const bytes = Buffer.from(hex, 'hex').reverse()
    return Array.from(bytes).join('.')
  }
  const words: string[] = []
  for (let w = 0; w < 4; w++) {
    const bytes = Buffer.from(hex.slice(w * 8, w * 8 + 8), 'hex').reverse()
    words.push(bytes.toString('hex'))
  }
  const groups = words.join('').match(/.{4}/g) ?? []
  const text = groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':')
  if (text === '0:0:0:0:0:0:0:1') return '::1'
  if (text === '0:0:0:0:0:0:0:0') return '::'
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(text)
  if (mapped !== null) {
    const v = (Number.parseInt(mapped[1], 16) << 16) | Number.parseInt(mapped[2], 16)
    return `::ffff:${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`
  }
  return text
}

const TCP_LISTEN = '0A'

/**
 * The TCP sockets the process listens on, from /proc; undefined where /proc
 * cannot tell (another OS, another user's process).
 */
export function listeningSockets(pid: number): ListeningSocket[] | undefined {
  const inodes = new Set<string>()
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let link: string
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        continue // closed meanwhile
      }
      const m = /^socket:\[(\d+)\]$/.exec(link)
      if (m !== null) inodes.add(m[1])
    }
  } catch {
    return undefined
  }
  const sockets: ListeningSocket[] = []
  for (const table of ['tcp', 'tcp6']) {
    let text: string
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/)
      if (fields.length < 10 || fields[3] !== TCP_LISTEN || !inodes.has(fields[9])) continue
      const [addressHex, portHex] = fields[1].split(':')
      sockets.push({ address: decodeProcAddress(addressHex), port: Number.parseInt(portHex, 16) })
    }
  }
  return sockets
}

export interface OpenInspectorOptions {
  /** the host to connect to when it is not loopback (--host) */
  host?: string
  /** where to look when /proc cannot tell (not Linux); the configured port by default */
  port?: number
  /** milliseconds to wait for the inspector to open */
  timeoutMs: number
  /**
   * told, before the signal is sent, what is about to happen (the CLI says it
   * to the user); with alreadyOpen, no signal is sent: the inspector was open
   */
  beforeSignal?: (info: { pid: number; name: string; port: number | undefined; alreadyOpen: boolean }) => void
  signal?: AbortSignal
}

export interface OpenedInspector {
  host: string
  port: number
  target: InspectorTarget
  /** what the files are named after: the script's base name */
  name: string
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A socket's address to connect to: a wildcard bind is reached on loopback. */
function connectAddress(s: ListeningSocket): string {
  if (s.address === '0.0.0.0') return '127.0.0.1'
  if (s.address === '::') return '::1'
  return s.address
}

/**
 * Opens the inspector of Node process `pid` with SIGUSR1 (said first through
 * `beforeSignal`) and finds where it listens. The process is only signalled,
 * never stopped: whatever fails, it keeps running.
 *
 * @example
 *   const { host, port, target } = await openNodeInspector(4242, { timeoutMs: 5000 })
 */
export async function openNodeInspector(pid: number, options: OpenInspectorOptions): Promise<OpenedInspector> {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new CaptureError(`${pid} is not a process id`)
  checkProcess(pid)
  const argv = commandLine(pid)
  const name = processName(argv, pid)
  const described = argv === undefined ? `process ${pid}` : `process ${pid} (${argv.join(' ').slice(0, 80)})`
  if (catchesSigusr1(pid) === false) {
    throw new CaptureError(
      `${described} does not handle SIGUSR1, so it is not a Node.js process whose inspector can be opened (the signal would end it); start it with --inspect and use --port`,
    )
  }
  const configured = options.port ?? configuredInspectorPort(argv, nodeOptionsOf(pid))
  const before = listeningSockets(pid)
  const reachable = (s: ListeningSocket): boolean => isLoopbackHost(connectAddress(s)) || (options.host !== undefined && s.address === options.host)
  let lastError: CaptureError | undefined
  const probe = async (host: string, port: number, probeTimeout: number): Promise<OpenedInspector | undefined> => {
    try {
      const targets = await listTargets(host, port, { timeoutMs: probeTimeout, ...(options.signal === undefined ? {} : { signal: options.signal }) })
      const target = targets.find((t) => t.type === 'node' && typeof t.webSocketDebuggerUrl === 'string')
      return target === undefined ? undefined : { host, port, target, name }
    } catch (err) {
      if (err instanceof CaptureError) lastError = err
      return undefined
    }
  }

  // An inspector already open (started with --inspect, or signalled before)
  // listens on a loopback address: look there first, and send no signal. A
  // server bound to all addresses (0.0.0.0) is the program's own, not asked.
  for (const s of before ?? []) {
    if (s.address !== '0.0.0.0' && s.address !== '::' && reachable(s)) {
      // Patient: a busy process answers late, and a wrong "not open" means a needless signal.
      const found = await probe(connectAddress(s), s.port, Math.min(options.timeoutMs, 5000))
      if (found !== undefined) {
        options.beforeSignal?.({ pid, name, port: s.port, alreadyOpen: true })
        return found
      }
    }
  }
  options.beforeSignal?.({ pid, name, port: configured === 0 ? undefined : configured, alreadyOpen: false })
  try {
    process.kill(pid, 'SIGUSR1')
  } catch (err) {
    checkProcess(pid)
    throw new CaptureError(`cannot send SIGUSR1 to process ${pid}: ${(err as Error).message}`, { cause: err })
  }

  const deadline = Date.now() + options.timeoutMs
  const tried = new Set<string>()
  for (let round = 0; Date.now() < deadline; round++) {
    if (options.signal?.aborted === true) throw new CaptureError('cancelled while waiting for the inspector to open')
    checkProcess(pid)
    const now = listeningSockets(pid)
    if (now === undefined) {
      // No /proc: the configured host and port are all there is to try.
      const found = await probe(options.host ?? '127.0.0.1', configured === 0 ? DEFAULT_INSPECTOR_PORT : configured, Math.min(options.timeoutMs, 1000))
      if (found !== undefined) return found
    } else {
      const seen = new Set((before ?? []).map((s) => `${s.address}:${s.port}`))
      const fresh = now.filter((s) => !seen.has(`${s.address}:${s.port}`) && reachable(s))
      // Without a new socket after ~0.5 s: the loopback ports the process
      // listens on, and the configured port even on all addresses
      // (--inspect=0.0.0.0); never another port open to all (the program's own).
      const wildcard = (s: ListeningSocket): boolean => s.address === '0.0.0.0' || s.address === '::'
      const others = now.filter((s) => !fresh.includes(s) && reachable(s) && round >= 10 && (s.port === configured || !wildcard(s)))
      for (const s of [...fresh, ...others]) {
        const key = `${s.address}:${s.port}`
        // A fresh socket is probed until it answers (the inspector may not serve yet); others once.
        if (!fresh.includes(s) && tried.has(key)) continue
        tried.add(key)
        const found = await probe(connectAddress(s), s.port, Math.min(options.timeoutMs, 1000))
        if (found !== undefined) return found
      }
    }
    await sleep(50)
  }
  checkProcess(pid)
  const why = lastError === undefined ? '' : ` (last try: ${lastError.message})`
  throw new CaptureError(
    `${described} did not open its inspector within ${options.timeoutMs / 1000} s${why}: was it started with --disable-sigusr1, or is its inspector port ${configured === 0 ? '' : configured + ' '}taken by another process? The process was left running`,
  )
}
