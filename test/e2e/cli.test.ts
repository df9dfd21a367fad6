/**
 * `heapscope summary` end to end: the built CLI in its own process, on real
 * fixtures, checked against values computed here straight from the JSON
 * (gunzip + JSON.parse), not through our parser, and against DevTools'
 * Summary.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { assertSameClassesAsDevTools, loadFileWithDevTools } from '../helpers/devtools.js'
import { fixtureNames, manifestEntry } from '../helpers/fixtures.js'
import { fixturePath } from '../helpers/paths.js'
import { readPlain, readRaw, runCli, runHere } from './cli-helpers.js'

/**
 * The fixtures the CLI runs on, one spawn each: a Chromium page, a Node heap
 * with allocation traces (whose header undercounts its functions) and the
 * largest. The library's Summary of every fixture equals DevTools' in
 * test/unit/analysis/fixtures-devtools.test.ts; here the CLI prints it.
 */
const CLI_FIXTURES = ['chromium-detached.heapsnapshot.gz', 'node-traced.heapsnapshot.gz', 'example-after.heapsnapshot.gz']

interface SummaryJson {
  schemaVersion: number
  command: string
  file: string
  kind: string
  nodeCount: number
  edgeCount: number
  totalSelfSize: number
  extraNativeBytes: number
  hasAllocationTraces: boolean
  warnings: string[]
  classCount: number
  sort: string
  top: number
  classes: { name: string; count: number; selfSize: number; retainedSize?: number }[]
  totalSize?: number
}

const summaries = new Map<string, SummaryJson>()

/** `heapscope summary ...args --json`, run once per distinct command line and input. */
function summaryOf(args: string[], input?: Buffer): SummaryJson {
  const key = JSON.stringify(args) + (input === undefined ? '' : ` stdin ${input.length}`)
  const known = summaries.get(key)
  if (known !== undefined) return known
  const r = runCli(['summary', ...args, '--json'], input)
  assert.equal(r.stderr, '')
  assert.equal(r.code, 0)
  const out: SummaryJson = JSON.parse(r.stdout)
  summaries.set(key, out)
  return out
}

describe('heapscope summary --json on the fixtures', () => {
  it('has fixtures to run on', () => {
    for (const name of CLI_FIXTURES) assert.ok(fixtureNames.includes(name), `no fixtures/${name}`)
  })

  for (const name of CLI_FIXTURES) {
    it(`${name}: counts and total size equal the JSON's, classes equal DevTools'`, async () => {
      const file = fixturePath(name)
      const raw = readRaw(file)
      const out = summaryOf([file, '--top', '0'])
      const meta = raw.snapshot.meta
      assert.equal(out.schemaVersion, 1)
      assert.equal(out.command, 'summary')
      assert.equal(out.file, file)
      assert.equal(out.nodeCount, raw.snapshot.node_count)
      assert.equal(out.edgeCount, raw.snapshot.edge_count)
      assert.equal(out.nodeCount, raw.nodes.length / meta.node_fields.length)
      const sizeOf = meta.node_fields.indexOf('self_size')
      let sum = 0
      for (let i = sizeOf; i < raw.nodes.length; i += meta.node_fields.length) sum += raw.nodes[i]
      const extra = raw.snapshot.extra_native_bytes ?? 0
      assert.equal(out.extraNativeBytes, extra)
      assert.equal(out.totalSelfSize, sum + extra)
      // Class sizes add up to the self sizes (zero-size nodes count nowhere).
      assert.equal(
        out.classes.reduce((a, c) => a + c.selfSize, 0),
        sum,
      )
      assert.equal(out.classCount, out.classes.length)
      const traceOf = meta.node_fields.indexOf('trace_node_id')
      let traced = false
      if (traceOf !== -1) for (let i = traceOf; i < raw.nodes.length && !traced; i += meta.node_fields.length) traced = raw.nodes[i] !== 0
      assert.equal(out.hasAllocationTraces, traced)
      // Classes equal DevTools' Summary (its aggregates, summed by class name).
      const devTools = await loadFileWithDevTools(file)
      assert.equal(out.totalSize, devTools.totalSize)
      assertSameClassesAsDevTools(out.classes, devTools)
      // Sorted by self size, largest first.
      for (let i = 1; i < out.classes.length; i++) assert.ok(out.classes[i - 1].selfSize >= out.classes[i].selfSize)
    })

    it(`${name}: kind and manifest facts`, () => {
      const out = summaryOf([fixturePath(name), '--top', '0'])
      const entry = manifestEntry(name)
      assert.equal(out.kind, entry.kind)
      assert.equal(out.hasAllocationTraces, entry.hasAllocationTraces)
      // Exact counts of known classes (LeakyThing, Leaf, Response...), from the programs that made the fixtures.
      const byName = new Map(out.classes.map((c) => [c.name, c.count]))
      for (const [cls, count] of Object.entries(entry.classCounts ?? {})) assert.equal(byName.get(cls), count, `count of ${cls}`)
    })
  }

  it('--top, --sort count and text output', async () => {
    const file = fixturePath(CLI_FIXTURES[0])
    // The options run main() here, on the file read once; the text report in a process of its own.
    const here = async (args: string[]): Promise<SummaryJson> => {
      const r = await runHere(['summary', ...args, '--json'])
      assert.equal(r.code, 0, r.stderr)
      return JSON.parse(r.stdout)
    }
    const all = await here([file, '--top', '0', '--sort', 'count'])
    const top3 = await here([file, '--top', '3', '--sort', 'count'])
    assert.deepEqual(top3.classes, all.classes.slice(0, 3))
    for (let i = 1; i < all.classes.length; i++) assert.ok(all.classes[i - 1].count >= all.classes[i].count)
    const byDefault = await here([file])
    assert.equal(byDefault.classes.length, Math.min(20, byDefault.classCount))
    const text = runCli(['summary', file])
    assert.equal(text.code, 0)
    assert.equal(text.stderr, '')
    assert.match(text.stdout, new RegExp(`^Nodes +${all.nodeCount.toLocaleString('en-US')}$`, 'm'))
    assert.match(text.stdout, /^Top 20 of [\d,]+ classes by self size$/m)
    assert.ok(!text.stdout.includes('\u001b'), 'no colour when stdout is not a terminal')
  })

  it('summary - reads the snapshot from stdin, gzipped or plain', () => {
    const file = fixturePath(CLI_FIXTURES[0])
    const fromFile = summaryOf([file, '--top', '0'])
    for (const input of [readFileSync(file), readPlain(file)]) {
      const fromStdin = summaryOf(['-', '--top', '0'], input)
      assert.equal(fromStdin.file, '-')
      assert.deepEqual({ ...fromStdin, file }, fromFile)
    }
  })
})
