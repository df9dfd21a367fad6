/**
 * Retainer clusters: on random graphs, against every shortest path
 * enumerated naively (each member's cluster path is the shape of one of its
 * shortest paths, the one when there is only one) and retained sizes
 * against dominance by reachability; the dominator tree's intervals against
 * the dominator chains. On real snapshots written by V8, the planted leaks
 * (fixtures/programs/patterns.cjs) come out as clusters with the counts the
 * program planted.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import { computeDominatorIntervals } from '../../../src/analysis/dominator-intervals.js'
import { edgeSource } from '../../../src/analysis/distances.js'
import { analyzeHeap, computeClassNames, findRetainerClusters, NO_PREDECESSOR, openSnapshot, type HeapAnalysis, type Snapshot } from '../../../src/index.js'
import { naiveDominates, naiveShortestPathShapes, reachable, type LabelledGraph, type SmallGraph } from '../../helpers/naive.js'
import { fixturePath } from '../../helpers/paths.js'
import { TinySnapshot } from '../cli/tiny-snapshot.js'

const CLASSES = ['A', 'B', 'C']
const EDGES = ['.a', '.b', '[]', 'weak']

/**
 * A random heap: root -> 1..3 user roots (node 0 among them), each other
 * node reached from an earlier one (so the root reaches everything: DevTools
 * hangs unreachable parts off the root, which reachability alone does not
 * say), then random edges of a few kinds, weak ones included, between
 * objects of three classes.
 */
const randomHeap = fc.integer({ min: 1, max: 11 }).chain((n) =>
  fc.record({
    classes: fc.array(fc.nat(CLASSES.length - 1), { minLength: n, maxLength: n }),
    sizes: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: n, maxLength: n }),
    roots: fc.uniqueArray(fc.nat(n - 1), { minLength: 0, maxLength: 2 }),
    tree: fc.array(fc.tuple(fc.nat(), fc.nat(EDGES.length - 2)), { minLength: n, maxLength: n }),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(EDGES.length - 1), fc.nat(n - 1)), { maxLength: 2 * n }),
  }),
)

type Heap = typeof randomHeap extends fc.Arbitrary<infer H> ? H : never

async function build(h: Heap): Promise<{ s: Snapshot; a: HeapAnalysis; labelled: LabelledGraph; plain: SmallGraph }> {
  const t = new TinySnapshot()
  const root = t.node('synthetic', '', 0)
  const nodes = h.classes.map((c, i) => t.node('object', CLASSES[c], h.sizes[i]))
  const count = nodes.length + 1
  const labelled: LabelledGraph = { nodeCount: count, root, label: ['', ...h.classes.map((c) => CLASSES[c])], out: Array.from({ length: count }, () => []) }
  const plain: SmallGraph = { nodeCount: count, root, succ: Array.from({ length: count }, () => []) }
  const roots = [0, ...h.roots.filter((r) => r !== 0)]
  roots.forEach((r, i) => {
    t.edge(root, 'element', i + 1, nodes[r])
    labelled.out[root].push([nodes[r], ''])
    plain.succ[root].push(nodes[r])
  })
  const edges = [...h.tree.slice(1).map(([parent, kind], i): [number, number, number] => [parent % (i + 1), kind, i + 1]), ...h.edges]
  edges.forEach(([from, kind, to], i) => {
    const edge = EDGES[kind]
    if (edge === 'weak') t.edge(nodes[from], 'weak', `w${i}`, nodes[to])
    else if (edge === '[]') t.edge(nodes[from], 'element', i, nodes[to])
    else t.edge(nodes[from], 'property', edge.slice(1), nodes[to])
    if (edge === 'weak') return
    labelled.out[nodes[from]].push([nodes[to], edge])
    plain.succ[nodes[from]].push(nodes[to])
  })
  const s = await t.parse()
  return { s, a: analyzeHeap(s), labelled, plain }
}

describe('findRetainerClusters on random graphs', () => {
  it('puts each object in a cluster of one of its shortest paths, counting retained bytes once', async () => {
    await fc.assert(
      fc.asyncProperty(randomHeap, async (h) => {
        const { s, a, labelled, plain } = await build(h)
        const members: number[] = []
        for (let n = 1; n < s.nodeCount; n++) if (labelled.label[n] === 'A') members.push(n)
        const clusters = findRetainerClusters(s, a, members, { examples: 1000 })
        const shapes = naiveShortestPathShapes(labelled, 4)
        const fromRoot = reachable(plain, plain.root)
        const seen = new Set<number>()
        for (const c of clusters) {
          const shape = c.steps.map((step) => `${step.edge}|${step.className}`).join(' / ')
          assert.equal(c.count, c.examples.length)
          let selfSize = 0
          for (const m of c.examples) {
            assert.ok(!seen.has(m), `@${s.nodeId[m]} in two clusters`)
            seen.add(m)
            selfSize += a.shallowSize[m]
            assert.ok(shapes[m].has(shape), `@${s.nodeId[m]}: ${shape} is none of its shortest paths ${[...shapes[m]].join(' | ')}`)
          }
          assert.equal(c.selfSize, selfSize)
          // Bytes that some member of the cluster dominates, each once.
          let retained = 0
          for (let v = 0; v < s.nodeCount; v++) {
            if (fromRoot[v] && c.examples.some((m) => naiveDominates(plain, m, v))) retained += a.shallowSize[v]
          }
          assert.equal(c.retainedSize, retained, shape)
        }
        // Every member the root reaches is in a cluster; no other.
        assert.deepEqual(
          [...seen].sort((x, y) => x - y),
          members.filter((m) => fromRoot[m]),
        )
      }),
      { numRuns: 150, seed: 1111 },
    )
  })

  it('computes dominator intervals that nest exactly as dominance', async () => {
    await fc.assert(
      fc.asyncProperty(randomHeap, async (h) => {
        const { s, a } = await build(h)
        const { pre, end, nodeAt } = computeDominatorIntervals(s, a)
        for (let p = 0; p < s.nodeCount; p++) assert.equal(pre[nodeAt[p]], p)
        const dominator = a.dominators.dominator
        for (let d = 0; d < s.nodeCount; d++) {
          for (let v = 0; v < s.nodeCount; v++) {
            let chain = v === d
            for (let m = v; m !== s.rootOrdinal && !chain; ) {
              m = dominator[m]
              chain = m === d
            }
            assert.equal(pre[d] <= pre[v] && pre[v] < end[d], chain, `@${s.nodeId[d]} over @${s.nodeId[v]}`)
          }
        }
      }),
      { numRuns: 100, seed: 2222 },
    )
  })
})

describe('dictionary keys in cluster paths', () => {
  /** root -> (GC roots)-like holder `Registry` .cache -> `Cache`, whose properties `names` lead to one `Module` each. */
  async function clustersOf(names: string[]): Promise<string[]> {
    const t = new TinySnapshot()
    const root = t.node('synthetic', '', 0)
    const registry = t.node('object', 'Registry', 16)
    const cache = t.node('object', 'Cache', 16)
    t.edge(root, 'element', 1, registry)
    t.edge(registry, 'property', 'cache', cache)
    for (const name of names) t.edge(cache, 'property', name, t.node('object', 'Module', 32))
    const s = await t.parse()
    const a = analyzeHeap(s)
    const modules: number[] = []
    for (let n = 0; n < s.nodeCount; n++) if (s.nodeName(n) === 'Module') modules.push(n)
    return findRetainerClusters(s, a, modules).map((c) => `${c.count} ${c.path}`)
  }

  it('reads the keys of an object with eight or more key-like names as [*]: file paths, names with digits; not identifiers or symbols', async () => {
    const files = Array.from({ length: 8 }, (_, i) => `/app/lib/${'abcdefgh'[i]}.js`)
    assert.deepEqual(await clustersOf(files), ['8 Registry .cache -> Cache [*] -> Module'])
    assert.deepEqual(await clustersOf([...files.slice(0, 4), 'req-1', 'req-2', 'session 7', 'x.y']), ['8 Registry .cache -> Cache [*] -> Module'])
    // Seven are not enough: each name is its own path.
    const seven = await clustersOf(files.slice(0, 7))
    assert.equal(seven.length, 7)
    assert.ok(seven.includes('1 Registry .cache -> Cache ["/app/lib/a.js"] -> Module'), seven.join('\n'))
    // Identifiers and symbols are fields, however many: eight paths (and a key among them stays a key only in a dictionary).
    const fields = [...Array.from({ length: 6 }, (_, i) => `field${'abcdef'[i]}`), '<symbol a>', '<symbol b>']
    const named = await clustersOf([...fields, ...files.slice(0, 2)])
    assert.equal(named.length, 10, named.join('\n'))
  })
})

describe('retainer clusters of the planted leaks (patterns.cjs, real V8)', () => {
  let s: Snapshot
  let a: HeapAnalysis
  let instances: (name: string) => number[]
  before(async () => {
    s = await openSnapshot(fixturePath('patterns-after.heapsnapshot.gz'))
    a = analyzeHeap(s)
    const { classIndex, names } = computeClassNames(s)
    instances = (name) => {
      const out: number[] = []
      for (let n = 0; n < s.nodeCount; n++) if (names[classIndex[n]] === name) out.push(n)
      return out
    }
  })

  it('walks a shortest-path tree: every predecessor edge leads to its node, one step further from the roots', () => {
    for (let n = 0; n < s.nodeCount; n++) {
      const e = a.predecessorEdge[n]
      if (e === NO_PREDECESSOR) continue
      assert.equal(s.edgeTarget[e], n)
      const from = edgeSource(s, e)
      assert.ok(e >= s.firstEdge[from] && e < s.firstEdge[from + 1])
      if (from !== s.rootOrdinal) assert.equal(a.distance[n], a.distance[from] + 1)
    }
  })

  it('splits the CacheEntry objects held two ways into two clusters of 600 and 400', () => {
    const clusters = findRetainerClusters(s, a, instances('CacheEntry'))
    assert.deepEqual(
      clusters.map((c) => [c.count, c.path]),
      [
        [600, 'global / .patterns -> Object .entryCache -> Map {table} -> (array) [] -> CacheEntry'],
        [400, 'global / .patterns -> Object .queue -> Object .pending -> Array [] -> CacheEntry'],
      ],
    )
  })

  it('gives one cluster for 3,000 sockets, each held the same way', () => {
    const clusters = findRetainerClusters(s, a, instances('Socket'))
    assert.equal(clusters.length, 1)
    assert.equal(clusters[0].count, 3000)
    assert.match(clusters[0].path, /\.connections -> Array \[\] -> Connection \.socket -> Socket$/)
  })
})
