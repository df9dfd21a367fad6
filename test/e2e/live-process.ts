/**
 * Real processes for the capture and record tests: start one, read its
 * output as it comes, wait for a line (never a fixed sleep), stop it by pid.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { cliPath } from '../helpers/paths.js'

export class LiveProcess {
  readonly child: ChildProcess
  stdout = ''
  stderr = ''
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private waiters: (() => void)[] = []

  constructor(command: string, args: readonly string[], options: SpawnOptions = {}) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options })
    this.child.stdout?.setEncoding('utf8')
    this.child.stderr?.setEncoding('utf8')
    this.child.stdout?.on('data', (text: string) => {
      this.stdout += text
      this.poke()
    })
    this.child.stderr?.on('data', (text: string) => {
      this.stderr += text
      this.poke()
    })
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        // Let the last output arrive before anyone reads it.
        setImmediate(() => {
          resolve({ code, signal })
          this.poke()
        })
      })
    })
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the process did not start')
    return this.child.pid
  }

  /** Whether the process is still running (signal 0 succeeds). */
  get alive(): boolean {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return false
    try {
      process.kill(this.pid, 0)
      return true
    } catch {
      return false
    }
  }

  write(text: string): void {
    this.child.stdin?.write(text)
  }

  /**
   * Waits until `pattern` matches what the process wrote to `stream` after
   * `from` characters (the text so far when absent is NOT skipped: pass
   * `p.stdout.length` to wait for new output); returns the match.
   */
  async waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs
    let exitedSeen = false
    void this.exited.then(() => {
      exitedSeen = true
    })
    for (;;) {
      const m = pattern.exec(this[stream].slice(from))
      if (m !== null) return m
      if (exitedSeen) throw new Error(`the process ended before ${stream} showed ${pattern}; stdout: ${this.stdout} stderr: ${this.stderr}`)
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on ${stream}; stdout: ${this.stdout} stderr: ${this.stderr}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Ends the process (SIGKILL by pid) if it still runs and waits for it. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
    await this.exited
  }

  /** Asks the process to end (SIGTERM), so it can take its own children with it; SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    await this.exited
    clearTimeout(timer)
  }

  /**
   * Stops a process started with `detached: true` (a process group of its
   * own) and every process it started: SIGTERM to the group, then waits until
   * no process of the group is left (SIGKILL after `graceMs`). A browser's
   * helpers (crash handler, utility processes) outlive the browser by a
   * moment and write to its profile until they end.
   */
  async stopGroup(graceMs = 5000): Promise<void> {
    const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
      try {
        process.kill(-this.pid, signal)
        return true
      } catch {
        return false // ESRCH: nothing of the group is left
      }
    }
    signalGroup('SIGTERM')
    const deadline = Date.now() + graceMs
    while (signalGroup(0)) {
      if (Date.now() > deadline) signalGroup('SIGKILL')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await this.exited
  }

  private poke(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}

/** Starts the built CLI (`node bin/heapscope.js ...args`). */
export function startCli(args: readonly string[], options: SpawnOptions = {}): LiveProcess {
  return new LiveProcess(process.execPath, [cliPath, ...args], { env: { ...process.env, NO_COLOR: '1' }, ...options })
}
