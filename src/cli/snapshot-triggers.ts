/**
 * When `capture` and `record` take their next snapshot: at once, every
 * `--every`, on each Enter, on a signal — up to `--count`, until `q`, the
 * end of input, Ctrl-C or the program's end. Turns those into the one
 * question the library's series asks: `next()` resolves true for "take one
 * now", false for "the series is over".
 */
import { createInterface, type Interface } from 'node:readline'

/** `30s`, `500ms`, `2m`, `1h`, `1.5s`, or a plain number of seconds → milliseconds. */
export function parseDuration(value: unknown): number {
  const text = String(value).trim()
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(text)
  if (m === null) throw new Error(`a duration is a number with a unit (ms, s, m, h), e.g. 30s or 500ms; got "${text}"`)
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's').toLowerCase() as 'ms' | 's' | 'm' | 'h']
  const ms = Math.round(Number(m[1]) * scale)
  if (ms < 1) throw new Error(`a duration must be at least 1 ms; got "${text}"`)
  return ms
}

/** A whole number of 1 or more, for --count. */
export function parseCount(value: unknown): number {
  const text = String(value).trim()
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`--count takes a whole number of snapshots, 1 or more; got "${text}"`)
  return Number(text)
}

export interface TriggerOptions {
  /** the first snapshot at once (capture), rather than at the first tick, key or signal (record) */
  immediate: boolean
  /** milliseconds between snapshots, counted from the previous one's start */
  everyMs?: number
  /** snapshots in all; unbounded when absent */
  count?: number
  /** lines typed here take a snapshot each; `q` or the end of input ends the series */
  keys?: NodeJS.ReadableStream
  /** this signal to heapscope takes a snapshot (record: SIGUSR2) */
  signal?: NodeJS.Signals
}

/**
 * The moments of a series. Several triggers while a snapshot is under way
 * make one more snapshot, not a queue of them.
 *
 * @example
 *   const triggers = new SnapshotTriggers({ immediate: true, everyMs: 30_000, count: 4 })
 *   await takeSnapshotSeries(session, { dir, next: () => triggers.next() })
 *   triggers.dispose()
 */
export class SnapshotTriggers {
  private taken = 0
  private pending: boolean
  private ended = false
  private wake: ((go: boolean) => void) | undefined
  private timer: NodeJS.Timeout | undefined
  private lines: Interface | undefined
  private readonly onSignal = (): void => this.fire()
  private readonly options: TriggerOptions

  constructor(options: TriggerOptions) {
    this.options = options
    this.pending = options.immediate
    if (options.everyMs !== undefined) this.timer = setInterval(() => this.fire(), options.everyMs)
    if (options.keys !== undefined) {
      this.lines = createInterface({ input: options.keys, terminal: false })
      this.lines.on('line', (line) => {
        if (/^\s*q(uit)?\s*$/i.test(line)) this.end()
        else this.fire()
      })
      this.lines.on('close', () => this.end())
    }
    if (options.signal !== undefined) process.on(options.signal, this.onSignal)
  }

  /** Resolves true when the next snapshot is due, false when the series is over. */
  next(): Promise<boolean> {
    if (this.ended || (this.options.count !== undefined && this.taken >= this.options.count)) return Promise.resolve(false)
    if (this.pending) {
      this.pending = false
      this.taken++
      return Promise.resolve(true)
    }
    return new Promise((resolve) => {
      this.wake = (go) => {
        this.wake = undefined
        if (go) this.taken++
        resolve(go)
      }
    })
  }

  /** Takes a snapshot now (or right after the one under way). */
  fire(): void {
    if (this.ended) return
    if (this.wake !== undefined) this.wake(true)
    else this.pending = true
  }

  /** Ends the series: the snapshot under way is the last. */
  end(): void {
    this.ended = true
    this.wake?.(false)
  }

  /** Stops the timer, the key reader and the signal handler. */
  dispose(): void {
    this.end()
    if (this.timer !== undefined) clearInterval(this.timer)
    this.lines?.removeAllListeners('close')
    this.lines?.close()
    if (this.options.signal !== undefined) process.off(this.options.signal, this.onSignal)
  }
}
