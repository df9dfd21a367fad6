/**
 * `heapscope summary` end to end: the built CLI in its own process, on the
 * real fixtures, checked against values computed here straight from the JSON
 * (gunzip + JSON.parse), not through our parser.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { loadFileWithDevTools } from '../helpers/devtools.js'
import { fixturePath } from '../helpers/paths.js'
import { readPlain, readRaw, runCli } from './cli-helpers.js'

const fixtures = readdirSync(fixturePath(''))
  .filter((f) => f.endsWith('.heapsnapshot.gz'))
  .sort()

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

function summaryOf(args: string[], input?: Buffer): SummaryJson {
  const r = runCli(['summary', ...args, '--json'], input)
  assert.equal(r.stderr, '')
  assert.equal(r.code, 0)
  return JSON.parse(r.stdout)
}

/** DevTools' Summary rows summed by class name (it splits a name by constructor location). */
async function devToolsClasses(file: string): Promise<Map<string, { count: number; self: number; maxRet: number }>> {
  const model = await loadFileWithDevTools(file)
  const aggregates: Record<string, { name: string; count: number; self: number; maxRet: number }> = model.aggregatesWithFilter(
    {} as Parameters<typeof model.aggregatesWithFilter>[0],
  )
  const out = new Map<string, { count: number; self: number; maxRet: number }>()
  for (const a of Object.values(aggregates)) {
    const c = out.get(a.name) ?? { count: 0, self: 0, maxRet: 0 }
    c.count += a.count
    c.self += a.self
    c.maxRet += a.maxRet
    out.set(a.name, c)
  }
  return out
}

/** A fixture's facts in fixtures/manifest.json, keyed by its name without `.heapsnapshot.gz`. */
interface ManifestEntry {
  kind: string
  hasAllocationTraces: boolean
  /** live objects per class name */
  classCounts?: Record<string, number>
}

function manifestEntry(name: string): ManifestEntry {
  const manifest: Record<string, ManifestEntry> = JSON.parse(readFileSync(fixturePath('manifest.json'), 'utf8'))
  const entry = manifest[name.replace(/\.heapsnapshot\.gz$/, '')]
  assert.ok(entry !== undefined, `fixtures/manifest.json has no entry for ${name}`)
  return entry
}

describe('heapscope summary --json on the fixtures', () => {
  it('has fixtures to run on', () => {
    assert.ok(fixtures.length > 0, 'no fixtures/*.heapsnapshot.gz')
  })

  for (const name of fixtures) {
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
      const byName = new Map(out.classes.map((c) => [c.name, c]))
      const reference = await devToolsClasses(file)
      assert.equal(out.totalSize, (await loadFileWithDevTools(file)).totalSize)
      assert.equal(byName.size, reference.size)
      for (const [cls, expected] of reference) {
        const got = byName.get(cls)
        assert.ok(got !== undefined, `class ${cls} missing`)
        assert.equal(got.count, expected.count, `count of ${cls}`)
        assert.equal(got.selfSize, expected.self, `shallow size of ${cls}`)
        assert.equal(got.retainedSize, expected.maxRet, `retained size of ${cls}`)
      }
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

  it('--top, --sort count and text output', () => {
    const file = fixturePath(fixtures[0])
    const all = summaryOf([file, '--top', '0', '--sort', 'count'])
    const top3 = summaryOf([file, '--top', '3', '--sort', 'count'])
    assert.deepEqual(top3.classes, all.classes.slice(0, 3))
    for (let i = 1; i < all.classes.length; i++) assert.ok(all.classes[i - 1].count >= all.classes[i].count)
    const byDefault = summaryOf([file])
    assert.equal(byDefault.classes.length, Math.min(20, byDefault.classCount))
    const text = runCli(['summary', file])
    assert.equal(text.code, 0)
    assert.equal(text.stderr, '')
    assert.match(text.stdout, new RegExp(`^Nodes +${all.nodeCount.toLocaleString('en-US')}$`, 'm'))
    assert.match(text.stdout, /^Top 20 of [\d,]+ classes by self size$/m)
    assert.ok(!text.stdout.includes('\u001b'), 'no colour when stdout is not a terminal')
  })

  it('summary - reads the snapshot from stdin, gzipped or plain', () => {
    const file = fixturePath(fixtures[0])
    const fromFile = summaryOf([file, '--top', '0'])
    for (const input of [readFileSync(file), readPlain(file)]) {
      const fromStdin = summaryOf(['-', '--top', '0'], input)
      assert.equal(fromStdin.file, '-')
      assert.deepEqual({ ...fromStdin, file }, fromFile)
    }
  })
})
