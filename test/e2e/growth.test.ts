/**
 * `heapscope growth` on real series written by V8 (fixtures/programs/growth-app):
 * one process, three snapshots, with and without allocation tracking. Between
 * two snapshots the program adds 200 Session (to a Map), 100 AuditEntry (to an
 * array) and 50 handlers (to an object used as a dictionary), replaces the 300
 * Frame of a churn buffer, and keeps 50 Config. Checked against the program's
 * own counts, against each snapshot's Summary (DevTools-checked elsewhere), and
 * against diff of each interval (new objects, matched by id).
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { computeSnapshotSummary, diffSnapshots, GrowthSeries, type Snapshot, type SnapshotGrowth } from '../../src/index.js'
import { computeShallowSizes } from '../../src/analysis/retained-size.js'
import { fixturePath } from '../helpers/paths.js'
import { openHere, runCli, runHere } from './cli-helpers.js'

const f = (name: string): string => fixturePath(`${name}.heapsnapshot.gz`)
const series = (mode: string): string[] => [1, 2, 3].map((k) => f(`growth-${mode}-${k}`))

async function grow(snapshots: Snapshot[], groupBy?: 'site' | 'class' | 'constructor'): Promise<SnapshotGrowth> {
  const g = new GrowthSeries(groupBy === undefined ? {} : { groupBy })
  for (const s of snapshots) g.add(s)
  return g.finish(snapshots[snapshots.length - 1], { maxCollections: Infinity })
}

describe('heapscope growth', () => {
  let plain: Snapshot[]
  let traced: Snapshot[]
  before(async () => {
    // Read once, for these tests and the CLI runs here (runHere).
    plain = await Promise.all(series('plain').map((file) => openHere(file)))
    traced = await Promise.all(series('traced').map((file) => openHere(file)))
  })

  it('without traces, counts each class in each snapshot as its Summary does, and tells growth from churn and a stable set', async () => {
    const g = await grow(plain)
    assert.equal(g.groupBy, 'class')
    assert.equal(g.allocationTraces, false)
    const byName = (name: string) => g.groups.find((group) => group.className === name && group.location !== undefined)
    // The program's own counts.
    assert.deepEqual(byName('Session')?.counts, [200, 400, 600])
    assert.deepEqual(byName('Session')?.newPerInterval, [200, 200])
    assert.equal(byName('Session')?.monotonic, true)
    assert.deepEqual(byName('AuditEntry')?.counts, [100, 200, 300])
    assert.deepEqual(byName('Frame')?.counts, [300, 300, 300])
    assert.deepEqual(byName('Frame')?.newPerInterval, [300, 300])
    assert.equal(byName('Frame')?.monotonic, false)
    assert.deepEqual(byName('Config')?.counts, [50, 50, 50])
    assert.deepEqual(byName('Config')?.newPerInterval, [0, 0])
    assert.equal(byName('Config')?.monotonic, false)
    // Monotonic groups first.
    const firstOther = g.groups.findIndex((group) => !group.monotonic)
    assert.ok(g.groups.slice(firstOther).every((group) => !group.monotonic))
    // Every class, in every snapshot: the count and shallow size its Summary gives.
    for (const [k, s] of plain.entries()) {
      const summary = computeSnapshotSummary(s, { shallowSize: computeShallowSizes(s) })
      const counted = new Map<string, [number, number]>()
      for (const group of g.groups) {
        const c = counted.get(group.className as string) ?? [0, 0]
        counted.set(group.className as string, [c[0] + group.counts[k], c[1] + group.sizes[k]])
      }
      for (const cls of summary.classes) assert.deepEqual(counted.get(cls.name), [cls.count, cls.selfSize], `${cls.name} in snapshot ${k + 1}`)
      assert.equal(
        g.totals.counts[k],
        summary.classes.reduce((x, c) => x + c.count, 0),
      )
    }
  })

  it('with traces, groups by site; the new objects of each interval are those diff finds', async () => {
    const g = await grow(traced)
    assert.equal(g.groupBy, 'site')
    const site = (fn: string) => g.groups.find((group) => group.site?.functionName === fn)
    for (const fn of ['recordSession', 'audit', 'makeHandler']) assert.equal(site(fn)?.monotonic, true, fn)
    // The churn's 300 Frames come and go: 300 new ones in every interval, and no growth.
    const churn = site('refreshFrames')
    assert.ok(churn !== undefined)
    assert.equal(churn.monotonic, false)
    assert.ok(churn.newPerInterval.every((n) => n >= 300))
    assert.ok(churn.counts[2] <= churn.counts[1])
    for (let k = 0; k < 2; k++) {
      const d = diffSnapshots(traced[k], traced[k + 1], { groupBy: 'site' })
      for (const group of g.groups) {
        const newInDiff = d.groups.find((x) => x.key === group.key)?.newCount ?? 0
        assert.equal(group.newPerInterval[k], newInDiff, `${group.key}, interval ${k + 1}`)
      }
    }
  })

  it('gives the same result with the shallow sizes computed on a helper thread (addAsync)', async () => {
    const g = new GrowthSeries({ helperThread: true })
    for (const s of plain) await g.addAsync(s)
    assert.deepEqual(g.finish(plain[2], { maxCollections: Infinity }), await grow(plain))
  })

  it('finds the collections that grow in every interval, matched by id, with the path that holds each', async () => {
    const g = await grow(plain)
    const held = (name: string) => g.collections.find((c) => c.retainerPath?.edges.some((e) => plain[2].edgeName(e) === name))
    assert.deepEqual(held('sessions')?.lengths, [200, 400, 600])
    assert.equal(held('sessions')?.kind, 'Map')
    assert.deepEqual(held('auditLog')?.lengths, [100, 200, 300])
    assert.equal(held('auditLog')?.kind, 'Array')
    assert.deepEqual(held('handlers')?.lengths, [50, 100, 150])
    assert.equal(held('handlers')?.kind, 'Object')
    // The churn buffer is a new array each time: no collection.
    assert.equal(held('frames'), undefined)
    for (const c of g.collections) {
      assert.equal(c.monotonic, true)
      for (let k = 1; k < c.lengths.length; k++) assert.ok(c.lengths[k] > c.lengths[k - 1])
    }
  })

  it('CLI: --json as documented; --fail-on-growth with --markdown; refuses snapshots of two processes and fewer than three', async () => {
    // The JSON from the built CLI in a process of its own; the gate and the refusals from main() here, on the files read once.
    const json = runCli(['growth', ...series('traced'), '--json', '--top', '0', '--source-maps', fixturePath('programs/growth-app/build')])
    assert.equal(json.code, 0, json.stderr)
    const doc = JSON.parse(json.stdout)
    assert.equal(doc.schemaVersion, 1)
    assert.equal(doc.command, 'growth')
    assert.deepEqual(doc.files, series('traced'))
    assert.equal(doc.groupBy, 'site')
    for (const group of doc.groups) {
      assert.equal(group.counts.length, 3)
      assert.equal(group.sizes.length, 3)
      assert.equal(group.newPerInterval.length, 2)
      assert.equal(typeof group.monotonic, 'boolean')
    }
    // Sites of the TypeScript program in its .ts source, with V8's position in the built .js kept.
    const recordSession = doc.groups.find((group: { site?: { functionName: string } }) => group.site?.functionName === 'recordSession')
    assert.match(recordSession.key, /^recordSession \S*growth-app\.ts:\d+:\d+$/)
    assert.match(recordSession.site.scriptName, /growth-app\.js$/)
    assert.match(recordSession.site.original.source, /growth-app\.ts$/)
    const sessions = doc.collections.find((c: { retainerPath: string | null }) => c.retainerPath?.includes('.sessions'))
    assert.deepEqual(sessions.lengths, [200, 400, 600])
    assert.equal(sessions.kind, 'Map')
    assert.match(sessions.retainerPath, /\.sessions -> Map @\d+$/)

    const gate = await runHere(['growth', ...series('plain'), '--fail-on-growth', '1KB', '--markdown'])
    assert.equal(gate.code, 1)
    assert.match(gate.stdout, /^### heapscope growth/)
    assert.match(gate.stdout, /\*\*Memory gate failed:\*\*/)
    assert.match(gate.stdout, /\| Session [^|]*\| 200 -\\> 400 -\\> 600 \|/)
    assert.equal(gate.stderr.trim().split('\n').length, 1)

    const mixed = await runHere(['growth', f('growth-plain-1'), f('growth-traced-2'), f('growth-plain-3')])
    assert.equal(mixed.code, 2)
    assert.match(mixed.stderr, /growth-traced-2\.heapsnapshot\.gz: not a snapshot of the process that wrote .*growth-plain-1/)
    assert.equal(mixed.stderr.trim().split('\n').length, 1)

    const two = await runHere(['growth', f('growth-plain-1'), f('growth-plain-2')])
    assert.equal(two.code, 2)
    assert.match(two.stderr, /three or more snapshots/)
  })
})
