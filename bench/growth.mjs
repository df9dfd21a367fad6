// Memory and time of `heapscope growth` over a series of one process (bench/generate-series.mjs),
// against one `summary` of the series' largest snapshot (the target: growth's peak RSS at most
// 1.5x summary's, its time about N parses plus one analysis).
//
//   flock /tmp/heapscope-bench.lock node bench/growth.mjs [--size 600] [--count 5] [--runs 1]
//   (HEAPSCOPE_ROOT=<folder with bin/ and dist/> to measure a copy of the build)
//
// Each measurement is a separate process under /usr/bin/time (wall seconds, peak RSS); the parse
// of each file alone is measured too (openSnapshot only), to compare growth with N parses.
// Prints a Markdown table of medians and writes bench/results/growth-<size>mb.json.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const size = option('--size', '600')
const count = Number(option('--count', '5'))
const runs = Number(option('--runs', '1'))
const files = Array.from({ length: count }, (_, i) => join(here, 'data', `series-${size}mb-${i + 1}.heapsnapshot`))
// HEAPSCOPE_ROOT: a copy of the repository's bin/ and dist/ (so a rebuild midway does not change what is measured).
const root = process.env.HEAPSCOPE_ROOT ?? join(here, '..')
const cli = join(root, 'bin', 'heapscope.js')
const library = join(root, 'dist', 'heapscope.js')

/** Runs node with `argv` under /usr/bin/time: { seconds, peakMiB }. */
function measure(argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`)
  const [seconds, kib] = r.stderr.trim().split('\n').pop().split(' ').map(Number)
  return { seconds, peakMiB: kib / 1024 }
}

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]
function repeat(argv) {
  const results = Array.from({ length: runs }, () => measure(argv))
  return { seconds: median(results.map((r) => r.seconds)), peakMiB: median(results.map((r) => r.peakMiB)) }
}

const parse = files.map((file) =>
  repeat(['--input-type=module', '-e', `import { openSnapshot } from '${library}'; await openSnapshot(${JSON.stringify(file)})`]),
)
const summary = repeat([cli, 'summary', files[files.length - 1], '--json'])
const growth = repeat([cli, 'growth', ...files, '--json'])
const parseSum = parse.reduce((x, p) => x + p.seconds, 0)
const result = { size, count, runs, parse, summary, growth, parseSum }
mkdirSync(join(here, 'results'), { recursive: true })
writeFileSync(join(here, 'results', `growth-${size}mb.json`), JSON.stringify(result, null, 2) + '\n')
console.log(`| what | wall s | peak RSS MiB |\n| --- | ---: | ---: |`)
for (const [i, p] of parse.entries()) console.log(`| parse series-${size}mb-${i + 1} | ${p.seconds.toFixed(1)} | ${p.peakMiB.toFixed(0)} |`)
console.log(`| summary series-${size}mb-${count} (parse + analysis) | ${summary.seconds.toFixed(1)} | ${summary.peakMiB.toFixed(0)} |`)
console.log(`| growth of the ${count} | ${growth.seconds.toFixed(1)} | ${growth.peakMiB.toFixed(0)} |`)
console.log(
  `\ngrowth / summary peak RSS: ${(growth.peakMiB / summary.peakMiB).toFixed(2)}x; growth time ${growth.seconds.toFixed(1)} s = ` +
    `${(growth.seconds / parseSum).toFixed(2)}x the ${count} parses (${parseSum.toFixed(1)} s)`,
)
