/**
 * diff's groups against DevTools' own heap snapshot worker (heap-snapshot-toolkit):
 * - `--by class` is DevTools' Comparison view, class by class (new and
 *   deleted counts and sizes), run as the DevTools UI runs it: the base
 *   snapshot's aggregates named with the other snapshot's property shapes,
 *   then `calculateSnapshotDiff`. On a Node pair and a Chromium pair, each
 *   from one process; the Chromium page has two classes named Row.
 * - site grouping credits an allocation inside a builtin to the nearest
 *   caller with a script: checked object by object against DevTools'
 *   allocation stack of each new object.
 * - objects without a trace are broken down by class: checked against
 *   DevTools' class names and trace ids.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { diffSnapshots, formatSite, openSnapshot, type DiffGroup, type Snapshot } from '../../../src/index.js'
import { loadFileWithDevTools } from '../../helpers/devtools.js'
import { fixturePath } from '../../helpers/paths.js'

type DevToolsSnapshot = Awaited<ReturnType<typeof loadFileWithDevTools>>

interface Pair {
  a: Snapshot
  b: Snapshot
  devA: DevToolsSnapshot
  devB: DevToolsSnapshot
}

async function loadPair(nameA: string, nameB: string): Promise<Pair> {
  const [fa, fb] = [fixturePath(`${nameA}.heapsnapshot.gz`), fixturePath(`${nameB}.heapsnapshot.gz`)]
  const [a, b, devA, devB] = await Promise.all([openSnapshot(fa), openSnapshot(fb), loadFileWithDevTools(fa), loadFileWithDevTools(fb)])
  return { a, b, devA, devB }
}

/** DevTools' Comparison view of a pair: class key -> [new, deleted, new size, deleted size], and the class's name. */
function devToolsComparison(p: Pair): Map<string, { name: string; counts: number[] }> {
  const aggregates = p.devA.aggregatesForDiff(p.devB.interfaceDefinitions())
  const diff = p.devB.calculateSnapshotDiff('base', aggregates) as Record<
    string,
    { name: string; addedCount: number; removedCount: number; addedSize: number; removedSize: number }
  >
  const out = new Map<string, { name: string; counts: number[] }>()
  for (const [key, d] of Object.entries(diff)) out.set(key, { name: d.name, counts: [d.addedCount, d.removedCount, d.addedSize, d.removedSize] })
  return out
}

/** Our class group's DevTools class key: `scriptId,line,column,name` (0-based) for a located object class, `,name` otherwise. */
function classKey(g: DiffGroup): string {
  const l = g.location
  return l === undefined ? `,${g.className}` : `${l.scriptId},${l.line - 1},${l.column - 1},${g.className}`
}

function assertComparison(p: Pair): void {
  const ours = diffSnapshots(p.a, p.b, { groupBy: 'class' })
  assert.equal(ours.matchedBy, 'id')
  const theirs = devToolsComparison(p)
  const mine = new Map(ours.groups.map((g) => [classKey(g), [g.newCount, g.freedCount, g.newSize, g.freedSize]]))
  assert.deepEqual([...mine.keys()].sort(), [...theirs.keys()].sort())
  for (const [key, { counts }] of theirs) assert.deepEqual(mine.get(key), counts, key)
}

describe('diff --by class is DevTools\u2019 Comparison view', () => {
  it('on a Node pair of one process, class by class', async () => {
    assertComparison(await loadPair('growth-plain-1', 'growth-plain-2'))
  })

  it('on a Chromium pair of one process, telling apart two classes of one name by their location', async () => {
    const p = await loadPair('chromium-growth-a', 'chromium-growth-b')
    assertComparison(p)
    const rows = diffSnapshots(p.a, p.b, { groupBy: 'class' }).groups.filter((g) => g.className === 'Row')
    // The page's two Row classes: 300 new and 50 dropped of the first, 20 new of the second.
    assert.deepEqual(rows.map((g) => [g.newCount, g.freedCount]).sort(), [
      [20, 0],
      [300, 50],
    ])
    for (const g of rows) assert.match(g.key, /^Row file:.*growth-page\.html:\d+:\d+$/)
  })
})

describe('allocation sites people can act on', () => {
  let p: Pair
  before(async () => {
    p = await loadPair('growth-traced-1', 'growth-traced-2')
  })

  it('credits an allocation inside a builtin to the nearest caller with a script, object by object as DevTools\u2019 stacks say', () => {
    const d = diffSnapshots(p.a, p.b, { groupBy: 'site', largestPerGroup: 0 })
    const newIn = (key: string) => d.groups.find((g) => g.key === key)?.newCount ?? 0
    // The expected site of each new object, from DevTools' allocation stack: its first frame with a script.
    const expected = new Map<string, number>()
    let inBuiltin = 0
    const node = p.devB.createNode(0)
    for (let i = 0; i < p.devB.nodeCount; i++) {
      node.nodeIndex = i * p.devB.nodeFieldCount
      if (node.selfSize() === 0 || p.a.ordinalOfId(node.id()) >= 0) continue
      const stack = p.devB.allocationStack(node.nodeIndex)
      let key = `(no allocation trace) ${node.className()}`
      if (stack !== null) {
        const frame = stack.find((f) => f.scriptName !== '') ?? stack[0]
        if (frame !== stack[0]) inBuiltin++
        key = formatSite({ functionName: frame.functionName || '(anonymous)', scriptName: frame.scriptName, line: frame.line, column: frame.column })
      }
      expected.set(key, (expected.get(key) ?? 0) + 1)
    }
    // The program's split and join: 1,200 history arrays, their strings, 200 tags.
    assert.ok(inBuiltin >= 1400, `${inBuiltin} allocations in builtins`)
    for (const [key, count] of expected) assert.equal(newIn(key), count, key)
    assert.equal(
      d.totals.newCount,
      [...expected.values()].reduce((x, y) => x + y, 0),
    )
    // No group is a builtin without a script.
    for (const g of d.groups) if (g.site !== undefined) assert.notEqual(g.site.scriptName, '', g.key)
    // The builtin stays in the stack.
    const stacks = diffSnapshots(p.a, p.b, { groupBy: 'stack', largestPerGroup: 0 })
    assert.ok(stacks.groups.some((g) => g.stack?.[0].functionName === 'split' && g.site?.functionName === 'Session'))
  })

  it('breaks the objects without a trace down by class', () => {
    const d = diffSnapshots(p.a, p.b, { groupBy: 'site', largestPerGroup: 0 })
    const untraced = d.groups.filter((g) => g.key.startsWith('(no allocation trace)'))
    assert.ok(untraced.length > 1)
    for (const g of untraced) assert.equal(g.key, `(no allocation trace) ${g.className}`)
  })
})
