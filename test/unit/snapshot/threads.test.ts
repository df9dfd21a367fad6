/**
 * A big plain file is read on two threads: the parser reads up to a point
 * part-way through the edges array and a helper thread reads from there to
 * the end (rest.ts). Whatever the file, the result must be what one thread
 * gives: the same model, or the same first error. Checked on real V8
 * snapshots (where the split must be taken), on the same files broken at
 * places on both sides of the split, truncated, with a wrong edge count, on
 * one line, with edges that give no place to split, and with the nodes
 * after the edges (a section the helper hands back).
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { promises as fsp } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { HeapscopeError, openSnapshot, type Snapshot } from '../../../src/index.js'
import { readChunks } from '../../../src/snapshot/chunks.js'
import { RestHelper } from '../../../src/snapshot/rest.js'
import type { ByteSource } from '../../../src/snapshot/cursor.js'
import { parseSnapshot } from '../../../src/snapshot/parse.js'
import type { RestParser } from '../../../src/snapshot/split.js'
import { breakWorkers } from '../../helpers/broken-worker.js'
import { fixturePath } from '../../helpers/paths.js'

const FIXTURES = ['node-basic.heapsnapshot.gz', 'node-traced.heapsnapshot.gz', 'chromium-detached.heapsnapshot.gz']
/**
 * The fixture broken at every place: the places are fractions of its edges array and the sections
 * after it, the same in each file, and the parser's paths through them do not depend on what the
 * heap held; node-traced has every section (trace tree, locations). Breaking all three files cost
 * ~10 s of the suite's CPU (a 4 MB file written and read twice per place) for nothing more.
 */
const BROKEN = 'node-traced.heapsnapshot.gz'
/** Small chunks: more chunk ends around the split point. */
const CHUNK = 64 * 1024

const dir = mkdtempSync(join(tmpdir(), 'heapscope-threads-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let files = 0

function writePlain(text: string | Buffer): string {
  const path = join(dir, `${files++}.heapsnapshot`)
  writeFileSync(path, text)
  return path
}

/** Everything a model holds, or the error's message, as one string. */
async function outcome(parse: Promise<Snapshot>): Promise<string> {
  try {
    const s = await parse
    const columns = [
      s.nodeType,
      s.nodeNameIndex,
      s.nodeId,
      s.v8SelfSize,
      s.firstEdge,
      s.nodeTraceNodeId,
      s.nodeDetachedness,
      s.edgeType,
      s.edgeNameOrIndex,
      s.edgeTarget,
    ]
    const lists = [s.traceFunctionInfos, s.traceTree, s.locations, s.samples].map((x) =>
      x === null ? null : Object.fromEntries(Object.entries(x).map(([k, v]) => [k, ArrayBuffer.isView(v) ? [...(v as Uint32Array)] : v])),
    )
    return JSON.stringify([columns.map((c) => (c === null ? null : [...c])), s.strings.toArray(), lists, s.warnings])
  } catch (err) {
    if (!(err instanceof HeapscopeError)) throw err
    return `error: ${err.message}`
  }
}

/**
 * Parses `path` as openSnapshot does, with the helper thread (forced on,
 * whatever the size) or without; `taken` says whether the parser took the
 * helper's rest of the file (for a file that parses: on a broken one, the
 * parser reads on from the split itself).
 */
async function parse(path: string, helper: boolean, waitMs = 0): Promise<{ outcome: string; taken: boolean }> {
  const size = (await fsp.stat(path)).size
  const handle = await fsp.open(path, 'r')
  const rest = helper ? new RestHelper(path, size, CHUNK, 0) : null
  // Time for a thread that fails to start to say so before the parser asks it for anything.
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs))
  let taken = false
  try {
    const chunks = readChunks(handle, CHUNK)
    const source: ByteSource = {
      next: async () => {
        const r = await chunks.next()
        return r.done === true ? null : r.value
      },
      sizeBound: size,
      sizeExact: true,
    }
    let helperParser: RestParser | undefined
    if (rest !== null) {
      helperParser = {
        minBytes: 0,
        begin: (layout, from, seen) => {
          const pending = rest.begin(layout, from, seen)
          return {
            start: pending.start,
            // Asked for when the parser reaches the split at a record's end; on a file that parses,
            // a rest read whole is taken.
            get result() {
              return pending.result.then((r) => {
                taken = 'edges' in r
                return r
              })
            },
          }
        },
      }
    }
    return { outcome: await outcome(parseSnapshot(path, source, helperParser)), taken }
  } finally {
    rest?.stop()
    await handle.close()
  }
}

async function assertSameEitherWay(path: string, what: string): Promise<boolean> {
  const one = await parse(path, false)
  const two = await parse(path, true)
  assert.equal(two.outcome, one.outcome, what)
  return two.taken
}

/** The offsets where a section's value starts and ends (its '[' and ']'), found in V8's layout. */
function section(text: string, key: string): { open: number; close: number } {
  const open = text.indexOf(`"${key}":[`) + key.length + 3
  return { open, close: text.indexOf(']', open) }
}

/** A snapshot object written V8's way (one record a line), with its members in `order`. */
function v8Style(raw: Record<string, unknown>, order: string[]): string {
  const meta = (raw.snapshot as { meta: { node_fields: string[]; edge_fields: string[] } }).meta
  const records = (values: number[], fields: number): string => {
    const lines: string[] = []
    for (let k = 0; k < values.length; k += fields) lines.push(values.slice(k, k + fields).join(','))
    return `[${lines.join('\n,')}]`
  }
  const member = (key: string): string => {
    if (key === 'nodes') return `"nodes":${records(raw.nodes as number[], meta.node_fields.length)}`
    if (key === 'edges') return `"edges":${records(raw.edges as number[], meta.edge_fields.length)}`
    return `${JSON.stringify(key)}:${JSON.stringify(raw[key])}`
  }
  return `{${order.map(member).join(',\n')}}`
}

describe('reading a plain file on two threads', () => {
  for (const name of FIXTURES) {
    const text = gunzipSync(readFileSync(fixturePath(name))).toString('latin1')
    const plain = writePlain(Buffer.from(text, 'latin1'))

    it(`${name}: the same model, the helper's half taken`, async () => {
      const taken = await assertSameEitherWay(plain, name)
      assert.ok(taken, "the parser took the helper thread's rest of the file")
      // And through openSnapshot, which decides for itself.
      assert.equal(await outcome(openSnapshot(plain, { helperThread: true })), await outcome(openSnapshot(plain, { helperThread: false })))
    })

    if (name !== BROKEN) continue

    it(`${name}: the same first error, broken on either side of the split`, async () => {
      const edges = section(text, 'edges')
      const places: [string, number][] = []
      for (const f of [0.1, 0.3, 0.5, 0.62, 0.7, 0.8, 0.9, 0.97, 0.999]) {
        // A digit turned into a letter, inside the edges array.
        let at = Math.floor(edges.open + f * (edges.close - edges.open))
        while (!/[0-9]/.test(text[at])) at++
        places.push([`edges ${f}`, at])
      }
      const strings = section(text, 'strings')
      places.push(['strings', strings.open + Math.floor((strings.close - strings.open) / 2)])
      const locations = text.indexOf('"locations":[')
      if (locations >= 0) places.push(['locations', text.indexOf(',', locations + 14) + 1])
      places.push(['closing brace', text.lastIndexOf('}')])
      for (const [where, at] of places) {
        const broken = text.slice(0, at) + 'x' + text.slice(at + 1)
        await assertSameEitherWay(writePlain(Buffer.from(broken, 'latin1')), `${name}: ${where} at ${at}`)
        // Two faults, one on each side: the first is the one reported.
        const both = broken.slice(0, edges.open + 40) + 'y' + broken.slice(edges.open + 41)
        await assertSameEitherWay(writePlain(Buffer.from(both, 'latin1')), `${name}: ${where} and early in the edges`)
      }
    })

    it(`${name}: the same error when truncated or when the edge count is wrong`, async () => {
      for (const f of [0.5, 0.7, 0.85, 0.95, 0.999]) {
        await assertSameEitherWay(writePlain(Buffer.from(text.slice(0, Math.floor(f * text.length)), 'latin1')), `${name} cut at ${f}`)
      }
      const count = /"edge_count":(\d+)/.exec(text) as RegExpExecArray
      for (const delta of [-1, 1]) {
        const wrong = text.replace(count[0], `"edge_count":${Number(count[1]) + delta}`)
        await assertSameEitherWay(writePlain(Buffer.from(wrong, 'latin1')), `${name} edge_count ${delta}`)
        // ...and a fault after the edges array too: the count comes first in the file.
        const after = wrong.slice(0, wrong.lastIndexOf('}')) + 'x'
        await assertSameEitherWay(writePlain(Buffer.from(after, 'latin1')), `${name} edge_count ${delta}, then a fault`)
      }
    })
  }

  it('a helper thread that cannot start or fails: the same rest read on this thread', async () => {
    const plain = writePlain(gunzipSync(readFileSync(fixturePath('node-traced.heapsnapshot.gz'))))
    const one = await parse(plain, false)
    for (const [mode, waitMs] of [
      ['throws', 0],
      ['missing', 0],
      ['missing', 1000],
    ] as const) {
      const restore = breakWorkers(mode)
      try {
        const two = await parse(plain, true, waitMs)
        assert.equal(two.outcome, one.outcome, `${mode} ${waitMs}`)
        assert.ok(two.taken, `${mode} ${waitMs}: the rest, read here, is taken`)
      } finally {
        restore()
      }
    }
  })

  it("stops when its signal aborts, wherever the two threads are, with the signal's reason", async () => {
    const plain = writePlain(gunzipSync(readFileSync(fixturePath('node-basic.heapsnapshot.gz'))))
    const size = readFileSync(plain).length
    for (const f of [0.2, 0.5, 0.7, 0.9, 0.99]) {
      const controller = new AbortController()
      const reason = new Error(`stop at ${f}`)
      const onProgress = (p: { bytesRead: number }): void => {
        if (p.bytesRead >= f * size) controller.abort(reason)
      }
      await assert.rejects(openSnapshot(plain, { helperThread: true, chunkSize: CHUNK, signal: controller.signal, onProgress }), (err) => err === reason)
    }
  })

  it('one line (no newlines, as Chromium writes), no place to split, the nodes after the edges: the same model', async () => {
    const text = gunzipSync(readFileSync(fixturePath('node-basic.heapsnapshot.gz'))).toString('utf8')
    const raw = JSON.parse(text) as Record<string, unknown>
    // The helper finds a record's start from the values alone.
    assert.equal(await assertSameEitherWay(writePlain(JSON.stringify(raw)), 'one line'), true)
    // Edges of zeros fit every alignment of the fields: no place to start.
    const zeros = { ...raw, edges: (raw.edges as number[]).map(() => 0) }
    assert.equal(await assertSameEitherWay(writePlain(JSON.stringify(zeros)), 'edges of zeros'), false)
    // A section the helper hands back to the parser.
    const keys = Object.keys(raw)
    const edgesFirst = ['snapshot', 'edges', 'nodes', ...keys.filter((k) => !['snapshot', 'edges', 'nodes'].includes(k))]
    assert.equal(await assertSameEitherWay(writePlain(v8Style(raw, edgesFirst)), 'nodes after edges'), false)
    // ...with a long strings section after the nodes, where a split could be placed again (one per file).
    const longStrings = { ...raw, strings: [...(raw.strings as string[]), 'x'.repeat(8 << 20)] }
    assert.equal(await assertSameEitherWay(writePlain(v8Style(longStrings, edgesFirst)), 'nodes after edges, long strings'), false)
    assert.equal(await assertSameEitherWay(writePlain(v8Style(raw, keys)), "V8's order"), true)
  })
})
