/**
 * Every real fixture against DevTools' own model (heap-snapshot-toolkit
 * bundles its worker), loaded once per fixture: every node's dominator,
 * shallow size, retained size, distance and class name; the Summary's classes
 * (count, shallow size, retained size); the detached count; and the facts the
 * program that wrote the fixture guarantees (fixtures/manifest.json). The
 * async analyses, with the helper thread forced on, give the same arrays.
 *
 * The hand-built graphs for the cases DevTools' tests skip are in
 * dominators.test.ts and summary.test.ts.
 */
import assert from 'node:assert/strict'
import { statSync } from 'node:fs'
import { describe, it } from 'node:test'
import {
  analyzeHeap,
  analyzeHeapAsync,
  analyzeRetainedSizes,
  computeClassNames,
  computeSnapshotSummary,
  findDetachedTrees,
  openSnapshot,
  type HeapAnalysis,
  type RetainedSizes,
} from '../../../src/index.js'
import { assertSameAsDevTools, assertSameClassesAsDevTools, devToolsClassNames, devToolsDetachedCount, loadFileWithDevTools } from '../../helpers/devtools.js'
import { fixtureNames, manifestEntry } from '../../helpers/fixtures.js'
import { fixturePath } from '../../helpers/paths.js'

/** Asserts that `b` (an analysis with the helper thread) has the same arrays as `a` (checked against DevTools). */
function assertSameAnalysis(a: HeapAnalysis, b: HeapAnalysis | RetainedSizes): void {
  assert.deepEqual(b.dominators.dominator, a.dominators.dominator)
  assert.deepEqual(b.shallowSize, a.shallowSize)
  assert.deepEqual(b.retainedSize, a.retainedSize)
  if ('distance' in b) assert.deepEqual(b.distance, a.distance)
  assert.equal(b.totalSize, a.totalSize)
}

/**
 * The fixtures the two-thread analyses run on: the largest of each kind, with and without allocation
 * traces. The helper thread's work depends on the graph's shape, not on what the program held, and
 * running it on all 27 fixtures took ~9 s of the suite's CPU for nothing the four show less; the
 * hand-built graphs of dominators.test.ts run it on the hard cases.
 */
const threadFixtures = new Set<string>()
{
  const largest = new Map<string, string>()
  for (const name of fixtureNames) {
    const entry = manifestEntry(name)
    const kind = `${entry.kind} ${entry.hasAllocationTraces}`
    const other = largest.get(kind)
    if (other === undefined || statSync(fixturePath(name)).size > statSync(fixturePath(other)).size) largest.set(kind, name)
  }
  for (const name of largest.values()) threadFixtures.add(name)
}

describe('every real fixture equals DevTools node for node', () => {
  it('has fixtures to check', () => {
    assert.ok(fixtureNames.length >= 10, fixtureNames.join(','))
    assert.equal(threadFixtures.size, 4, [...threadFixtures].join(', '))
  })

  for (const name of fixtureNames) {
    it(`${name}: dominators, sizes, distances (one thread and two), class names, Summary classes, detached count, manifest facts`, async () => {
      const file = fixturePath(name)
      const [s, d] = await Promise.all([openSnapshot(file), loadFileWithDevTools(file)])
      const a = analyzeHeap(s)
      assertSameAsDevTools(s, a, d)
      if (threadFixtures.has(name)) {
        assertSameAnalysis(a, await analyzeHeapAsync(s, { helperThread: true }))
        assertSameAnalysis(a, await analyzeRetainedSizes(s, { helperThread: true }))
      }

      // Class names, node by node.
      const { classIndex, names } = computeClassNames(s)
      const theirs = devToolsClassNames(d)
      assert.equal(theirs.length, s.nodeCount)
      for (let n = 0; n < s.nodeCount; n++) {
        if (names[classIndex[n]] !== theirs[n]) assert.fail(`node ${n}: class ${JSON.stringify(names[classIndex[n]])}, DevTools ${JSON.stringify(theirs[n])}`)
      }

      // The Summary's classes equal DevTools' rows summed by name; they add up to the self sizes.
      const summary = computeSnapshotSummary(s, { analysis: a })
      assert.equal(summary.totalSize, d.totalSize)
      assertSameClassesAsDevTools(summary.classes, d)

      // Detached DOM nodes, as DevTools flags them; V8's own flag, as the file has it.
      const detached = findDetachedTrees(s, a)
      assert.equal(detached.detachedCount, devToolsDetachedCount(d))
      let v8 = 0
      for (let n = 0; n < s.nodeCount; n++) if (s.nodeDetachedness?.[n] === 2) v8++
      assert.equal(detached.v8DetachedCount, v8)

      // What the program that wrote the fixture guarantees.
      const entry = manifestEntry(name)
      assert.equal(summary.kind, entry.kind)
      assert.equal(summary.hasAllocationTraces, entry.hasAllocationTraces)
      for (const [cls, count] of Object.entries(entry.classCounts ?? {}))
        assert.equal(summary.classes.find((c) => c.name === cls)?.count, count, `count of ${cls}`)
    })
  }
})
