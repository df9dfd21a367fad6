/**
 * Cycles: Tarjan's components against mutual reachability on random graphs;
 * groups by shape on copies of random graphs (counts, and retained bytes
 * against dominance); the patterns patterns.cjs planted (pairs, listener
 * loops, self-referencing closures) one row each with the planted counts;
 * the fixture program's 51-node parent/child tree found as one entry.
 * Detached: the Chromium page's three detached trees (kept by
 * window.leakedNodes), none in its control, and Node's own embedder objects
 * labelled as internals; six identical trees (detached-identical.html) one
 * group; trees retaining 0 bytes left out and counted. (The detached count of every fixture equals the
 * nodes DevTools' own model flags detached: fixtures-devtools.test.ts.)
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { stronglyConnectedComponents } from '../../../src/analysis/scc.js'
import { computeDetachedNodes } from '../../../src/analysis/detached.js'
import { edgeSource } from '../../../src/analysis/distances.js'
import {
  analyzeHeap,
  buildRetainers,
  findCycles,
  findDetachedTrees,
  NO_PREDECESSOR,
  openSnapshot,
  type HeapAnalysis,
  type Snapshot,
} from '../../../src/index.js'
import { naiveComponents, naiveDominates, reachable, type SmallGraph } from '../../helpers/naive.js'
import { fixturePath } from '../../helpers/paths.js'
import { TinySnapshot } from '../cli/tiny-snapshot.js'

describe('stronglyConnectedComponents', () => {
  it('equals mutual reachability on random graphs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }))),
        async ([n, edges]) => {
          const t = new TinySnapshot()
          for (let i = 0; i < n; i++) t.node('object', `N${i}`, 1)
          edges.forEach(([a, b], k) => {
            t.edge(a, 'property', `e${k}`, b)
          })
          const s = await t.parse()
          const used = new Uint8Array(s.edgeTypeNames.length).fill(1)
          const { component } = stronglyConnectedComponents(s, used, new Uint8Array(n).fill(1))
          const ours = new Map<number, number[]>()
          for (let v = 0; v < n; v++) ours.set(component[v], [...(ours.get(component[v]) ?? []), v])
          const canonical = [...ours.values()].sort((x, y) => x[0] - y[0])
          const succ: number[][] = Array.from({ length: n }, () => [])
          for (const [a, b] of edges) succ[a].push(b)
          assert.deepEqual(canonical, naiveComponents({ nodeCount: n, succ, root: 0 }))
        },
      ),
      { numRuns: 200, seed: 4242 },
    )
  })
})

describe('findCycles groups cycles by shape', () => {
  it('on k copies of a random graph, counts each shape k times and retains k times the bytes, each once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            copies: fc.integer({ min: 1, max: 4 }),
            classes: fc.array(fc.nat(2), { minLength: n, maxLength: n }),
            parents: fc.array(fc.nat(), { minLength: n, maxLength: n }),
            edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(1), fc.nat(n - 1)), { maxLength: 3 * n }),
          }),
        ),
        async ({ n, copies, classes, parents, edges: extra }) => {
          // Each node held by an earlier one, so the root reaches all (DevTools hangs the rest off the root, which reachability does not say).
          const edges = [...parents.slice(1).map((p, i): [number, number, number] => [p % (i + 1), 0, i + 1]), ...extra]
          // root -> holder -> node 0 of each copy; every copy the same graph.
          const t = new TinySnapshot()
          const root = t.node('synthetic', '', 0)
          const holder = t.node('object', 'Holder', 8)
          t.edge(root, 'element', 1, holder)
          const plain: SmallGraph = { nodeCount: 2 + copies * n, root, succ: [[holder], []] }
          for (let k = 0; k < copies; k++) {
            const base = 2 + k * n
            for (let i = 0; i < n; i++) {
              t.node('object', ['A', 'B', 'C'][classes[i]], 10 + i)
              plain.succ.push([])
            }
            t.edge(holder, 'element', k, base)
            plain.succ[holder].push(base)
            edges.forEach(([a, kind, b], i) => {
              t.edge(base + a, kind === 0 ? 'property' : 'element', kind === 0 ? `p${i % 2}` : i, base + b)
              plain.succ[base + a].push(base + b)
            })
          }
          const s = await t.parse()
          const a = analyzeHeap(s)
          const report = findCycles(s, a, null, { top: 0 })
          assert.equal(report.componentCount % copies, 0)
          assert.equal(
            report.groups.reduce((sum, g) => sum + g.count, 0),
            report.componentCount,
          )
          const fromRoot = reachable(plain, root)
          for (const g of report.groups) {
            assert.equal(g.count % copies, 0, g.signature)
            assert.equal(g.objectCount % copies, 0, g.signature)
            // The group's members (the components whose examples and signature match), each byte once.
            const members = report.cycles.filter((c) => c.signature === g.signature).flatMap((c) => c.members)
            assert.equal(members.length, g.objectCount)
            let retained = 0
            for (let v = 0; v < s.nodeCount; v++) if (fromRoot[v] && members.some((m) => naiveDominates(plain, m, v))) retained += a.shallowSize[v]
            assert.equal(g.retainedSize, retained, g.signature)
          }
        },
      ),
      { numRuns: 150, seed: 77 },
    )
  })

  it("finds the patterns the program planted, each one row counting the program's instances (patterns.cjs, real V8)", async () => {
    const s = await openSnapshot(fixturePath('patterns-after.heapsnapshot.gz'))
    const a = analyzeHeap(s)
    const report = findCycles(s, a, null, { top: 0 })
    const bySignature = new Map(report.groups.map((g) => [g.signature, g]))
    const pairs = bySignature.get('Connection .socket -> Socket .conn -> Connection')
    assert.equal(pairs?.count, 3000)
    assert.equal(pairs?.objectCount, 6000)
    const listeners = bySignature.get(
      'EventEmitter ._events -> {change} .change -> (anonymous)() {context} -> system / Context .this -> Widget .emitter -> EventEmitter',
    )
    assert.equal(listeners?.count, 300)
    assert.equal(listeners?.objectCount, 1500)
    const tickers = bySignature.get('tick() {context} -> system / Context .tick -> tick()')
    assert.equal(tickers?.count, 200)
    // Runtime plumbing glues nothing: no component comes near the heap's size.
    const largest = Math.max(...report.cycles.map((c) => c.members.length))
    assert.ok(largest < 100, `a component of ${largest} objects`)
    // Counting every internal edge does glue it (what the default rule avoids).
    const glued = findCycles(s, a, null, { top: 1, edgeTypes: ['property', 'element', 'context', 'internal'] })
    assert.ok(glued.cycles[0].members.length > 5000, `${glued.cycles[0].members.length}`)
  })
})

describe('findCycles on a real Node snapshot', () => {
  it('reports the 51-node TreeNode parent/child tree as one entry with a real cycle', async () => {
    const s = await openSnapshot(fixturePath('node-basic.heapsnapshot.gz'))
    const report = findCycles(s, analyzeHeap(s), buildRetainers(s), { top: 0 })
    const trees = report.cycles.filter((c) => c.classes.some((k) => k.name === 'TreeNode'))
    assert.equal(trees.length, 1)
    assert.equal(trees[0].classes.find((k) => k.name === 'TreeNode')?.count, 51)
    const path = trees[0].path
    assert.ok(path.length >= 2)
    // The path is a cycle of real edges: each step's edge starts at its node and leads to the next.
    path.forEach((step, i) => {
      assert.ok(step.edge >= s.firstEdge[step.from] && step.edge < s.firstEdge[step.from + 1])
      assert.equal(s.edgeTarget[step.edge], path[(i + 1) % path.length].from)
    })
    for (let i = 1; i < report.cycles.length; i++) assert.ok(report.cycles[i - 1].retainedSize >= report.cycles[i].retainedSize)
  })
})

/** The node that holds n on its shortest path. */
function edgeSourceOf(s: Snapshot, a: HeapAnalysis, n: number): number {
  return edgeSource(s, a.predecessorEdge[n])
}

describe('findDetachedTrees', () => {
  it('finds the three detached div trees the page keeps, and none in the control', async () => {
    const s = await openSnapshot(fixturePath('chromium-detached.heapsnapshot.gz'))
    const report = findDetachedTrees(s, analyzeHeap(s))
    assert.equal(report.hasDom, true)
    assert.equal(report.trees.length, 3)
    const rootNames = report.trees.map((t) => s.nodeName(t.root)).sort()
    assert.deepEqual(rootNames, ['<div class="tree-a">', '<div class="tree-b">', '<div class="tree-c">'])
    // tree-b has the most spans, so it retains the most.
    assert.equal(s.nodeName(report.trees[0].root), '<div class="tree-b">')
    assert.ok(report.trees.every((t) => t.name.startsWith('Detached <div') && !t.nodeInternal))
    const control = await openSnapshot(fixturePath('chromium-control.heapsnapshot.gz'))
    assert.equal(findDetachedTrees(control, analyzeHeap(control)).trees.length, 0)
  })

  it('groups six identical detached trees kept by one array into one entry (Chromium, detached-identical.html)', async () => {
    const s = await openSnapshot(fixturePath('chromium-identical.heapsnapshot.gz'))
    const a = analyzeHeap(s)
    const report = findDetachedTrees(s, a)
    const lists = report.trees.filter((t) => s.nodeName(t.root) === '<ul class="row">')
    assert.equal(lists.length, 7, 'every tree is still listed one by one')
    const rows = report.groups.find((g) => g.count === 6)
    assert.ok(rows !== undefined, report.groups.map((g) => `${g.count} ${g.name} ${g.path}`).join('\n'))
    assert.equal(rows.name, 'Detached <ul>')
    assert.match(rows.path, / \.rows -> Array \[\] -> Detached <ul>$/)
    // The six roots are exactly the elements of window.rows.
    const holders = new Set(rows.roots.map((n) => s.nodeId[edgeSourceOf(s, a, n)]))
    assert.equal(holders.size, 1)
    const [holder] = [...holders]
    const elements = []
    const h = s.ordinalOfId(holder)
    for (let e = s.firstEdge[h]; e < s.firstEdge[h + 1]; e++) if (s.edgeTypeName(e) === 'element') elements.push(s.nodeId[s.edgeTarget[e]])
    assert.deepEqual(
      elements.sort((x, y) => x - y),
      rows.roots.map((n) => s.nodeId[n]),
    )
    const panel = report.groups.find((g) => g.count === 1 && g.name === 'Detached <ul>')
    assert.ok(panel !== undefined && / \.panel -> Detached <ul>$/.test(panel.path), panel?.path)
    assert.ok(panel.nodeCount > rows.nodeCount)
    // Clusters cover every detached node that something holds.
    const clustered = report.clusters.reduce((sum, c) => sum + c.count, 0)
    let held = 0
    const detached = computeDetachedNodes(s)
    for (let n = 0; n < s.nodeCount; n++) if (detached[n] === 1 && a.predecessorEdge[n] !== NO_PREDECESSOR) held++
    assert.equal(clustered, held)
  })

  it('leaves trees that retain 0 bytes out unless asked, and counts them', async () => {
    const t = new TinySnapshot()
    const root = t.node('synthetic', '', 0)
    const window = t.node('object', 'Window', 40)
    const empty = t.node('native', 'null', 0, 2)
    const div = t.node('native', '<div>', 60, 2)
    t.edge(root, 'element', 1, window).edge(window, 'property', 'a', empty).edge(window, 'property', 'b', div)
    const s = await t.parse()
    const a = analyzeHeap(s)
    const report = findDetachedTrees(s, a)
    assert.deepEqual(
      report.trees.map((x) => x.name),
      ['Detached <div>'],
    )
    assert.equal(report.emptyTreeCount, 1)
    const all = findDetachedTrees(s, a, { includeEmpty: true })
    assert.deepEqual(all.trees.map((x) => x.name).sort(), ['Detached <div>', 'Detached null'])
    assert.equal(all.emptyTreeCount, 0)
  })

  it('labels Node.js embedder objects as internals and says there is no DOM', async () => {
    const s = await openSnapshot(fixturePath('node-basic.heapsnapshot.gz'))
    const report = findDetachedTrees(s, analyzeHeap(s))
    assert.equal(report.hasDom, false)
    assert.ok(report.trees.length > 0 && report.trees.every((t) => t.nodeInternal))
  })
})
