/**
 * `heapscope diff` end to end on real pairs from one process (with and
 * without allocation tracking), a pair from two processes, a
 * baseline/target/final triple, and the CI gate. Counts are checked against
 * an independent computation over the raw JSON (ids in one file and not the
 * other) and against the fixture programs' known leaks.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { diffSnapshots, allocationTraceOf, traceSite, computeClassNames } from '../../src/index.js'
import { fixturePath } from '../helpers/paths.js'
import { openHere, readRaw, runCli, runHere } from './cli-helpers.js'

const f = (name: string): string => fixturePath(`${name}.heapsnapshot.gz`)

const outputs = new Map<string, Promise<any>>()

/**
 * `heapscope diff ...args --json --top 0`, run once per distinct command line: the built CLI in a
 * process of its own for each pair's first diff, main() here (runHere, each file read and analysed
 * once) for the other groupings of a pair already read.
 */
function diffJson(args: string[], how: 'spawn' | 'here' = 'spawn'): Promise<any> {
  const key = JSON.stringify(args)
  let out = outputs.get(key)
  if (out === undefined) {
    const argv = ['diff', ...args, '--json', '--top', '0']
    out = (how === 'spawn' ? Promise.resolve(runCli(argv)) : runHere(argv)).then((r) => {
      assert.equal(r.code, 0, r.stderr)
      return JSON.parse(r.stdout)
    })
    outputs.set(key, out)
  }
  return out
}

/** Ids of objects named `name` in `after` and not in `before`, from the raw JSON: the independent count. */
function newIdsNamed(before: string, after: string, name: string): number {
  const ids = (file: string, only?: string): Set<number> => {
    const raw = readRaw(file)
    const fields = raw.snapshot.meta.node_fields
    const nf = fields.length
    const out = new Set<number>()
    for (let i = 0; i < raw.nodes.length; i += nf) {
      if (only === undefined || raw.strings[raw.nodes[i + fields.indexOf('name')]] === only) out.add(raw.nodes[i + fields.indexOf('id')])
    }
    return out
  }
  const old = ids(before)
  let count = 0
  for (const id of ids(after, name)) if (!old.has(id)) count++
  return count
}

describe('heapscope diff', () => {
  it('with allocation traces, groups by site and credits every leaked object to the leaking function', async () => {
    const doc = await diffJson([f('leak-traced-before'), f('leak-traced-after')])
    assert.equal(doc.matchedBy, 'id')
    assert.equal(doc.allocationTraces, true)
    assert.equal(doc.groupBy, 'site')
    // The two top groups are the leak: the LeakyThing constructor (its arrays and strings) and leakSomeThings.
    const top2 = doc.groups.slice(0, 3).map((g: { site?: { functionName: string } }) => g.site?.functionName)
    assert.ok(top2.includes('leakSomeThings') && top2.includes('LeakyThing'), JSON.stringify(top2))
    const leak = doc.groups.find((g: { site?: { functionName: string } }) => g.site?.functionName === 'leakSomeThings')
    assert.match(leak.site.scriptName, /leaky-app\.cjs$/)
    assert.equal(leak.site.line, 24)
    // Every one of the 500 new LeakyThing objects was allocated in leakSomeThings.
    const [a, b] = await Promise.all([openHere(f('leak-traced-before')), openHere(f('leak-traced-after'))])
    const { classIndex, names } = computeClassNames(b)
    let leaky = 0
    for (let n = 0; n < b.nodeCount; n++) {
      if (names[classIndex[n]] !== 'LeakyThing' || b.nodeTypeName(n) !== 'object' || a.ordinalOfId(b.nodeId[n]) >= 0) continue
      assert.equal(traceSite(b, allocationTraceOf(b, n)).functionName, 'leakSomeThings')
      leaky++
    }
    assert.equal(leaky, 500)
    assert.ok(leak.newCount >= 500)
    assert.ok(leak.retainedSize >= leak.newSize)
  })

  it('without traces, groups by class, counts exactly, and says how to turn tracking on', async () => {
    const doc = await diffJson([f('leak-plain-before'), f('leak-plain-after')])
    assert.equal(doc.groupBy, 'class')
    assert.equal(doc.allocationTraces, false)
    assert.match(doc.notes.join(' '), /--track-heap-objects/)
    const leaky = doc.groups.find((g: { key: string }) => g.key === 'LeakyThing')
    assert.equal(leaky.newCount, 500)
    assert.equal(leaky.newCount, newIdsNamed(f('leak-plain-before'), f('leak-plain-after'), 'LeakyThing'))
    assert.equal(leaky.freedCount, 0)
    const sum = doc.groups.reduce((s: number, g: { newCount: number }) => s + g.newCount, 0)
    assert.equal(sum, doc.totals.newCount)
  })

  it('detects snapshots of two processes and compares group totals instead', async () => {
    const doc = await diffJson([f('twoproc-a'), f('twoproc-b')])
    assert.equal(doc.matchedBy, 'aggregate')
    assert.ok(doc.agreeingIds < 0.8 * doc.sharedIds)
    assert.match(doc.notes[0], /different processes/)
    const leaky = doc.groups.find((g: { key: string }) => g.key === 'LeakyThing')
    assert.equal(leaky.newCount, 300)
    // Rows say what is known: each group's count and size on both sides (the programs made 500 and 800).
    assert.deepEqual([leaky.countBefore, leaky.countAfter], [500, 800])
    assert.equal(leaky.netSize, leaky.sizeAfter - leaky.sizeBefore)
    for (const g of doc.groups) {
      assert.equal(g.newCount - g.freedCount, g.countAfter - g.countBefore, g.key)
      assert.equal(g.newSize - g.freedSize, g.sizeAfter - g.sizeBefore, g.key)
    }
    const text = await runHere(['diff', f('twoproc-a'), f('twoproc-b'), '--no-tui'])
    assert.match(text.stdout, /Count before +Count after +Count change/)
    assert.match(text.stdout, /\nLeakyThing +500 +800 +\+300 /)
  })

  it('with three snapshots, counts the new objects still alive in the last', async () => {
    const doc = await diffJson([f('leak-traced-before'), f('leak-traced-after'), f('leak-traced-final'), '--by', 'class'], 'here')
    assert.equal(doc.leakCandidates, true)
    const leaky = doc.groups.find((g: { key: string }) => g.key === 'LeakyThing')
    assert.equal(leaky.newCount, 300)
  })

  it('stack grouping follows the allocation down from the entry point', async () => {
    const doc = await diffJson([f('leak-traced-before'), f('leak-traced-after'), '--by', 'stack'], 'here')
    const leak = doc.groups.find((g: { stack?: { functionName: string }[] }) => g.stack?.[0]?.functionName === 'leakSomeThings')
    assert.ok(leak !== undefined)
    assert.ok(leak.stack.some((frame: { functionName: string }) => frame.functionName === 'main'))
  })

  it('is a CI gate: exit 1 over the limit, 0 under, with a Markdown report', async () => {
    // Exit code 1 from the built CLI in a process of its own; the rest here.
    const over = runCli(['diff', f('leak-plain-before'), f('leak-plain-after'), '--fail-on-growth', '10KB', '--markdown'])
    assert.equal(over.code, 1)
    assert.match(over.stdout, /^### heapscope diff/)
    assert.match(over.stdout, /\*\*Memory gate failed:\*\*/)
    assert.match(over.stdout, /\| LeakyThing \| 500 \|/)
    assert.equal(over.stderr.trim().split('\n').length, 1)
    const under = await runHere(['diff', f('leak-plain-before'), f('leak-plain-after'), '--fail-on-growth', '50MB', '--markdown'])
    assert.equal(under.code, 0)
    assert.match(under.stdout, /Memory gate passed/)
    const bad = await runHere(['diff', f('leak-plain-before'), f('leak-plain-after'), '--fail-on-growth', 'lots'])
    assert.equal(bad.code, 2)
  })

  it('the library diff is the same as the CLI JSON', async () => {
    const [a, b] = await Promise.all([openHere(f('leak-plain-before')), openHere(f('leak-plain-after'))])
    const d = diffSnapshots(a, b)
    const doc = await diffJson([f('leak-plain-before'), f('leak-plain-after')])
    assert.deepEqual(d.totals, doc.totals)
  })
})
