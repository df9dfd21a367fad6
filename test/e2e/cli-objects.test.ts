/**
 * The object commands end to end (built CLI, real fixtures): `top -n 0
 * --json` lists every object with the numbers DevTools' own model gives;
 * `retainers` paths are real, shortest paths; `dominators` and `inspect`
 * agree with them; `export` writes graphs that graphology reads back.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { loadFileWithDevTools } from '../helpers/devtools.js'
import { fixturePath } from '../helpers/paths.js'
import { type RawSnapshot, readRaw, runCli, runHere } from './cli-helpers.js'

const require = createRequire(import.meta.url)
const FILE = fixturePath('leak-traced-after.heapsnapshot.gz')

const outputs = new Map<string, Promise<any>>()

/**
 * The JSON a command prints, run once per distinct command line. `top -n 0` runs the built CLI in a
 * process of its own; the others run main() here on the same file read once (runHere).
 */
function json(args: string[], how: 'spawn' | 'here' = 'here'): Promise<any> {
  const key = JSON.stringify(args)
  let out = outputs.get(key)
  if (out === undefined) {
    out = (how === 'spawn' ? Promise.resolve(runCli(args)) : runHere(args)).then((r) => {
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stderr, '')
      return JSON.parse(r.stdout)
    })
    outputs.set(key, out)
  }
  return out
}

/** Every object, largest retained size first: `top -n 0 --json`. */
const everyObject = (): Promise<any> => json(['top', FILE, '-n', '0', '--json'], 'spawn')

let raw: RawSnapshot | undefined
/** FILE as V8 wrote it (JSON.parse), read once. */
const rawFile = (): RawSnapshot => {
  raw ??= readRaw(FILE)
  return raw
}

describe('heapscope top', () => {
  it('-n 0 --json lists every non-synthetic object with DevTools numbers', async () => {
    const doc = await everyObject()
    const d = await loadFileWithDevTools(FILE)
    const raw = rawFile()
    const fields = raw.snapshot.meta.node_fields
    const nf = fields.length
    const idAt = fields.indexOf('id')
    const typeAt = fields.indexOf('type')
    const synthetic = raw.snapshot.meta.node_types[0].indexOf('synthetic')
    const ordinalOf = new Map<number, number>()
    let nonSynthetic = 0
    for (let n = 0; n < raw.nodes.length / nf; n++) {
      ordinalOf.set(raw.nodes[n * nf + idAt], n)
      if (raw.nodes[n * nf + typeAt] !== synthetic) nonSynthetic++
    }
    assert.equal(doc.objects.length, nonSynthetic)
    assert.equal(doc.totalSize, d.totalSize)
    for (let i = 0; i < doc.objects.length; i++) {
      const o = doc.objects[i]
      const n = ordinalOf.get(o.id) as number
      assert.equal(o.retainedSize, d.retainedSizes[n], `retained @${o.id}`)
      assert.equal(o.selfSize, d.nodes.getValue(n * d.nodeFieldCount + d.nodeSelfSizeOffset), `shallow @${o.id}`)
      assert.equal(o.distance, d.nodeDistances[n], `distance @${o.id}`)
      assert.equal(o.dominatorId, raw.nodes[d.dominatorsTree[n] * nf + idAt], `dominator @${o.id}`)
      if (i > 0) assert.ok(doc.objects[i - 1].retainedSize >= o.retainedSize, 'sorted by retained size')
    }
  })

  it('-n 5 gives the first five of the full list', async () => {
    const all = (await everyObject()).objects.slice(0, 5)
    assert.deepEqual((await json(['top', FILE, '-n', '5', '--json'])).objects, all)
  })
})

describe('heapscope retainers, dominators, inspect', () => {
  const leaky = async () => {
    return (await everyObject()).objects.find((o: { name: string; type: string }) => o.name === 'LeakyThing' && o.type === 'object')
  }

  it('gives real, distinct, shortest retainer paths from the root', async () => {
    const object = await leaky()
    const doc = await json(['retainers', FILE, String(object.id), '--paths', '3', '--json'])
    assert.equal(doc.object.id, object.id)
    assert.ok(doc.paths.length >= 1)
    const raw = rawFile()
    const f = raw.snapshot.meta.node_fields
    const nf = f.length
    const ef = raw.snapshot.meta.edge_fields.length
    const idAt = f.indexOf('id')
    const edgeCountAt = f.indexOf('edge_count')
    // Independent check: every step is an edge of the raw snapshot.
    const edgesOf = new Map<number, { name: string; to: number }[]>()
    let e = 0
    for (let n = 0; n < raw.nodes.length / nf; n++) {
      const list = []
      for (let k = 0; k < raw.nodes[n * nf + edgeCountAt]; k++, e++) {
        const type = raw.snapshot.meta.edge_types[0][raw.edges[e * ef]]
        const nameOrIndex = raw.edges[e * ef + 1]
        const name = type === 'element' || type === 'hidden' ? String(nameOrIndex) : raw.strings[nameOrIndex]
        list.push({ name, to: raw.nodes[raw.edges[e * ef + 2] + idAt] })
      }
      edgesOf.set(raw.nodes[n * nf + idAt], list)
    }
    const rootId = raw.nodes[idAt]
    const firstEdges = new Set<string>()
    for (const path of doc.paths) {
      assert.equal(path[0].from, null)
      assert.equal(path[path.length - 1].to, object.id)
      let from = rootId
      for (const step of path) {
        assert.ok(
          edgesOf.get(from)?.some((x) => x.name === step.edge && x.to === step.to),
          `edge ${step.edge} from @${from}`,
        )
        from = step.to
      }
      const last = path[path.length - 1]
      firstEdges.add(`${last.from}:${last.edge}`)
    }
    assert.equal(firstEdges.size, doc.paths.length, 'each path enters through another retainer')
    for (let i = 1; i < doc.paths.length; i++) assert.ok(doc.paths[i - 1].length <= doc.paths[i].length)
  })

  it('dominators --id lists what an object dominates, largest first, adding up', async () => {
    const top = (await everyObject()).objects[0]
    const doc = await json(['dominators', FILE, '--id', String(top.id), '--depth', '1', '--width', '0', '--json'])
    assert.equal(doc.tree.id, top.id)
    assert.equal(doc.tree.retainedSize, top.retainedSize)
    const children = doc.tree.children
    const sum = children.reduce((a: number, c: { retainedSize: number }) => a + c.retainedSize, 0)
    assert.equal(sum + doc.tree.selfSize, top.retainedSize)
    for (let i = 1; i < children.length; i++) assert.ok(children[i - 1].retainedSize >= children[i].retainedSize)
  })

  it('inspect shows the edges the raw snapshot has', async () => {
    const object = await leaky()
    const doc = await json(['inspect', FILE, String(object.id), '--limit', '0', '--json'])
    assert.equal(doc.object.retainedSize, object.retainedSize)
    assert.equal(doc.edges.length, doc.object.edgeCount)
    assert.ok(doc.retainers.length === doc.object.retainerCount)
    assert.ok(doc.dominators.length >= 1)
  })

  it('an unknown id is one clear error, exit code 2', async () => {
    const r = await runHere(['retainers', FILE, '999999999'])
    assert.equal(r.code, 2)
    assert.equal(r.stderr.trim().split('\n').length, 1)
    assert.match(r.stderr, /no object with id @999999999/)
  })
})

describe('heapscope export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heapscope-export-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('writes GEXF, GraphML and JSON that graphology reads back', async () => {
    const object = (await everyObject()).objects[2]
    const { MultiDirectedGraph, DirectedGraph } = require('graphology')
    const sizes: number[] = []
    for (const format of ['gexf', 'graphml', 'json']) {
      const out = join(dir, `g.${format}`)
      // The first in a process of its own (the built CLI writes the file), the others here.
      const args = ['export', FILE, String(object.id), '--what', 'dominated', '--depth', '2', '--format', format, '-o', out]
      const r = format === 'gexf' ? runCli(args) : await runHere(args)
      assert.equal(r.code, 0, r.stderr)
      const text = readFileSync(out, 'utf8')
      const g =
        format === 'gexf'
          ? require('graphology-gexf').parse(DirectedGraph, text)
          : format === 'graphml'
            ? require('graphology-graphml').parse(DirectedGraph, text)
            : DirectedGraph.from(JSON.parse(text))
      assert.ok(g.hasNode(String(object.id)))
      sizes.push(g.order)
    }
    assert.equal(new Set(sizes).size, 1, `same graph in every format: ${sizes}`)
    const r = await runHere(['export', FILE, String(object.id), '--what', 'retainers', '--format', 'json', '-o', '-'])
    const g = MultiDirectedGraph.from(JSON.parse(r.stdout))
    assert.ok(g.inDegree(String(object.id)) >= 1)
  })
})
