/**
 * The leak's story through the CLI, on the real snapshots of
 * fixtures/programs/patterns.cjs and detached-identical.html, run in this
 * process (each snapshot parsed once): every new object of a diff group is
 * in one retainer cluster and listed with its path; the two ways the
 * program holds its CacheEntry objects are two clusters with the counts it
 * planted; classes inside a site; V8's internals only when asked; groups
 * ranked by retained size; `retainers --class`, `cycles` and `detached`
 * documents as the README describes them. Independent references: the
 * program's own counts, DevTools' distances (an object has a path exactly
 * when its distance is not NO_DISTANCE), the retained sizes of objects no
 * other dominates.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { main } from '../../../src/cli/main.js'
import { analyzeHeapAsync, findCycles, NO_DISTANCE, openSnapshot, type HeapAnalysis, type Snapshot } from '../../../src/index.js'
import { formatClusterPathText } from '../../../src/report/clusters.js'
import { renderCyclesText } from '../../../src/report/cycles.js'
import { formatBytes, formatCount } from '../../../src/report/format.js'
import { fixturePath } from '../../helpers/paths.js'
import { Capture } from './io.js'

const file = (name: string): string => fixturePath(`${name}.heapsnapshot.gz`)
const snapshots = new Map<string, Promise<Snapshot>>()
const analyses = new Map<Snapshot, Promise<HeapAnalysis>>()
const analysisOf = (s: Snapshot): Promise<HeapAnalysis> => {
  if (!analyses.has(s)) analyses.set(s, analyzeHeapAsync(s))
  return analyses.get(s) as Promise<HeapAnalysis>
}

/** Runs the CLI here, each fixture parsed and analysed once for the whole file; returns stdout. */
async function run(argv: string[]): Promise<string> {
  const stdout = new Capture()
  const stderr = new Capture()
  const code = await main(argv, {
    stdout,
    stderr,
    env: {},
    stdinIsTTY: false,
    now: () => 0,
    openSnapshot: (path) => {
      let s = snapshots.get(path)
      if (s === undefined) {
        s = openSnapshot(path)
        snapshots.set(path, s)
      }
      return s
    },
    analyze: (s) => analysisOf(s),
  })
  assert.equal(code, 0, stderr.text)
  return stdout.text
}

interface Cluster {
  count: number
  selfSize: number
  retainedSize: number
  path: string
  steps: { edge: string; edgeType: string; className: string }[]
  exampleIds: number[]
}

describe('diff: every new object of a group, by class, by retainer path, one by one', () => {
  let after: Snapshot
  let a: HeapAnalysis
  let doc: any
  let withInternals: any
  let text: string
  let markdown: string
  before(async () => {
    doc = JSON.parse(await run(['diff', file('patterns-before'), file('patterns-after'), '--json', '--top', '0', '--objects', '0']))
    withInternals = JSON.parse(
      await run(['diff', file('patterns-before'), file('patterns-after'), '--json', '--top', '0', '--objects', '0', '--internals', '--sort', 'retained']),
    )
    text = await run(['diff', file('patterns-before'), file('patterns-after')])
    markdown = await run(['diff', file('patterns-before'), file('patterns-after'), '--markdown'])
    after = await (snapshots.get(file('patterns-after')) as Promise<Snapshot>)
    a = await analysisOf(after)
  })

  it('clusters cover exactly the reachable new objects of each group', () => {
    for (const g of doc.groups) {
      const clustered = g.retainerClusters.reduce((sum: number, c: Cluster) => sum + c.count, 0)
      assert.equal(clustered, g.reachableNewCount, g.key)
      // Reachable: a distance that is not NO_DISTANCE (DevTools' distances, checked node for node elsewhere).
      const members = withInternals.groups.find((x: any) => x.key === g.key).largestNew
      assert.equal(members.length, g.newCount, `${g.key}: --objects 0 --internals lists every new object`)
      const reachable = members.filter((o: any) => a.distance[after.ordinalOfId(o.id)] !== NO_DISTANCE).length
      assert.equal(g.reachableNewCount, reachable, g.key)
      for (let i = 1; i < g.retainerClusters.length; i++) assert.ok(g.retainerClusters[i - 1].retainedSize >= g.retainerClusters[i].retainedSize)
    }
  })

  it('splits the CacheEntry objects of makeEntry into the two ways the program holds them: 600 and 400', () => {
    const site = doc.groups.find((g: any) => g.site?.functionName === 'makeEntry')
    assert.ok(site !== undefined)
    const entries = site.retainerClusters.filter((c: Cluster) => c.steps[c.steps.length - 1].className === 'CacheEntry')
    assert.deepEqual(
      entries.map((c: Cluster) => [c.count, c.path]),
      [
        [600, 'global / .patterns -> Object .entryCache -> Map {table} -> (array) [] -> CacheEntry'],
        [400, 'global / .patterns -> Object .queue -> Object .pending -> Array [] -> CacheEntry'],
      ],
    )
    // No CacheEntry dominates another: each cluster retains the sum of its members' retained sizes.
    for (const c of entries) assert.equal(c.exampleIds.length, 5)
    const ids = new Set(entries.flatMap((c: Cluster) => c.exampleIds))
    assert.equal(ids.size, 10)
    const cacheEntries = site.largestNew.filter((o: any) => o.name.startsWith('CacheEntry '))
    assert.equal(cacheEntries.length, 1000)
    const sum = cacheEntries.reduce((total: number, o: any) => total + a.retainedSize[after.ordinalOfId(o.id)], 0)
    assert.equal(entries[0].retainedSize + entries[1].retainedSize, sum)
    // The class breakdown: 1,000 CacheEntry retaining that much, and counts and sizes that add up to the group's.
    const byClass = site.classes.find((c: any) => c.name === 'CacheEntry')
    assert.deepEqual([byClass.count, byClass.retainedSize], [1000, sum])
    assert.equal(
      site.classes.reduce((total: number, c: any) => total + c.count, 0),
      site.newCount,
    )
    assert.equal(
      site.classes.reduce((total: number, c: any) => total + c.size, 0),
      site.newSize,
    )
  })

  it("lists every new object with its retainer path, largest retained first, V8's internals only with --internals", () => {
    const internal = (id: number): boolean => {
      const n = after.ordinalOfId(id)
      return ['code', 'hidden', 'object shape'].includes(after.nodeTypeName(n))
    }
    let internals = 0
    for (const g of doc.groups) {
      for (const o of g.largestNew) {
        assert.ok(!internal(o.id), `${g.key}: ${o.name} is one of V8's internals`)
        const n = after.ordinalOfId(o.id)
        assert.equal(o.retainedSize, a.retainedSize[n])
        // A path exactly when the object is reachable; it ends at the object, named by its class.
        assert.equal(o.retainerPath !== null, a.distance[n] !== NO_DISTANCE, o.name)
        if (o.retainerPath !== null) assert.ok(o.retainerPath.endsWith(`@${o.id}`), o.retainerPath)
      }
      for (let i = 1; i < g.largestNew.length; i++) assert.ok(g.largestNew[i - 1].retainedSize >= g.largestNew[i].retainedSize)
    }
    for (const g of withInternals.groups) internals += g.largestNew.filter((o: any) => internal(o.id)).length
    assert.ok(internals > 0, 'with --internals the compiled code and maps are listed too')
  })

  it('ranks groups by retained size with --sort retained', () => {
    const retained = withInternals.groups.map((g: any) => g.retainedSize)
    assert.deepEqual(
      retained,
      [...retained].sort((x: number, y: number) => y - x),
    )
    assert.notDeepEqual(
      doc.groups.map((g: any) => g.key),
      withInternals.groups.map((g: any) => g.key),
    )
  })

  it('the text says what holds each detailed group: its largest clusters, the path of each on a line of its own', () => {
    // The group that grew the most (plant(): 3,000 connections, 300 widgets), the first detailed.
    const site = doc.groups[0]
    const block = text.slice(text.indexOf(`\n${site.key}: `))
    assert.ok(block.length < text.length, `the text details ${site.key}:\n${text}`)
    assert.ok(site.retainerClusters.length > 3)
    const lines = block.split('\n')
    const held = lines.indexOf('  held by:')
    assert.ok(held > 0, block)
    site.retainerClusters.slice(0, 3).forEach((c: Cluster, i: number) => {
      const ids = c.exampleIds.slice(0, 3).map((id) => `@${id}`)
      const objects = `${formatCount(c.count)} ${c.count === 1 ? 'object' : 'objects'}`
      assert.equal(lines[held + 1 + 2 * i], `    ${objects}, ${formatBytes(c.retainedSize)} retained (self ${formatBytes(c.selfSize)}), e.g. ${ids.join(', ')}`)
      // Short paths read as the analysis writes them (its own formatter).
      assert.equal(lines[held + 2 + 2 * i], `      ${c.path}`)
    })
    // Markdown: the cluster that retains the most, per detailed group.
    const others = site.retainerClusters.length - 1
    const line = `- ${site.key}: ${formatCount(site.retainerClusters[0].count)} objects, ${formatBytes(site.retainerClusters[0].retainedSize)} retained: \`${site.retainerClusters[0].path}\` (and ${others} other paths)`
    assert.ok(markdown.split('\n').includes(line), `${line}\n${markdown}`)
    // Every short path of every group, through the text formatter, reads as the JSON's.
    for (const g of doc.groups) {
      for (const c of g.retainerClusters as Cluster[]) {
        if (c.steps.length <= 13 && c.steps.every((step) => step.className.length <= 40)) assert.equal(formatClusterPathText(c.steps as any), c.path)
      }
    }
  })
})

describe('text views cut long paths and class lists', () => {
  it('a path of more than 13 steps keeps its first 3 and last 9; a repeated block the cut goes through is not marked', () => {
    const steps = Array.from({ length: 20 }, (_, i) => ({ edge: i === 0 ? '' : `.e${i}`, edgeType: 'property', className: `C${i}` }))
    const marked = steps.map((step, i) => (i === 4 || i === 16 ? { ...step, repeat: 2 } : step))
    const read = (i: number): string => (i === 0 ? 'C0' : `.e${i} -> C${i}`)
    const head = [0, 1, 2].map(read).join(' ')
    const tail = [11, 12, 13, 14, 15, 16, 17, 18, 19].map(read)
    assert.equal(formatClusterPathText(steps), `${head} -> … 8 steps … ${tail.join(' ')}`)
    // Steps 15-16 repeat (marked at 16): in the tail, marked; steps 3-4 (marked at 4) straddle the cut: not marked.
    tail[4] = `(${tail[4]}`
    tail[5] = `${tail[5]})+`
    assert.equal(formatClusterPathText(marked), `${head} -> … 8 steps … ${tail.join(' ')}`)
    // 13 steps: nothing to gain from leaving one out.
    assert.equal(formatClusterPathText(steps.slice(0, 13)), Array.from({ length: 13 }, (_, i) => read(i)).join(' '))
    const long = [{ edge: '', edgeType: 'property', className: `{${'abcdefgh, '.repeat(8)}z}` }]
    assert.equal(formatClusterPathText(long), `{${'abcdefgh, '.repeat(3)}abcdefgh…`)
  })

  it('cycles text: a shape line lists at most four classes and counts the rest, as the report has them', async () => {
    const s = await openSnapshotOnce(file('patterns-after'))
    const a = await analysisOf(s)
    // Every internal edge counts: the runtime glues thousands of objects of many classes into one component.
    const report = findCycles(s, a, null, { edgeTypes: ['property', 'element', 'context', 'internal'], top: 3 })
    const big = report.groups.find((g) => g.classes.length > 4)
    assert.ok(big !== undefined, 'a group with more than four classes')
    const lines = renderCyclesText(s, report).split('\n')
    report.groups.forEach((g, i) => {
      const line = lines.find((l) => l.startsWith(`${i + 1}. `)) as string
      const listed = (line.match(/ x[\d,]+(,| and|$)/g) ?? []).length
      assert.equal(listed, g.largerThanLoop ? Math.min(4, g.classes.length) : 0, line)
      const more = g.classes.length - 4
      assert.equal(line.endsWith(` and ${formatCount(more)} more ${more === 1 ? 'class' : 'classes'}`), g.largerThanLoop && more > 0, line)
      assert.ok(line.length < 400, line)
    })
  })
})

/** A fixture's snapshot, parsed once for the file (shared with the CLI runs). */
function openSnapshotOnce(path: string): Promise<Snapshot> {
  let s = snapshots.get(path)
  if (s === undefined) {
    s = openSnapshot(path)
    snapshots.set(path, s)
  }
  return s
}

describe('retainers --class, cycles and detached on planted patterns', () => {
  it('retainers --class CacheEntry --json: all 1,000 instances, two clusters', async () => {
    const doc = JSON.parse(await run(['retainers', file('patterns-after'), '--class', 'CacheEntry', '--json']))
    assert.deepEqual([doc.className, doc.count, doc.reachableCount, doc.clusterCount], ['CacheEntry', 1000, 1000, 2])
    assert.deepEqual(
      doc.clusters.map((c: Cluster) => c.count),
      [600, 400],
    )
  })

  it('cycles --json: one group per planted shape, with the planted count', async () => {
    const doc = JSON.parse(await run(['cycles', file('patterns-after'), '--json', '--top', '0']))
    const count = (signature: string): number | undefined => doc.groups.find((g: any) => g.signature === signature)?.count
    assert.equal(count('Connection .socket -> Socket .conn -> Connection'), 3000)
    assert.equal(count('tick() {context} -> system / Context .tick -> tick()'), 200)
    assert.equal(
      doc.groups.reduce((sum: number, g: any) => sum + g.count, 0),
      doc.componentCount,
    )
    const pairs = doc.groups.find((g: any) => g.count === 3000)
    assert.deepEqual(
      pairs.classes.map((c: any) => c.name),
      ['Connection', 'Socket'],
    )
    assert.match(pairs.path, /^Connection @\d+ \.socket -> Socket @\d+ \.conn -> Connection @\d+$/)
  })

  it('detached --json: six identical trees in one group, each tree still listed, their nodes clustered', async () => {
    const doc = JSON.parse(await run(['detached', file('chromium-identical'), '--json']))
    const rows = doc.groups.find((g: any) => g.count === 6)
    assert.equal(rows.rootIds.length, 6)
    assert.equal(rows.totalRetainedSize, 6 * rows.retainedSize)
    for (const id of rows.rootIds) assert.ok(doc.trees.some((t: any) => t.rootId === id))
    assert.equal(doc.emptyTreeCount, 0)
    assert.ok(doc.clusters.reduce((sum: number, c: Cluster) => sum + c.count, 0) <= doc.detachedCount)
    assert.ok(doc.clusters.some((c: Cluster) => c.path.endsWith('.rows -> Array [] -> Detached <ul>') && c.count === 6))
  })
})
