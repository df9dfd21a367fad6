/** The screens on a real snapshot, checked against independent walks of the raw graph. */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { readFileSync } from 'node:fs'
import { createElement } from 'react'
import { render } from 'ink-testing-library'
import { App } from '../../../src/tui/app.js'
import { analyzeHeap, findCycles, openSnapshot, type Snapshot, type SnapshotGrowth } from '../../../src/index.js'
import { loadGrowth, loadSnapshots, type Loaded } from '../../../src/tui/load.js'
import { cyclesScreen, shapeText } from '../../../src/tui/views/cycles.js'
import { collectionsScreen, growthScreen, type Regrouper } from '../../../src/tui/views/growth.js'
import { HeapContext, headerText } from '../../../src/tui/screen.js'
import { formatBytes, formatCount } from '../../../src/report/format.js'
import { initialState, currentFrame } from '../../../src/tui/state.js'
import { objectScreen } from '../../../src/tui/views/objects.js'
import { summaryScreen } from '../../../src/tui/views/summary.js'
import type { Screen } from '../../../src/tui/screen.js'
import { dominatorTreeScreen } from '../../../src/tui/views/tree.js'
import { fixturePath } from '../../helpers/paths.js'

/** Polls the rendered frame until it matches (no fixed sleeps). */
async function waitFor(frame: () => string | undefined, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const text = frame() ?? ''
    if (pattern.test(text)) return text
    if (Date.now() > deadline) assert.fail(`frame never showed ${pattern}:\n${text}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('tui views on node-basic', () => {
  let s: Snapshot
  let h: HeapContext
  before(async () => {
    s = await openSnapshot(fixturePath('node-basic.heapsnapshot.gz'))
    h = new HeapContext(s, analyzeHeap(s), {}, 'node-basic')
  })

  it("an object's retainers tree lists every edge into it, nearest the roots first, and a row expands to its object's retainers", () => {
    // A Leaf: held by its Branch's leaves array.
    const leaf = Array.from({ length: s.nodeCount }, (_, n) => n).find((n) => s.nodeName(n) === 'Leaf' && s.nodeTypeName(n) === 'object') as number
    const into = (target: number): string[] => {
      const out: string[] = []
      for (let n = 0; n < s.nodeCount; n++) for (let e = s.firstEdge[n]; e < s.firstEdge[n + 1]; e++) if (s.edgeTarget[e] === target) out.push(`${n}:${e}`)
      return out.sort()
    }
    const screen = objectScreen(h, leaf)
    assert.match(screen.title, /^Retainers of Leaf @\d+$/)
    const rows = Array.from({ length: screen.size }, (_, i) => i)
    const distances = rows.map((i) => screen.sortValue(i, 1))
    assert.deepEqual(
      distances,
      distances.slice().sort((x, y) => x - y),
      'nearest the roots first',
    )
    // Every edge into the leaf is one row (compared by its retainer's label and edge).
    assert.equal(screen.size, into(leaf).length)
    assert.ok(screen.size > 0)
    const expanded = screen.toggle?.(0)
    assert.ok(expanded !== null && expanded !== undefined)
    assert.equal(expanded.expanded?.(0), true)
    const firstRetainer = into(leaf).length
    assert.ok(expanded.size > firstRetainer, 'the expanded row shows its own retainers below it')
    assert.match(expanded.text(1), /^ {2}[▸ ] \S+ in /)
    // Any row opens its object.
    assert.match(expanded.open(1)?.title ?? '', /^Retainers of /)
    // r: its references instead, with the same paths on top.
    const refs = screen.retainers?.()
    assert.equal(refs?.title.replace('References', 'Retainers'), screen.title)
    assert.equal(refs?.size, s.firstEdge[leaf + 1] - s.firstEdge[leaf])
    assert.deepEqual(refs?.header, screen.header)
  })

  it('a class opens to every instance, largest retained first', () => {
    const summary = summaryScreen(h)
    const row = Array.from({ length: summary.size }, (_, i) => i).find((i) => summary.text(i) === 'Leaf') as number
    const instances = summary.open(row)
    assert.ok(instances !== null)
    assert.equal(instances.size, 1000, 'the program made 1000 Leaf objects (fixtures/manifest.json)')
    const frame = currentFrame(initialState([{ name: 'Leaf', make: () => instances }]))
    const retained = frame.view.map((r) => instances.sortValue(r, 3))
    assert.deepEqual(
      retained,
      retained.slice().sort((x, y) => y - x),
    )
  })

  it('names in a dominator tree are kept long: the terminal width cuts them, not a fixed 40 characters', () => {
    const long = Array.from({ length: s.nodeCount }, (_, n) => n).find((n) => s.nodeTypeName(n) === 'string' && s.nodeName(n).length >= 120) as number
    assert.ok(long !== undefined, 'a string of 120 characters or more')
    const screen = dominatorTreeScreen(h, h.a.dominators.dominator[long], () => objectScreen(h, long))
    const row = Array.from({ length: screen.size }, (_, i) => i).find((i) => screen.text(i).includes(`@${s.nodeId[long]}`)) as number
    assert.ok(screen.text(row).length > 120, screen.text(row))
  })
})

describe('tui views on patterns-after', () => {
  let s: Snapshot
  let h: HeapContext
  before(async () => {
    s = await openSnapshot(fixturePath('patterns-after.heapsnapshot.gz'))
    h = new HeapContext(s, analyzeHeap(s), {}, 'patterns-after')
  })

  it("a class's r shows its retainer clusters: the 600 CacheEntry objects of a Map and the 400 of an array (as the program planted them), each opening to its objects", () => {
    const summary = summaryScreen(h)
    const row = Array.from({ length: summary.size }, (_, i) => i).find((i) => summary.text(i) === 'CacheEntry') as number
    const instances = summary.open(row) as Screen
    assert.equal(instances.size, 1000)
    assert.equal(instances.retainersLabel, 'clusters')
    const clusters = instances.retainers?.() as Screen
    assert.match(clusters.title, /^CacheEntry: 1,000 objects by how they are held$/)
    const counts = Array.from({ length: clusters.size }, (_, i) => clusters.sortValue(i, 1)).sort((x, y) => y - x)
    assert.deepEqual(counts, [600, 400])
    for (let i = 0; i < clusters.size; i++) {
      const members = clusters.open(i) as Screen
      assert.equal(members.size, clusters.sortValue(i, 1))
      for (let m = 0; m < members.size; m++) assert.match(members.text(m), /^CacheEntry @\d+$/)
    }
    assert.match(clusters.text(0) + clusters.text(1), /Map/)
    // r again: the objects.
    assert.equal(clusters.retainers?.()?.size, 1000)
  })

  it('Cycles shows one row per shape with its count: the 3,000 Connection <-> Socket pairs the program planted are one row, which opens to each pair, and each pair to its two objects', () => {
    const cycles = cyclesScreen(h)
    const report = findCycles(s, h.a, null, { top: 0 })
    assert.equal(cycles.size, report.groupCount, 'a row per shape')
    const rows = Array.from({ length: cycles.size }, (_, i) => i)
    // The library's groups, in its order (most retained first): the same counts, objects and bytes.
    for (const i of rows) {
      const g = report.groups[i]
      assert.equal(cycles.text(i), shapeText(g))
      assert.deepEqual(
        [1, 2, 3].map((c) => cycles.sortValue(i, c)),
        [g.count, g.objectCount, g.retainedSize],
        cycles.text(i),
      )
    }
    // The pairs, counted on the raw graph: a Socket whose .conn is a Connection whose .socket is that Socket.
    const edgeTo = (n: number, name: string): number => {
      for (let e = s.firstEdge[n]; e < s.firstEdge[n + 1]; e++) if (s.edgeName(e) === name) return s.edgeTarget[e]
      return -1
    }
    let pairs = 0
    for (let n = 0; n < s.nodeCount; n++) {
      if (s.nodeName(n) !== 'Socket' || s.nodeTypeName(n) !== 'object') continue
      const conn = edgeTo(n, 'conn')
      if (conn >= 0 && s.nodeName(conn) === 'Connection' && edgeTo(conn, 'socket') === n) pairs++
    }
    const manifest = JSON.parse(readFileSync(fixturePath('manifest.json'), 'utf8')) as { 'patterns-after': { patterns: { pairs: number } } }
    assert.equal(pairs, manifest['patterns-after'].patterns.pairs, 'as many pairs as the program planted')
    const row = rows.find((i) => cycles.text(i) === 'Connection .socket -> Socket .conn -> Connection') as number
    assert.equal(cycles.sortValue(row, 1), pairs, 'one row counts them all')
    assert.equal(cycles.sortValue(row, 2), 2 * pairs)
    const each = cycles.open(row) as Screen
    assert.equal(each.size, pairs)
    const frame = currentFrame(initialState([{ name: 'pairs', make: () => each }]))
    // Their classes, the same in each (the shape's signature holds them), are said once above the list.
    assert.equal(each.title, `${formatCount(pairs)} cycles of one shape`)
    assert.deepEqual(each.header.map(headerText), [
      'loop: Connection .socket -> Socket .conn -> Connection',
      `${formatCount(2 * pairs)} objects retaining ${formatBytes(report.groups[row].retainedSize)}`,
      'each: Connection x1, Socket x1',
    ])
    for (const i of frame.view.slice(0, 50)) assert.match(each.text(i), /^Connection @\d+ \.socket -> Socket @\d+ \.conn -> Connection @\d+$/)
    const members = each.open(frame.view[0]) as Screen
    assert.deepEqual(Array.from({ length: members.size }, (_, m) => members.text(m).replace(/ @\d+$/, '')).sort(), ['Connection', 'Socket'])
    // A shape opens to what a search for its signature alone finds (the way it was listed before the one search served them all): the same groups, in order.
    for (const i of [...new Set([row, 0, 1, 2, 3])].filter((k) => k < cycles.size)) {
      const alone = findCycles(s, h.a, null, { top: 10_000, signature: report.groups[i].signature }).cycles
      const opened = cycles.open(i) as Screen
      assert.equal(opened.size, alone.length, cycles.text(i))
      for (let k = 0; k < opened.size; k++) {
        assert.deepEqual(opened.cells(k).slice(1), [
          formatCount(alone[k].members.length),
          formatBytes(alone[k].retainedSize),
          formatCount(alone[k].externalRetainerCount),
        ])
        assert.equal(opened.open(k)?.size, alone[k].members.length)
      }
    }
  })

  it('a shape of groups larger than their loop names three classes and says how many more', () => {
    const classes = ['Function', 'Context', 'Array', 'Hook', 'Map'].map((name, k) => ({ name, count: 10 - k }))
    const g = findCycles(s, h.a, null, { top: 1 }).groups[0]
    const text = shapeText({ ...g, largerThanLoop: true, count: 2, objectCount: 80, classes })
    assert.match(text, /, in groups of 40 objects: Function x10, Context x9, Array x8 and 2 more classes$/)
    assert.doesNotMatch(shapeText({ ...g, largerThanLoop: true, count: 1, objectCount: 27, classes: classes.slice(0, 3) }), /more/)
  })
})

describe('tui growth view on growth-plain-{1,2,3}', () => {
  const files = [1, 2, 3].map((k) => fixturePath(`growth-plain-${k}.heapsnapshot.gz`))
  let loaded: Loaded
  let h: HeapContext
  before(async () => {
    // The UI's own loading (on this thread): one model at a time, the last analysed.
    loaded = await loadSnapshots({ files, analyze: 2, growth: { groupBy: undefined, sourceMaps: [] } }, () => {})
    h = new HeapContext(loaded.snapshots[0], loaded.analysis, {}, files[2])
  })

  it('a group row shows its counts across the snapshots as a sparkline and opens to its objects in the last snapshot; Collections show the Map that grew', () => {
    assert.equal(loaded.snapshots.length, 1, 'only the last model is kept')
    const s = loaded.snapshots[0]
    const growth = loaded.growth as SnapshotGrowth
    const screen = growthScreen(h, growth, files)
    assert.equal(screen.title, 'Growth over 3 snapshots by class')
    const row = Array.from({ length: screen.size }, (_, i) => i).find(
      (i) => growth.groups[i].className === 'Session' && growth.groups[i].location !== undefined,
    )
    assert.ok(row !== undefined)
    // The program added 200 Session objects per interval (fixtures/programs/growth-app).
    assert.deepEqual(screen.cells(row).slice(1, 4), ['▁▅█ ↑', '600', '+400'])
    // Its objects: every Session instance of the last snapshot (an object named Session with a history
    // property; its prototype has none), found here by a walk of the raw nodes and edges.
    const objects = screen.open(row) as Screen
    const sessions: number[] = []
    const hasHistory = (n: number): boolean => {
      for (let e = s.firstEdge[n]; e < s.firstEdge[n + 1]; e++) if (s.edgeTypeName(e) === 'property' && s.edgeName(e) === 'history') return true
      return false
    }
    for (let n = 0; n < s.nodeCount; n++) if (s.nodeName(n) === 'Session' && s.nodeTypeName(n) === 'object' && hasHistory(n)) sessions.push(n)
    assert.equal(sessions.length, 600)
    assert.equal(objects.size, 600)
    assert.deepEqual(Array.from({ length: objects.size }, (_, i) => objects.text(i)).sort(), sessions.map((n) => `Session @${s.nodeId[n]}`).sort())
    // r: their retainer clusters, the 600 held by the sessions Map.
    const clusters = objects.retainers?.() as Screen
    assert.equal(clusters.size, 1)
    assert.match(clusters.text(0), /\.sessions -> Map \{table\}/)
    assert.equal(clusters.sortValue(0, 1), 600)
    // Collections: the Map with 200, 400, 600 entries, opening to the Map.
    const collections = collectionsScreen(h, growth)
    const map = Array.from({ length: collections.size }, (_, i) => i).find((i) => /\.sessions -> Map @\d+$/.test(collections.text(i))) as number
    assert.deepEqual(collections.cells(map).slice(1, 5), ['Map', '▁▅█', '600', '+400'])
    assert.match(collections.open(map)?.title ?? '', /^Retainers of Map @\d+$/)
  })

  it("b when a file of the series has vanished: the status line says so with the library's error; the Growth view stays as it was, usable, and b tries again", async () => {
    const growth = loaded.growth as SnapshotGrowth
    const vanished = [fixturePath('vanished-since.heapsnapshot.gz'), ...files.slice(1)]
    const expected = await openSnapshot(vanished[0]).then(
      () => assert.fail('it opened'),
      (err: unknown) => (err as Error).message,
    )
    // The Growth view's b reads the series again with the UI's own loader, here on files of which the first is gone.
    const regroup: Regrouper = (groupBy, note, signal) =>
      loadGrowth({ files: vanished, groupBy, sourceMaps: [] }, (p) => note(`reading file ${p.file + 1}`), openSnapshot, signal)
    const initial = initialState([{ name: 'Growth', make: () => growthScreen(h, growth, files, regroup) }])
    const app = render(createElement(App, { initial, color: false, columns: 160, rows: 30 }))
    try {
      const shown = await waitFor(app.lastFrame, /Growth over 3 snapshots by class \(b: by constructor\)[\s\S]* 1\/[\d,]+$/)
      app.stdin.write('b')
      const failed = await waitFor(app.lastFrame, /grouping by constructor failed/)
      const lines = failed.split('\n')
      assert.equal(lines[lines.length - 1].replace(/ +1\/[\d,]+$/, ''), `grouping by constructor failed: ${expected}`)
      // The same view, rows and all (only the status line differs), not a placeholder.
      assert.deepEqual(lines.slice(0, -1), shown.split('\n').slice(0, -1))
      app.stdin.write('j')
      await waitFor(app.lastFrame, /^(?![\s\S]*failed)[\s\S]*Growth over 3 snapshots by class[\s\S]* 2\/[\d,]+$/)
      app.stdin.write('b')
      await waitFor(app.lastFrame, /grouping by constructor failed: .* 2\/[\d,]+$/)
    } finally {
      app.unmount()
    }
  })
})
