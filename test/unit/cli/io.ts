/** In-memory streams and contexts for running the CLI inside a test. */
import type { CliContext, OutputStream } from '../../../src/cli/context.js'
import type { Snapshot } from '../../../src/index.js'

export class Capture implements OutputStream {
  text = ''
  isTTY: boolean
  columns: number | undefined
  constructor(isTTY = false, columns?: number) {
    this.isTTY = isTTY
    this.columns = columns
  }
  write(chunk: string): boolean {
    this.text += chunk
    return true
  }
  get lines(): string[] {
    return this.text.split('\n').filter((l) => l !== '')
  }
}

export interface TestIo extends Partial<CliContext> {
  stdout: Capture
  stderr: Capture
  opened: string[]
}

/** A context whose openSnapshot returns `snapshot` (or throws `error`) and records the paths asked for. */
export function testIo(
  snapshot: () => Promise<Snapshot>,
  options: { stdoutTTY?: boolean; stderrTTY?: boolean; stdinTTY?: boolean; env?: Record<string, string> } = {},
): TestIo {
  const opened: string[] = []
  return {
    stdout: new Capture(options.stdoutTTY ?? false, 100),
    stderr: new Capture(options.stderrTTY ?? false, 100),
    env: options.env ?? {},
    stdinIsTTY: options.stdinTTY ?? false,
    opened,
    now: () => 0,
    openSnapshot: async (path, openOptions) => {
      opened.push(path)
      openOptions?.onProgress?.({ bytesRead: 10, totalBytes: 20 })
      return snapshot()
    },
  }
}
