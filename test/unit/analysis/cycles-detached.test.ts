/**
 * Cycles: Tarjan's components against mutual reachability on random graphs,
 * and the fixture program's 51-node parent/child tree found as one entry.
 * Detached: the Chromium page's three detached trees (kept by
 * window.leakedNodes), none in its control, and Node's own embedder objects
 * labelled as internals. (The detached count of every fixture equals the
 * nodes DevTools' own model flags detached: fixtures-devtools.test.ts.)
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { stronglyConnectedComponents } from '../../../src/analysis/cycles.js'
import { analyzeHeap, buildRetainers, findCycles, findDetachedTrees, openSnapshot } from '../../../src/index.js'
import { naiveComponents } from '../../helpers/naive.js'
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

  it('labels Node.js embedder objects as internals and says there is no DOM', async () => {
    const s = await openSnapshot(fixturePath('node-basic.heapsnapshot.gz'))
    const report = findDetachedTrees(s, analyzeHeap(s))
    assert.equal(report.hasDom, false)
    assert.ok(report.trees.length > 0 && report.trees.every((t) => t.nodeInternal))
  })
})
