// The benchmark: heapscope side by side with peer tools, on the snapshots generate.mjs wrote.
//
//   node bench/run.mjs [--sizes 20,150,600,1500] [--runs 3] [--mode parse|analyze|all]
//                      [--tools heapscope,devtools,memlab,vscode,hsp,floor]
//                      [--timeout 1200] [--out bench/results/latest.json] [--append]
//   node bench/run.mjs --markdown [--out bench/results/latest.json]   (print its tables, run nothing)
//
// Every run is its own Node process (`runners/<tool>.mjs <mode> <file>`, with
// --max-old-space-size=20000), so no tool inherits another's heap or JIT state. The parent times
// each process from spawn to exit (process.hrtime) and reads the child's peak RSS from the JSON on
// its last stdout line (process.resourceUsage().maxRSS at exit, see runners/common.mjs). A child
// that crashes, runs out of memory or passes --timeout is recorded as `fail` with the first line
// of its error; its peak RSS then comes from polling /proc/<pid>/status (VmHWM) every 200 ms.
// Each file is read once, untimed, before its runs, so all tools find it in the page cache.
// Within one size the tools are interleaved run by run (A B C, A B C, …) so that drift in the
// machine's speed falls on all of them alike; the table shows medians over the runs.
// A tool that fails or is n/a at a size is not run again at that size, one that timed out is not
// run at larger sizes either, and one whose parse failed is skipped in analyze (which parses first).
//
// `--sizes` takes the names generate.mjs knows: 20, 150, 600, 1500 and bigstrings.
// `floor` in --tools stands for floor-read and floor-commas. `--append` keeps the blocks already in
// --out (replacing those of the same mode and size), so sizes can be run separately into one file.
// HEAPSCOPE_DIST=<folder> in the environment makes the heapscope runner import <folder>/heapscope.js
// instead of the repo's dist/ (pin a copy of the build for a long run). The tool `heapscope-base` is
// the same runner on the build in HEAPSCOPE_BASE_DIST: a change's before and after interleaved run
// by run, so that a change in the machine's speed falls on both alike.

import { execFileSync, spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { snapshotFile } from './generate.mjs'

const here = dirname(fileURLToPath(import.meta.url))

const TOOLS = {
  heapscope: { runner: 'heapscope.mjs', describe: 'heapscope (dist/src)' },
  'heapscope-base': { runner: 'heapscope.mjs', describe: 'heapscope, the build in $HEAPSCOPE_BASE_DIST', distFrom: 'HEAPSCOPE_BASE_DIST' },
  devtools: { runner: 'devtools.mjs', describe: 'DevTools model (heap-snapshot-toolkit)' },
  memlab: { runner: 'memlab.mjs', describe: '@memlab/core' },
  vscode: { runner: 'vscode.mjs', describe: '@vscode/v8-heap-parser (wasm)' },
  hsp: { runner: 'hsp.mjs', describe: 'heapsnapshot-parser' },
  'floor-read': { runner: 'floor-read.mjs', describe: 'read the bytes, 1 MB buffer' },
  'floor-commas': { runner: 'floor-commas.mjs', describe: 'read + count commas in JS' },
}
const MODES = ['parse', 'analyze']
/** Modes only heapscope has (its commands' own work after the analysis; the phases are in each run's check). Not in `all`. */
const HEAPSCOPE_MODES = ['retainers-class', 'cycles']
const CHILD_HEAP_MB = 20000

function parseArgs(argv) {
  const options = {
    sizes: ['20', '150', '600', '1500'],
    runs: 3,
    mode: 'all',
    tools: ['heapscope', 'devtools', 'memlab', 'vscode', 'hsp', 'floor'],
    timeout: 1200,
    out: join(here, 'results', 'latest.json'),
  }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2)
    const value = () => inline ?? argv[++i]
    switch (flag) {
      case '--sizes':
        options.sizes = value().split(',')
        break
      case '--runs':
        options.runs = Number(value())
        break
      case '--mode':
        options.mode = value()
        break
      case '--tools':
        options.tools = value().split(',')
        break
      case '--timeout':
        options.timeout = Number(value())
        break
      case '--out':
        options.out = value()
        break
      case '--append':
        options.append = true
        break
      case '--markdown':
        options.markdown = true
        break
      case '--help':
      case '-h':
        console.log(
          readFileSync(fileURLToPath(import.meta.url), 'utf8')
            .split('\n\n')[0]
            .replace(/^\/\/ ?/gm, ''),
        )
        process.exit(0)
        break // not reached: exit does not return
      default:
        throw new Error(`unknown option ${argv[i]} (try --help)`)
    }
  }
  options.tools = options.tools.flatMap((t) => (t === 'floor' ? ['floor-read', 'floor-commas'] : [t]))
  for (const t of options.tools) {
    if (!TOOLS[t]) throw new Error(`unknown tool ${t}; known: ${Object.keys(TOOLS).join(', ')}, floor`)
    if (TOOLS[t].distFrom && !process.env[TOOLS[t].distFrom]) throw new Error(`${t} needs ${TOOLS[t].distFrom}=<folder holding heapscope.js>`)
  }
  if (![...MODES, ...HEAPSCOPE_MODES, 'all'].includes(options.mode))
    throw new Error(`--mode must be parse, analyze, all or one of ${HEAPSCOPE_MODES.join(', ')}`)
  if (!(options.runs >= 1)) throw new Error('--runs must be at least 1')
  return options
}

/** Keeps the last `limit` characters of a stream. */
function tail(limit) {
  let text = ''
  return {
    push(chunk) {
      text += chunk
      if (text.length > 2 * limit) text = text.slice(-limit)
    },
    get text() {
      return text.slice(-limit)
    },
  }
}

/** Peak RSS (KiB) the kernel recorded for a live process, or 0. */
function readVmHWM(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/** The line of a crashed child's stderr that says why. */
function crashReason(stderr, code, signal) {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const telling = lines.find((l) => /FATAL ERROR|out of memory|Error\b|panicked|Aborted|Killed/i.test(l))
  const line = telling ?? lines.at(-1)
  const how = signal ? `killed by ${signal}` : `exit ${code}`
  return line ? `${line.slice(0, 200)} (${how})` : how
}

/** Spawns one run; resolves with its measurements, never rejects. */
function runOnce(tool, mode, file, timeoutSeconds) {
  return new Promise((resolve) => {
    const args = [`--max-old-space-size=${CHILD_HEAP_MB}`, join(here, 'runners', TOOLS[tool].runner), mode, file]
    const started = process.hrtime.bigint()
    const { distFrom } = TOOLS[tool]
    const env = distFrom ? { ...process.env, HEAPSCOPE_DIST: process.env[distFrom] } : process.env
    const child = spawn(process.execPath, args, { cwd: here, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const stdout = tail(64 * 1024)
    const stderr = tail(64 * 1024)
    child.stdout.setEncoding('utf8').on('data', (c) => stdout.push(c))
    child.stderr.setEncoding('utf8').on('data', (c) => stderr.push(c))
    let polledHWM = 0
    const poll = setInterval(() => {
      polledHWM = Math.max(polledHWM, readVmHWM(child.pid))
    }, 200)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutSeconds * 1000)
    let wallSeconds = 0
    child.on('exit', () => {
      wallSeconds = Number(process.hrtime.bigint() - started) / 1e9
    })
    child.on('error', (error) => {
      clearInterval(poll)
      clearTimeout(timer)
      resolve({ status: 'fail', error: `spawn: ${error.message}`, wallSeconds: 0 })
    })
    child.on('close', (code, signal) => {
      clearInterval(poll)
      clearTimeout(timer)
      const last = stdout.text.trim().split('\n').at(-1) ?? ''
      let report = null
      try {
        report = last.startsWith('{') ? JSON.parse(last) : null
      } catch {}
      if (timedOut) {
        resolve({ status: 'fail', error: `timeout after ${timeoutSeconds} s`, wallSeconds, maxRSSKiB: polledHWM || null, rssFrom: 'poll' })
      } else if (report && report.status === 'ok' && code === 0) {
        resolve({ status: 'ok', wallSeconds, maxRSSKiB: report.maxRSSKiB, innerSeconds: report.seconds, check: report.check })
      } else if (report && report.status === 'n/a') {
        resolve({ status: 'n/a', error: report.reason, wallSeconds, maxRSSKiB: report.maxRSSKiB })
      } else if (report && report.status === 'fail') {
        resolve({ status: 'fail', error: report.error, wallSeconds, maxRSSKiB: report.maxRSSKiB })
      } else {
        resolve({ status: 'fail', error: crashReason(stderr.text, code, signal), wallSeconds, maxRSSKiB: polledHWM || null, rssFrom: 'poll' })
      }
    })
  })
}

function median(values) {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function summarize(runs) {
  const ok = runs.filter((r) => r.status === 'ok')
  if (ok.length === 0) {
    const first = runs[0] ?? { status: 'skipped' }
    return { status: first.status, reason: first.error ?? first.reason, wallSeconds: null, maxRSSKiB: first.maxRSSKiB ?? null }
  }
  return {
    status: ok.length === runs.length ? 'ok' : 'partial',
    wallSeconds: median(ok.map((r) => r.wallSeconds)),
    innerSeconds: median(ok.map((r) => r.innerSeconds)),
    maxRSSKiB: median(ok.map((r) => r.maxRSSKiB)),
    okRuns: ok.length,
  }
}

/** node_count and edge_count from the file's first 64 KiB. */
function readCounts(file) {
  const buffer = Buffer.alloc(64 * 1024)
  const fd = openSync(file, 'r')
  let n = 0
  try {
    n = readSync(fd, buffer, 0, buffer.length, 0)
  } finally {
    closeSync(fd)
  }
  const head = buffer.toString('latin1', 0, n)
  return {
    nodeCount: Number(/"node_count":(\d+)/.exec(head)?.[1] ?? NaN),
    edgeCount: Number(/"edge_count":(\d+)/.exec(head)?.[1] ?? NaN),
  }
}

/** Reads the file once, untimed, so that the first tool measured does not pay for the disk. */
function warmPageCache(file) {
  const buffer = Buffer.allocUnsafe(1 << 20)
  const fd = openSync(file, 'r')
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd)
  }
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'), 'utf8')).version
  } catch {
    return null
  }
}

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

function distBuiltAt() {
  try {
    return statSync(join(process.env.HEAPSCOPE_DIST ?? join(here, '..', 'dist'), 'heapscope.js')).mtime.toISOString()
  } catch {
    return null
  }
}

function machine() {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  }
}

// ---- the table ----

const fmt = {
  seconds: (s) => (s == null ? '—' : s < 10 ? s.toFixed(2) : s.toFixed(1)),
  mib: (kib) => (kib == null ? '—' : (kib / 1024).toFixed(0)),
  ratio: (x, base) => (x == null || base == null || base === 0 ? '—' : `${(x / base).toFixed(x / base < 10 ? 2 : 1)}×`),
  count: (n) => (Number.isFinite(n) ? n.toLocaleString('en-US') : '?'),
}

/** The table of one block: a header row, then one row per tool; the last column is the note. */
function tableRows(block) {
  const base = block.tools.heapscope?.summary
  const baseOk = base && base.wallSeconds != null
  const rows = [['tool', 'wall s', 'in-process s', 'peak RSS MiB', 'time vs hs', 'RSS vs hs', 'note']]
  for (const [tool, { summary }] of Object.entries(block.tools)) {
    const note =
      summary.status === 'ok'
        ? ''
        : summary.status === 'partial'
          ? `${summary.okRuns} of ${block.runs} runs ok`
          : `${summary.status}: ${summary.reason ?? ''}` +
            (summary.status === 'fail' && summary.maxRSSKiB ? ` (peak RSS ${fmt.mib(summary.maxRSSKiB)} MiB)` : '')
    rows.push([
      tool,
      fmt.seconds(summary.wallSeconds),
      fmt.seconds(summary.innerSeconds),
      summary.wallSeconds == null ? '—' : fmt.mib(summary.maxRSSKiB),
      baseOk ? fmt.ratio(summary.wallSeconds, base.wallSeconds) : '—',
      baseOk && summary.wallSeconds != null ? fmt.ratio(summary.maxRSSKiB, base.maxRSSKiB) : '—',
      note,
    ])
  }
  return rows
}

function blockTitle(block) {
  return (
    `${block.mode} — ${block.file.replace(/^.*\/bench\//, 'bench/')} ` +
    `(${(block.bytes / 1e6).toFixed(1)} MB, ${fmt.count(block.nodeCount)} nodes, ${fmt.count(block.edgeCount)} edges), ` +
    `median of ${block.runs} run${block.runs > 1 ? 's' : ''}`
  )
}

function renderTable(block) {
  const rows = tableRows(block)
  const NOTE = rows[0].length - 1
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (c === NOTE ? 0 : r[c].length))))
  const line = (r) =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : c === NOTE ? cell : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd()
  return [blockTitle(block), ...rows.map(line)].join('\n')
}

function renderMarkdown(block) {
  const [header, ...rows] = tableRows(block)
  const align = header.map((_, c) => (c === 0 || c === header.length - 1 ? '---' : '---:'))
  const line = (r) => `| ${r.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`
  return [`**${blockTitle(block)}**`, '', line(header), line(align), ...rows.map(line)].join('\n')
}

// ---- main ----

async function main() {
  const options = parseArgs(process.argv.slice(2))
  if (options.markdown) {
    const saved = JSON.parse(readFileSync(options.out, 'utf8'))
    console.log(saved.blocks.map(renderMarkdown).join('\n\n'))
    return
  }
  const modes = options.mode === 'all' ? MODES : [options.mode]
  const results = {
    startedAt: new Date().toISOString(),
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machine(),
    heapscopeCommit: git('rev-parse', '--short', 'HEAD'),
    heapscopeWorkTreeDirty: (git('status', '--porcelain', '--', '../src') ?? '') !== '',
    peers: Object.fromEntries(['heap-snapshot-toolkit', '@memlab/core', '@vscode/v8-heap-parser', 'heapsnapshot-parser'].map((p) => [p, packageVersion(p)])),
    childHeapMB: CHILD_HEAP_MB,
    timeoutSeconds: options.timeout,
    // with HEAPSCOPE_DIST the commit above describes the work tree, not the pinned copy: its build time does
    heapscopeDist: process.env.HEAPSCOPE_DIST ?? 'dist',
    heapscopeBaseDist: process.env.HEAPSCOPE_BASE_DIST ?? null,
    heapscopeDistBuiltAt: distBuiltAt(),
    blocks: [],
  }
  if (options.append && existsSync(options.out)) {
    const previous = JSON.parse(readFileSync(options.out, 'utf8'))
    results.previousRuns = [...(previous.previousRuns ?? []), { ...previous, blocks: undefined, previousRuns: undefined }]
    results.blocks = previous.blocks
  }
  const save = () => {
    mkdirSync(dirname(options.out), { recursive: true })
    results.finishedAt = new Date().toISOString()
    results.machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)))
    writeFileSync(options.out, JSON.stringify(results, null, 2) + '\n')
  }
  const timedOutAt = new Map() // "mode/tool" → size name where it timed out
  const parseFailed = new Map() // "size/tool" → error, when its parse failed in this invocation

  for (const size of options.sizes) {
    const file = snapshotFile(size)
    if (!existsSync(file)) {
      console.error(`${file} is missing: run node bench/generate.mjs --only ${size}`)
      continue
    }
    const { nodeCount, edgeCount } = readCounts(file)
    warmPageCache(file)
    for (const mode of modes) {
      const block = { mode, size, file, bytes: statSync(file).size, nodeCount, edgeCount, runs: options.runs, tools: {} }
      for (const tool of options.tools) block.tools[tool] = { runs: [] }
      for (let run = 0; run < options.runs; run++) {
        for (const tool of options.tools) {
          const entry = block.tools[tool]
          if (entry.stop) continue
          const earlier = timedOutAt.get(`${mode}/${tool}`)
          if (earlier) {
            entry.runs.push({ status: 'skipped', error: `timed out at ${earlier}` })
            entry.stop = true
            continue
          }
          if (mode === 'analyze' && parseFailed.has(`${size}/${tool}`)) {
            // analyze parses first: it would fail the same way, only later
            entry.runs.push({ status: 'skipped', error: `parse failed: ${parseFailed.get(`${size}/${tool}`)}` })
            entry.stop = true
            continue
          }
          const result = await runOnce(tool, mode, file, options.timeout)
          entry.runs.push(result)
          const shown = result.status === 'ok' ? `${fmt.seconds(result.wallSeconds)} s, ${fmt.mib(result.maxRSSKiB)} MiB` : `${result.status}: ${result.error}`
          console.error(`  ${mode} ${size} run ${run + 1}/${options.runs} ${tool}: ${shown}`)
          if (result.status !== 'ok') entry.stop = true
          if (result.status === 'fail' && /^timeout/.test(result.error)) timedOutAt.set(`${mode}/${tool}`, size)
          if (result.status === 'fail' && mode === 'parse') parseFailed.set(`${size}/${tool}`, result.error)
        }
      }
      for (const entry of Object.values(block.tools)) {
        entry.summary = summarize(entry.runs)
        delete entry.stop
      }
      results.blocks = results.blocks.filter((b) => !(b.mode === mode && b.size === size))
      results.blocks.push(block)
      save()
      console.log('\n' + renderTable(block))
    }
  }
  save()
  console.log(`\nwrote ${relative(process.cwd(), options.out)}`)
}

await main()
