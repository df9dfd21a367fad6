/**
 * computeClassNames / detectSnapshotKind / computeSnapshotSummary. Class names
 * are checked node by node against DevTools' own worker (heap-snapshot-toolkit
 * bundles it) on hand-built snapshots that exercise each naming rule; every
 * real fixture is checked in fixtures-devtools.test.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  analyzeHeap,
  buildDominatorTree,
  computeClassNames,
  computeSnapshotSummary,
  detectSnapshotKind,
  openSnapshot,
  type Snapshot,
} from '../../../src/index.js'
import { fixturePath } from '../../helpers/paths.js'
import { devToolsClassNames, loadWithDevTools } from '../../helpers/devtools.js'
import { nodeLikeSnapshot, TinySnapshot } from '../cli/tiny-snapshot.js'

function ourClassNames(s: Snapshot): string[] {
  const { classIndex, names } = computeClassNames(s)
  return Array.from(classIndex, (c) => names[c])
}

async function assertSameAsDevTools(t: TinySnapshot): Promise<string[]> {
  const ours = ourClassNames(await t.parse())
  const theirs = devToolsClassNames(await loadWithDevTools(t.toJson()))
  assert.deepEqual(ours, theirs)
  return ours
}

/** A root holding plain Objects: `plain(props)` adds one whose properties are named `props`, each to one Value. */
function plainObjects(): { t: TinySnapshot; plain: (props: string[]) => void } {
  const t = new TinySnapshot()
  const root = t.node('synthetic', '', 0)
  const v = t.node('object', 'Value', 8)
  const plain = (props: string[]): void => {
    const o = t.node('object', 'Object', 16)
    t.edge(root, 'element', 0, o)
    for (const p of props) t.edge(o, 'property', p, v)
  }
  return { t, plain }
}

describe('computeClassNames (DevTools Summary names)', () => {
  it('names each node type as DevTools does', async () => {
    const t = new TinySnapshot()
    const root = t.node('synthetic', '', 0)
    const kinds: [string, string][] = [
      ['hidden', 'system / Map'],
      ['array', '(object elements)'],
      ['string', 'a string'],
      ['object', 'Foo'],
      ['code', 'foo'],
      ['closure', 'foo'],
      ['regexp', '/a+/'],
      ['number', 'heap number'],
      ['native', 'Node / Environment'],
      ['concatenated string', 'ab'],
      ['sliced string', 'b'],
      ['symbol', 'Symbol(x)'],
      ['bigint', 'bigint'],
      ['object shape', 'system / DescriptorArray'],
      ['native', '<div id="main" class="x">'],
      ['native', '<br>'],
      ['object', '<weird name'],
    ]
    kinds.forEach(([type, name], i) => {
      t.edge(root, 'element', i, t.node(type, name, 8))
    })
    const names = await assertSameAsDevTools(t)
    assert.deepEqual(names, [
      '(synthetic)',
      '(system)',
      '(array)',
      '(string)',
      'Foo',
      '(compiled code)',
      'Function',
      'RegExp',
      '(number)',
      'Node / Environment',
      '(concatenated string)',
      '(sliced string)',
      '(symbol)',
      '(bigint)',
      '(object shape)',
      '<div>',
      '<br>',
      '<weird>',
    ])
  })

  it('propagates detachedness through native nodes only, attached first', async () => {
    const t = new TinySnapshot()
    const root = t.node('synthetic', '', 0)
    const trees = t.node('synthetic', '(Document DOM trees)', 0)
    const detachedDiv = t.node('native', '<div id="gone">', 40, 2)
    const text = t.node('native', 'Text', 20) // unknown state, child of a detached node
    const js = t.node('object', 'HTMLDivElement', 16) // JS wrapper: not native, not renamed
    const viaHidden = t.node('native', 'HiddenChild', 8) // reached over a hidden edge only
    const attached = t.node('native', 'HTMLBodyElement', 40, 1)
    const shared = t.node('native', 'Shared', 8) // reached from attached and detached: attached wins
    const viaWeak = t.node('native', 'WeakChild', 8)
    t.edge(root, 'element', 1, trees).edge(trees, 'element', 1, detachedDiv).edge(trees, 'element', 2, attached)
    t.edge(detachedDiv, 'internal', 'child', text).edge(detachedDiv, 'property', 'wrapper', js)
    t.edge(detachedDiv, 'hidden', 0, viaHidden).edge(detachedDiv, 'internal', 'shared', shared)
    t.edge(attached, 'internal', 'shared', shared).edge(detachedDiv, 'weak', 'w', viaWeak)
    const names = await assertSameAsDevTools(t)
    assert.deepEqual(names.slice(2), ['Detached <div>', 'Detached Text', 'HTMLDivElement', 'HiddenChild', 'HTMLBodyElement', 'Shared', 'WeakChild'])
  })

  it('names plain Objects by popular property shapes', async () => {
    const { t, plain } = plainObjects()
    for (let i = 0; i < 3; i++) plain(['b', 'a'])
    plain(['a', 'b', 'c']) // contains {b, a}: takes that name
    plain(['x']) // a shape of one object: stays Object
    plain(['__proto__']) // no properties besides __proto__: stays Object
    for (let i = 0; i < 2; i++) plain(['a,b', "it's", '{x}'])
    for (let i = 0; i < 2; i++) plain(['k'.repeat(130), 'm'])
    const names = await assertSameAsDevTools(t)
    assert.deepEqual(names.slice(2), [
      '{b, a}',
      '{b, a}',
      '{b, a}',
      '{b, a}',
      'Object',
      'Object',
      `{"a,b", "it's", "{x}"}`,
      `{"a,b", "it's", "{x}"}`,
      `{${'k'.repeat(130)}}`,
      `{${'k'.repeat(130)}}`,
    ])
  })

  it('names objects of a shape seen before as the first of that shape, counting each (shapes are read once)', async () => {
    const { t, plain } = plainObjects()
    // A shape counted only when seen again; one set of names in two orders (two shapes, two
    // candidates, one name for both); two shapes that make one name once cut; shapes of no name.
    for (let i = 0; i < 2; i++) plain(['p', 'q'])
    for (let i = 0; i < 2; i++) plain(['d', 'c'])
    for (let i = 0; i < 3; i++) plain(['c', 'd'])
    plain(['k'.repeat(130), 'm'])
    plain(['k'.repeat(130), 'n'])
    for (let i = 0; i < 2; i++) plain(['__proto__'])
    for (let i = 0; i < 2; i++) plain([])
    const names = await assertSameAsDevTools(t)
    assert.deepEqual(names.slice(2), [
      '{p, q}',
      '{p, q}',
      ...Array(5).fill('{c, d}'),
      `{${'k'.repeat(130)}}`,
      `{${'k'.repeat(130)}}`,
      ...Array(4).fill('Object'),
    ])
  })
})

describe('detectSnapshotKind', () => {
  const withRootChild = (type: string, name: string, edge = 'element', extra?: (t: TinySnapshot, child: number) => void): Promise<Snapshot> => {
    const t = new TinySnapshot()
    const root = t.node('synthetic', '', 0)
    t.edge(root, 'element', 1, t.node('synthetic', '(GC roots)', 0))
    const child = t.node(type, name, 10)
    t.edge(root, edge, edge === 'element' ? 2 : name, child)
    extra?.(t, child)
    return t.parse()
  }

  it('finds browsers by (Document DOM trees) or a Window global', async () => {
    assert.equal(detectSnapshotKind(await withRootChild('synthetic', '(Document DOM trees)')), 'browser')
    assert.equal(detectSnapshotKind(await withRootChild('object', 'Window / https://example.com', 'shortcut')), 'browser')
    assert.equal(detectSnapshotKind(await withRootChild('object', 'Window', 'shortcut')), 'browser')
  })

  it('finds Node by its embedder roots or a global with process', async () => {
    assert.equal(detectSnapshotKind(await withRootChild('synthetic', 'Node / Environment')), 'node')
    assert.equal(detectSnapshotKind(await nodeLikeSnapshot().parse()), 'node')
  })

  it('says unknown otherwise', async () => {
    assert.equal(detectSnapshotKind(await withRootChild('object', 'global', 'shortcut')), 'unknown')
    assert.equal(detectSnapshotKind(await withRootChild('object', 'Window2', 'shortcut')), 'unknown')
  })
})

describe('computeSnapshotSummary', () => {
  it('counts, sums and groups by class, skipping zero-size nodes', async () => {
    const t = nodeLikeSnapshot()
    t.extraNativeBytes = 1000
    const s = await t.parse()
    const summary = computeSnapshotSummary(s)
    assert.equal(summary.nodeCount, s.nodeCount)
    assert.equal(summary.edgeCount, s.edgeCount)
    // 40 + 64 + 3 * (32 + 24) + 2 * (20 + 16) + 56 + 100 + 80, plus extra native bytes
    assert.equal(summary.totalSelfSize, 40 + 64 + 3 * 56 + 2 * 36 + 56 + 100 + 80 + 1000)
    assert.equal(summary.extraNativeBytes, 1000)
    assert.equal(summary.hasAllocationTraces, false)
    assert.equal(summary.kind, 'node')
    const byName = Object.fromEntries(summary.classes.map((c) => [c.name, [c.count, c.selfSize]]))
    assert.deepEqual(byName, {
      global: [1, 40],
      process: [1, 64],
      Foo: [3, 96],
      '(string)': [3, 72],
      '{a, b}': [2, 40],
      '(number)': [2, 32],
      Function: [1, 56],
      '(compiled code)': [1, 100],
      '(array)': [1, 80],
    })
    // Largest first.
    assert.deepEqual(
      summary.classes.slice(0, 3).map((c) => c.name),
      ['(compiled code)', 'Foo', '(array)'],
    )
  })

  it('takes shallow sizes from the caller (e.g. after DevTools redistribution)', async () => {
    const s = await nodeLikeSnapshot().parse()
    const shallow = Float64Array.from(s.v8SelfSize)
    shallow[s.nodeCount - 2] = 0 // the array's size moved to its owner
    shallow[2] += 80
    const summary = computeSnapshotSummary(s, { shallowSize: shallow })
    assert.equal(
      summary.classes.find((c) => c.name === '(array)'),
      undefined,
    )
    assert.deepEqual(
      summary.classes.find((c) => c.name === 'global'),
      { name: 'global', count: 1, selfSize: 120 },
    )
    assert.throws(() => computeSnapshotSummary(s, { shallowSize: new Float64Array(1) }), /shallowSize has 1 entries/)
  })
  it('reuses class names and a dominator tree given by the caller, with the same result', async () => {
    const s = await openSnapshot(fixturePath('node-traced.heapsnapshot.gz'))
    const analysis = analyzeHeap(s)
    const fresh = computeSnapshotSummary(s, { analysis })
    const reused = computeSnapshotSummary(s, {
      analysis,
      classNames: computeClassNames(s),
      dominatorTree: buildDominatorTree(s, analysis.dominators, analysis.retainedSize),
    })
    assert.deepEqual(reused, fresh)
    assert.ok(fresh.classes.every((c) => c.retainedSize !== undefined))
    // What is given is what is used: one class for every node.
    const one = computeSnapshotSummary(s, { classNames: { classIndex: new Uint32Array(s.nodeCount), names: ['Everything'], interfaceDefinitions: [] } })
    assert.deepEqual(
      one.classes.map((c) => c.name),
      ['Everything'],
    )
  })
})
