/** Running the built CLI as a separate process, and reading fixtures independently of our parser. */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { cliPath } from '../helpers/paths.js'

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
