/** Running the built CLI as a separate process, and reading fixtures independently of our parser. */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { main } from '../../src/cli/main.js'
import { analyzeHeapAsync, openSnapshot, type HeapAnalysis, type Snapshot } from '../../src/index.js'
import { cliPath } from '../helpers/paths.js'
import { Capture } from '../unit/cli/io.js'

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs `node bin/heapscope.js ...args`, with `input` on stdin. */
export function runCli(args: string[], input?: Buffer | string): RunResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    input: input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  })
  if (r.error) throw r.error
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }
}

const snapshots = new Map<string, Promise<Snapshot>>()
const analyses = new Map<Snapshot, Promise<HeapAnalysis>>()

/** The snapshot of `file`, read once for the whole test file: what runHere's commands read too. */
export function openHere(file: string, options?: Parameters<typeof openSnapshot>[1]): Promise<Snapshot> {
  let s = snapshots.get(file)
  if (s === undefined) {
    s = openSnapshot(file, options)
    snapshots.set(file, s)
  }
  return s
}

/**
 * Runs the CLI's main() in this process (all the CLI but bin/heapscope.js's three lines), each
 * input file read and analysed once for the whole test file: the commands only read them. For the
 * cases after a command's first: a process of its own (runCli) would show nothing its first case
 * did not, and each spawn reads and analyses its inputs again (~1 s of CPU for a 4 MB fixture).
 */
export async function runHere(args: string[]): Promise<RunResult> {
  const stdout = new Capture()
  const stderr = new Capture()
  const code = await main(args, {
    stdout,
    stderr,
    env: { NO_COLOR: '1' },
    stdinIsTTY: false,
    openSnapshot: (file, options) => openHere(String(file), options),
    analyze: (s, options) => {
      let a = analyses.get(s)
      if (a === undefined) {
        a = analyzeHeapAsync(s, options)
        analyses.set(s, a)
      }
      return a
    },
  })
  return { code, signal: null, stdout: stdout.text, stderr: stderr.text }
}

/** A snapshot's JSON as V8 wrote it, parsed with JSON.parse (gunzipped first if needed): the independent reference. */
export interface RawSnapshot {
  snapshot: {
    meta: {
      node_fields: string[]
      node_types: [string[], ...unknown[]]
      edge_fields: string[]
      edge_types: [string[], ...unknown[]]
    }
    node_count: number
    edge_count: number
    extra_native_bytes?: number
  }
  nodes: number[]
  edges: number[]
  strings: string[]
  trace_tree?: unknown[]
}

export function readRaw(file: string): RawSnapshot {
  let bytes = readFileSync(file)
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
  return JSON.parse(bytes.toString('utf8'))
}

/** Plain-text bytes of a fixture (gunzipped). */
export function readPlain(file: string): Buffer {
  const bytes = readFileSync(file)
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes
}
