// Writes the benchmark's snapshots into bench/data/ with real V8, skipping files that exist.
//
//   node bench/generate.mjs [--only 20,150,600,1500,bigstrings] [--force]
//
// Each size runs programs/realistic-heap.mjs in its own Node process at a scale computed from
// the target size: the file grows linearly with the scale (measured on Node 20.20: 5.06 MB at
// scale ~0, then 31.8 MB per unit of scale). `bigstrings` runs programs/big-strings.mjs, whose
// `strings` section alone is over 512 MiB. A snapshot is written to a temporary name and renamed
// when complete, so an interrupted run never leaves a file that a later run would skip.
//
// Prints one line per file (size, node and edge counts, seconds to build and to write) and
// records the same in bench/data/generated.json.

import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const dataDir = join(here, 'data')

/** File size (bytes) at scale → 0, and per unit of scale: measured, see the comment above. */
const BASE_BYTES = 5.06e6
const BYTES_PER_SCALE = 31.8e6

/** What each target is: the program, its argument, the file. */
export const targets = {
  20: { program: 'realistic-heap.mjs', arg: scaleFor(20e6) },
  150: { program: 'realistic-heap.mjs', arg: scaleFor(150e6) },
  600: { program: 'realistic-heap.mjs', arg: scaleFor(600e6) },
  1500: { program: 'realistic-heap.mjs', arg: scaleFor(1500e6) },
  // 650k strings of 1000 characters: ~652 MB of string table, past V8's 536,870,888-character limit
  bigstrings: { program: 'big-strings.mjs', arg: 650_000 },
}

export function snapshotFile(name) {
  return join(dataDir, /^\d+$/.test(name) ? `bench-${name}mb.heapsnapshot` : `bench-${name}.heapsnapshot`)
}

function scaleFor(bytes) {
  return Number(((bytes - BASE_BYTES) / BYTES_PER_SCALE).toFixed(3))
}

/** Reads node_count and edge_count from the snapshot's header (the first few hundred bytes). */
function readCounts(file) {
  const fd = openSync(file, 'r')
  try {
    const buffer = Buffer.alloc(64 * 1024)
    const n = readSync(fd, buffer, 0, buffer.length, 0)
    const head = buffer.toString('latin1', 0, n)
    const nodes = /"node_count":(\d+)/.exec(head)
    const edges = /"edge_count":(\d+)/.exec(head)
    return { nodeCount: nodes ? Number(nodes[1]) : null, edgeCount: edges ? Number(edges[1]) : null }
  } finally {
    closeSync(fd)
  }
}

function main() {
  const args = process.argv.slice(2)
  const force = args.includes('--force')
  const onlyAt = args.indexOf('--only')
  const names = onlyAt >= 0 ? args[onlyAt + 1].split(',') : Object.keys(targets)
  for (const name of names) {
    if (!targets[name]) throw new Error(`unknown target ${name}; known: ${Object.keys(targets).join(', ')}`)
  }
  mkdirSync(dataDir, { recursive: true })
  const logFile = join(dataDir, 'generated.json')
  const log = existsSync(logFile) ? JSON.parse(readFileSync(logFile, 'utf8')) : {}

  for (const name of names) {
    const file = snapshotFile(name)
    if (existsSync(file) && !force) {
      console.log(`${name}: ${file} exists (${(statSync(file).size / 1e6).toFixed(1)} MB), skipped`)
      continue
    }
    const { program, arg } = targets[name]
    const partial = `${file}.partial`
    rmSync(partial, { force: true })
    const started = process.hrtime.bigint()
    const child = spawnSync(process.execPath, ['--max-old-space-size=16000', join(here, 'programs', program), String(arg), partial], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    if (child.status !== 0) {
      rmSync(partial, { force: true })
      throw new Error(`${name}: ${program} failed (${child.signal ?? `exit ${child.status}`})`)
    }
    renameSync(partial, file)
    const report = JSON.parse(child.stdout.trim().split('\n').pop())
    const entry = { file, program, arg, ...report, ...readCounts(file), totalSeconds: seconds }
    log[name] = entry
    writeFileSync(logFile, JSON.stringify(log, null, 2) + '\n')
    console.log(
      `${name}: ${(entry.bytes / 1e6).toFixed(1)} MB, ${entry.nodeCount} nodes, ${entry.edgeCount} edges; ` +
        `build ${entry.buildSeconds.toFixed(1)} s, write ${entry.snapshotSeconds.toFixed(1)} s, total ${seconds.toFixed(1)} s`,
    )
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main()
