// Writes a growth series for `heapscope growth`: <count> snapshots of ONE process
// (programs/realistic-heap.mjs in series mode), into bench/data/, skipping it when all exist.
//
//   node bench/generate-series.mjs [--size 600] [--count 5] [--force]
//
// The first snapshot is as large as bench-<size>mb (the same scale); each later one adds 2% of
// the tenants (a leak that grows in every interval), releases 1% of the oldest, and replaces a
// churn buffer of 2000 objects, so it is ~1% larger than the one before. Files:
// bench/data/series-<size>mb-<k>.heapsnapshot, k = 1..count.
import { spawnSync } from 'node:child_process'
import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { targets } from './generate.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const size = option('--size', '600')
const count = Number(option('--count', '5'))
if (!targets[size] || !/^\d+$/.test(size)) throw new Error(`unknown size ${size}; known: ${Object.keys(targets).filter((t) => /^\d+$/.test(t))}`)
if (!(count >= 3)) throw new Error('--count: 3 or more')

export const seriesFile = (k) => join(here, 'data', `series-${size}mb-${k}.heapsnapshot`)
const files = Array.from({ length: count }, (_, i) => seriesFile(i + 1))
if (files.every((f) => existsSync(f)) && !args.includes('--force')) {
  console.log(`series ${size}: all ${count} files exist, skipped`)
  process.exit(0)
}
const prefix = join(here, 'data', `series-${size}mb.partial`)
const started = Date.now()
const child = spawnSync(
  process.execPath,
  ['--max-old-space-size=16000', join(here, 'programs', 'realistic-heap.mjs'), String(targets[size].arg), prefix, 'series', String(count)],
  {
    stdio: ['ignore', 'inherit', 'inherit'],
  },
)
if (child.status !== 0) {
  for (let k = 1; k <= count; k++) rmSync(`${prefix}-${k}.heapsnapshot`, { force: true })
  throw new Error(`realistic-heap.mjs series failed (${child.signal ?? `exit ${child.status}`})`)
}
for (let k = 1; k <= count; k++) {
  renameSync(`${prefix}-${k}.heapsnapshot`, files[k - 1])
  console.log(`${files[k - 1]}: ${(statSync(files[k - 1]).size / 1e6).toFixed(1)} MB`)
}
console.log(`series ${size}: ${count} snapshots in ${((Date.now() - started) / 1000).toFixed(0)} s`)
