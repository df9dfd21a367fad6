import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { HeapscopeError, openSnapshot, parseSnapshotChunks, Snapshot, SnapshotFormatError, transferList } from '../../../src/index.js'
import { fixturePath } from '../../helpers/paths.js'
import { nodeLikeSnapshot, V8_EDGE_TYPES, V8_NODE_TYPES } from '../cli/tiny-snapshot.js'

const require = createRequire(import.meta.url)
// heapsnapshot-parser has no types; it is the independent reference decoder.
const hsp = require('heapsnapshot-parser') as { parse(text: string): any }

/** A tiny but complete snapshot in V8's layout, with escapes and every optional section. */
function tinySnapshotJson(): string {
  const meta = {
    node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
    node_types: [V8_NODE_TYPES, 'string', 'number', 'number', 'number', 'number', 'number'],
    edge_fields: ['type', 'name_or_index', 'to_node'],
    edge_types: [V8_EDGE_TYPES, 'string_or_number', 'node'],
    trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
    trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
    sample_fields: ['timestamp_us', 'last_assigned_id'],
    location_fields: ['object_index', 'script_id', 'line', 'column'],
  }
  return (
    `{"snapshot":{"meta":${JSON.stringify(meta)},"node_count":4,"edge_count":4,"trace_function_count":2,"extra_native_bytes":1000},\n` +
    `"nodes":[9,0,1,0,2,0,0\n,3,1,3,32,2,2,1\n,3,2,5,16,0,3,2\n,2,3,7,24,0,0,0],\n` +
    `"edges":[5,4,7\n,1,0,14\n,2,5,14\n,6,4,21],\n` +
    `"trace_function_infos":[1,6,7,3,10,5,2,6,7,3,20,1],\n` +
    `"trace_tree":[1,0,0,0,[2,0,5,160,[3,1,2,48,[]]]],\n` +
    `"samples":[100,3,200,7],\n` +
    `"locations":[7,3,9,4],\n` +
    `"scopes_unknown_section":{"a":[1,2,{"b":"]}"}]},\n` +
    `"strings":["","Foo","Bar","q\\"uote \\\\ tab\\t nl\\n \\u00e9 \\ud83d\\ude00","root","x","fn","file.js"]}\n`
  )
}

function checkTiny(s: Snapshot): void {
  assert.equal(s.nodeCount, 4)
  assert.equal(s.edgeCount, 4)
  assert.deepEqual([...s.nodeId], [1, 3, 5, 7])
  assert.deepEqual([...s.v8SelfSize], [0, 32, 16, 24])
  assert.deepEqual([...s.firstEdge], [0, 2, 4, 4, 4])
  assert.deepEqual([...s.edgeTarget], [1, 2, 2, 3])
  assert.deepEqual([...(s.nodeTraceNodeId ?? [])], [0, 2, 3, 0])
  assert.deepEqual([...(s.nodeDetachedness ?? [])], [0, 1, 2, 0])
  assert.equal(s.nodeName(3), 'q"uote \\ tab\t nl\n é 😀')
  assert.equal(s.nodeTypeName(0), 'synthetic')
  assert.equal(s.edgeName(0), 'root')
  assert.equal(s.edgeTypeName(0), 'shortcut')
  assert.equal(s.edgeName(1), '0')
  assert.equal(s.edgeTypeName(3), 'weak')
  assert.equal(s.extraNativeBytes, 1000)
  assert.equal(s.traceFunctionInfos?.count, 2)
  assert.equal(s.strings.get(s.traceFunctionInfos?.name[1] ?? 0), 'fn')
  assert.equal(s.traceTree?.count, 3)
  assert.deepEqual([...(s.traceTree?.parent ?? [])], [-1, 0, 1])
  assert.deepEqual([...(s.traceTree?.allocationSize ?? [])], [0, 160, 48])
  assert.equal(s.traceIndexOf(3), 2)
  assert.equal(s.locations?.node[0], 1)
  assert.equal(s.locations?.line[0], 9)
  assert.equal(s.samples?.count, 2)
  assert.equal(s.ordinalOfId(5), 2)
  assert.equal(s.ordinalOfId(6), -1)
  assert.deepEqual(s.warnings, [])
}

async function parseText(text: string | Buffer, name = 'tiny.heapsnapshot'): Promise<Snapshot> {
  return parseSnapshotChunks([Buffer.from(text)], name)
}

async function expectFormatError(text: string, pattern: RegExp): Promise<void> {
  await assert.rejects(parseText(text), (err: unknown) => {
    assert.ok(err instanceof SnapshotFormatError, `expected SnapshotFormatError, got ${String(err)}`)
    assert.match(err.message, /^tiny\.heapsnapshot: /)
    assert.match(err.message, pattern)
    return true
  })
}

describe('parser on a hand-written snapshot', () => {
  it('decodes every section', async () => {
    checkTiny(await parseText(tinySnapshotJson()))
  })

  it('gives the same model when split into two chunks at every byte offset', async () => {
    const bytes = Buffer.from(tinySnapshotJson())
    for (let cut = 1; cut < bytes.length; cut++) {
      checkTiny(await parseSnapshotChunks([bytes.subarray(0, cut), bytes.subarray(cut)], 'split'))
    }
  })

  it('gives the same model fed one byte at a time, and gzipped', async () => {
    const bytes = Buffer.from(tinySnapshotJson())
    const ones: Buffer[] = []
    for (let i = 0; i < bytes.length; i++) ones.push(bytes.subarray(i, i + 1))
    checkTiny(await parseSnapshotChunks(ones, 'bytes'))
    const { gzipSync } = await import('node:zlib')
    checkTiny(await parseSnapshotChunks([gzipSync(bytes)], 'gz'))
  })

  it('skips a UTF-8 byte order mark, even split across chunks', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(tinySnapshotJson())])
    checkTiny(await parseSnapshotChunks([bytes], 'bom'))
    checkTiny(await parseSnapshotChunks([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)], 'bom'))
    await assert.rejects(parseSnapshotChunks([Buffer.from([0xef, 0xbb])], 'half'), /expected '\{'.* at byte 2, found end of file$/)
  })

  it('reports each truncation as a format error, never a crash or a partial model', async () => {
    const text = tinySnapshotJson().trimEnd()
    for (let cut = 0; cut < text.length; cut++) {
      await assert.rejects(parseText(text.slice(0, cut)), SnapshotFormatError, `cut at ${cut}`)
    }
  })

  it('rejects counts that disagree with the arrays', async () => {
    await expectFormatError(tinySnapshotJson().replace('"node_count":4', '"node_count":5'), /5 nodes .*found 28 values \(4 nodes\)/)
    await expectFormatError(tinySnapshotJson().replace('"node_count":4', '"node_count":3'), /3 nodes \(node_count\) at byte \d+, found more values/)
    await expectFormatError(tinySnapshotJson().replace('"edge_count":4', '"edge_count":5'), /5 edges/)
    await expectFormatError(tinySnapshotJson().replace('9,0,1,0,2,', '9,0,1,0,3,'), /add up to edge_count 4, found a sum of 5/)
  })

  it('rejects an edge target out of range or not a node offset', async () => {
    await expectFormatError(tinySnapshotJson().replace('6,4,21]', '6,4,28]'), /to_node\) that is a multiple of 7 below 28 at byte \d+, found 28/)
    await expectFormatError(tinySnapshotJson().replace('6,4,21]', '6,4,20]'), /multiple of 7 .* found 20/)
  })

  it('rejects string and type indexes out of range', async () => {
    await expectFormatError(tinySnapshotJson().replace(',2,3,7,24,', ',2,99,7,24,'), /node names that index the 8 strings, found node 3 \(@7\) names string 99/)
    await expectFormatError(tinySnapshotJson().replace('2,5,14', '2,55,14'), /edge names that index the 8 strings, found edge 2 names string 55/)
    await expectFormatError(tinySnapshotJson().replace('"nodes":[9,', '"nodes":[15,'), /node type index below 15/)
  })

  it('keeps a self size of 4 GiB or more as 2^32 - 1 with a warning, and rejects other values that large', async () => {
    const s = await parseSnapshotChunks([Buffer.from(tinySnapshotJson().replace(',3,2,5,16,', ',3,2,5,5000000000,'))], 'big')
    assert.deepEqual([...s.v8SelfSize], [0, 32, 2 ** 32 - 1, 24])
    assert.match(s.warnings.join('\n'), /1 node has a self size of 4 GiB or more \(the largest 5000000000 bytes\)/)
    await expectFormatError(
      tinySnapshotJson().replace(',3,2,5,16,', ',3,2,4294967297,16,'),
      /a number below 2\^32 in the nodes array at byte \d+, found 4294967297/,
    )
    await expectFormatError(tinySnapshotJson().replace('6,4,21]', '6,4294967296,21]'), /a number below 2\^32 in the edges array/)
  })

  it('refuses a header claiming billions of nodes without allocating them', async () => {
    await expectFormatError(tinySnapshotJson().replace('"node_count":4', '"node_count":2000000000'), /node and edge counts that fit the file/)
  })

  it('says what is wrong with inputs that are not heap snapshots', async () => {
    await expectFormatError('', /expected '\{' .* at byte 0, found end of file \(the input is empty\)/)
    await expectFormatError('hello', /expected '\{' .* at byte 0, found 'h'/)
    await expectFormatError('[1,2]', /found '\['/)
    await expectFormatError('{"a":1}', /"snapshot" header .*not a V8 heap snapshot/)
    await expectFormatError('{}', /"snapshot" header/)
    await expectFormatError(tinySnapshotJson() + 'x', /end of the file after the snapshot object/)
    await expectFormatError(tinySnapshotJson().replace('"nodes":[9,0', '"nodes":[9,x'), /a number in the nodes array at byte \d+, found 'x'/)
  })

  it('trusts a trace_function_infos array longer than trace_function_count, with a warning', async () => {
    const s = await parseText(tinySnapshotJson().replace('"trace_function_count":2', '"trace_function_count":1'))
    assert.equal(s.traceFunctionInfos?.count, 2)
    assert.deepEqual(s.warnings, ['trace_function_count says 1 but trace_function_infos holds 2; using 2'])
  })

  it('parses snapshots without optional fields and sections', async () => {
    const text = tinySnapshotJson()
      .replace(
        `"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"]`,
        `"node_fields":["type","name","id","self_size","edge_count"]`,
      )
      .replace(/"nodes":\[[^\]]*\]/, '"nodes":[9,0,1,0,2,3,1,3,32,2,3,2,5,16,0,2,3,7,24,0]')
      .replace(/"edges":\[[^\]]*\]/, '"edges":[5,4,5,1,0,10,2,5,10,6,4,15]')
      .replace(/"trace_function_infos":.*\n"trace_tree":.*\n"samples":.*\n"locations":.*\n/, '')
    const s = await parseText(text)
    assert.equal(s.nodeTraceNodeId, null)
    assert.equal(s.nodeDetachedness, null)
    assert.equal(s.traceTree, null)
    assert.equal(s.hasAllocationTraces, false)
    assert.deepEqual([...s.edgeTarget], [1, 2, 2, 3])
  })

  it('counts a trace tree of only its root as tracked (tracking on, nothing allocated since), an empty one as not', async () => {
    // V8 writes the root whenever tracking is on: the first snapshot after tracking started, of an
    // idle program, is such a baseline, and a diff against it must still group by site.
    const rootOnly = tinySnapshotJson()
      .replace(/"nodes":\[[^\]]*\]/, '"nodes":[9,0,1,0,2,0,0,3,1,3,32,2,0,1,3,2,5,16,0,0,2,2,3,7,24,0,0,0]')
      .replace(/"trace_tree":.*\n/, '"trace_tree":[1,0,0,0,[]],\n')
    const tracked = await parseText(rootOnly)
    assert.equal(tracked.traceTree?.count, 1)
    assert.equal(tracked.hasAllocationTraces, true)
    const untracked = await parseText(rootOnly.replace('"trace_tree":[1,0,0,0,[]]', '"trace_tree":[]'))
    assert.equal(untracked.traceTree?.count ?? 0, 0)
    assert.equal(untracked.hasAllocationTraces, false)
  })

  it('never throws anything but a HeapscopeError on mutated input', async () => {
    const bytes = Buffer.from(tinySnapshotJson())
    const alphabet = Buffer.from('0123456789,[]{}":\\ u-x\n')
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.nat(alphabet.length - 1)), { minLength: 1, maxLength: 4 }), async (mutations) => {
        const copy = Buffer.from(bytes)
        for (const [at, k] of mutations) copy[at] = alphabet[k]
        try {
          const s = await parseSnapshotChunks([copy], 'mutated')
          // A parse that succeeds must be internally consistent.
          assert.equal(s.firstEdge[s.nodeCount], s.edgeCount)
          for (let e = 0; e < s.edgeCount; e++) assert.ok(s.edgeTarget[e] < s.nodeCount)
        } catch (err) {
          if (!(err instanceof HeapscopeError)) throw err
        }
      }),
      { numRuns: 400, seed: 42 },
    )
  })
})

/** Real fixtures written by V8, checked against heapsnapshot-parser's independent decoding. */
const REAL_FIXTURES = ['node-basic.heapsnapshot.gz', 'node-traced.heapsnapshot.gz', 'leak-traced-before.heapsnapshot.gz', 'chromium-detached.heapsnapshot.gz']

function compareWithReference(s: Snapshot, text: string): void {
  const raw = JSON.parse(text)
  const ref = hsp.parse(raw)
  assert.equal(s.nodeCount, raw.snapshot.node_count)
  assert.equal(s.edgeCount, raw.snapshot.edge_count)
  assert.equal(ref.nodes.length, s.nodeCount)
  assert.equal(ref.edges.length, s.edgeCount)
  assert.deepEqual(s.strings.toArray(), raw.strings)
  for (let n = 0; n < s.nodeCount; n++) {
    const r = ref.nodes[n]
    if (
      r.type !== s.nodeTypeName(n) ||
      r.name !== s.nodeName(n) ||
      r.id !== s.nodeId[n] ||
      r.self_size !== s.v8SelfSize[n] ||
      r.edge_count !== s.edgeCountOf(n) ||
      (r.trace_node_id ?? 0) !== (s.nodeTraceNodeId?.[n] ?? 0) ||
      (r.detachedness ?? 0) !== (s.nodeDetachedness?.[n] ?? 0)
    ) {
      assert.fail(`node ${n} differs: reference ${r.toShortString()}`)
    }
    for (let k = 0, e = s.firstEdge[n]; e < s.firstEdge[n + 1]; k++, e++) {
      const re = r.references[k]
      // heapsnapshot-parser looks every name_or_index up in strings, element
      // and hidden indexes included; compare what it does with the raw index.
      const expectedName = s.edgeHasIndex(e) ? raw.strings[s.edgeNameOrIndex[e]] : s.edgeName(e)
      if (re.type !== s.edgeTypeName(e) || re.name_or_index !== expectedName || re.toNodeIndex !== s.edgeTarget[e]) {
        assert.fail(`edge ${e} of node ${n} differs: reference ${re.toString()}`)
      }
    }
  }
}

describe('parser on real V8 snapshots', () => {
  for (const name of REAL_FIXTURES) {
    it(`decodes ${name} exactly as heapsnapshot-parser does`, async () => {
      const path = fixturePath(name)
      const text = gunzipSync(readFileSync(path)).toString('utf8')
      compareWithReference(await openSnapshot(path), text)
    })
  }

  it('gives the same model for odd-sized chunks and for the plain file', async () => {
    const path = fixturePath(REAL_FIXTURES[0])
    const whole = await openSnapshot(path)
    const text = gunzipSync(readFileSync(path))
    // 127 bytes: shorter than the fast path's margin (FAST_MARGIN, 128), so the byte loop reads the
    // whole file, with a chunk end inside every kind of token; 4099: the fast paths between chunk ends.
    // (Not 7: 630,000 awaits cost ~15 s of CPU under node:test's async hooks, ten times more than
    // outside it, and show nothing 35,000 do not.)
    for (const size of [127, 4099]) {
      const chunks: Buffer[] = []
      for (let i = 0; i < text.length; i += size) chunks.push(text.subarray(i, i + size))
      const s = await parseSnapshotChunks(chunks, 'chunks')
      assert.deepEqual(s.nodeId, whole.nodeId)
      assert.deepEqual(s.nodeNameIndex, whole.nodeNameIndex)
      assert.deepEqual(s.v8SelfSize, whole.v8SelfSize)
      assert.deepEqual(s.firstEdge, whole.firstEdge)
      assert.deepEqual(s.edgeTarget, whole.edgeTarget)
      assert.deepEqual(s.edgeNameOrIndex, whole.edgeNameOrIndex)
      assert.deepEqual(s.strings.toArray(), whole.strings.toArray())
    }
  })

  it('gives the same model for a snapshot saved with CRLF line ends', async () => {
    const path = fixturePath(REAL_FIXTURES[1])
    const text = gunzipSync(readFileSync(path)).toString('latin1')
    // Newlines are structural only: inside strings V8 writes them escaped.
    const crlf = Buffer.from(text.replaceAll('\n', '\r\n'), 'latin1')
    assert.ok(crlf.length > text.length)
    assert.equal(await outcome(parseSnapshotChunks([crlf], 'crlf')), await outcome(openSnapshot(path)))
  })

  it('reports a real snapshot cut anywhere as a format error', async () => {
    const text = gunzipSync(readFileSync(fixturePath(REAL_FIXTURES[0])))
    await fc.assert(
      fc.asyncProperty(fc.nat(text.length - 2), async (cut) => {
        await assert.rejects(parseSnapshotChunks([text.subarray(0, cut)], 'cut'), SnapshotFormatError)
      }),
      { numRuns: 40, seed: 7 },
    )
  })

  it('reports progress up to the whole file', async () => {
    const seen: number[] = []
    const path = fixturePath(REAL_FIXTURES[0])
    await openSnapshot(path, { onProgress: (p) => seen.push(p.bytesRead), chunkSize: 65536 })
    assert.ok(seen.length > 1)
    assert.equal(seen[seen.length - 1], readFileSync(path).length)
  })
  it('crosses to another thread as parts: columns and string bytes shared, the rest moved, the same model on the other side', async () => {
    const path = fixturePath(REAL_FIXTURES[1])
    const s = await openSnapshot(path)
    const before = await outcome(Promise.resolve(s))
    const strings = s.strings.toArray()
    const parts = s.parts()
    for (const column of [s.edgeTarget, s.edgeType, s.nodeId, s.firstEdge, parts.strings.bytes, parts.strings.bounds]) {
      assert.ok(column.buffer instanceof SharedArrayBuffer, 'the parser writes its columns into shared memory')
    }
    const transfer = transferList(parts)
    assert.ok(transfer.length > 0 && transfer.every((b) => b instanceof ArrayBuffer), 'what is not shared (the allocation traces) moves')
    const moved = structuredClone(parts, { transfer })
    // The same memory on both sides: a write through one is seen through the other.
    moved.edgeTarget[0] ^= 1
    assert.equal(moved.edgeTarget[0], s.edgeTarget[0])
    moved.edgeTarget[0] ^= 1
    const copy = new Snapshot(moved)
    assert.equal(await outcome(Promise.resolve(copy)), before)
    assert.equal(copy.hasAllocationTraces, true)
    assert.deepEqual(copy.strings.toArray(), strings)
  })

  it('stops when its signal aborts while inflating, rejecting with the reason instead of an uncaught stream error', async () => {
    for (const path of [fixturePath(REAL_FIXTURES[0]), fixturePath(REAL_FIXTURES[1])]) {
      const controller = new AbortController()
      const reason = new Error('stop here')
      let calls = 0
      const onProgress = (): void => {
        if (++calls === 3) controller.abort(reason)
      }
      await assert.rejects(openSnapshot(path, { onProgress, signal: controller.signal, chunkSize: 1024 }), (err) => err === reason)
    }
  })
})

/** The columns of a model, or the error's message, for comparing two parses. */
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
    return JSON.stringify([...columns.map((c) => (c === null ? null : [...c])), s.strings.toArray(), s.locations?.line ? [...s.locations.line] : null])
  } catch (err) {
    if (!(err instanceof HeapscopeError)) throw err
    return `error: ${err.message}`
  }
}

describe('parser record fast paths', () => {
  // Records written as V8 writes them ("1,2,3\n,4,5,6"), long enough for the fast
  // paths, which run only far from a chunk's end; chunks of 7 bytes never use them.
  const t = nodeLikeSnapshot()
  for (let i = 0; i < 30; i++) {
    const o = t.node('object', `O${i}`, 12 + i)
    t.edge(0, 'element', 100 + i, o).edge(o, 'property', 'next', Math.max(1, o - 1))
  }
  const raw = JSON.parse(t.toJson())
  const v8Style = (values: number[], fields: number): string => {
    const records: string[] = []
    for (let k = 0; k < values.length; k += fields) records.push(values.slice(k, k + fields).join(','))
    return `[${records.join('\n,')}]`
  }
  const text = JSON.stringify({ ...raw, nodes: 'NODES', edges: 'EDGES' })
    .replace('"NODES"', v8Style(raw.nodes, 7))
    .replace('"EDGES"', v8Style(raw.edges, 3))
  const bytes = Buffer.from(text)
  // The same without detachedness: a layout the unrolled node path does not take.
  const meta6 = { ...raw.snapshot.meta, node_fields: raw.snapshot.meta.node_fields.slice(0, 6), node_types: raw.snapshot.meta.node_types.slice(0, 6) }
  const text6 = JSON.stringify({ ...raw, snapshot: { ...raw.snapshot, meta: meta6 }, nodes: 'NODES', edges: 'EDGES' })
    .replace(
      '"NODES"',
      v8Style(
        raw.nodes.filter((_: number, k: number) => k % 7 !== 6),
        6,
      ),
    )
    .replace(
      '"EDGES"',
      v8Style(
        raw.edges.map((v: number, k: number) => (k % 3 === 2 ? (v / 7) * 6 : v)),
        3,
      ),
    )
  const bytes6 = Buffer.from(text6)
  const inChunks = (b: Buffer, size: number): Buffer[] => {
    const chunks: Buffer[] = []
    for (let k = 0; k < b.length; k += size) chunks.push(b.subarray(k, k + size))
    return chunks
  }

  it('decodes V8-style records as the byte loop does', async () => {
    const whole = await outcome(parseSnapshotChunks([bytes], 'v8'))
    assert.ok(!whole.startsWith('error'), whole)
    assert.equal(whole, await outcome(parseSnapshotChunks(inChunks(bytes, 7), 'v8')))
    assert.equal(whole, await outcome(parseSnapshotChunks([Buffer.from(JSON.stringify(raw))], 'v8')))
    const whole6 = await outcome(parseSnapshotChunks([bytes6], 'v8'))
    assert.ok(!whole6.startsWith('error'), whole6)
    assert.equal(whole6, await outcome(parseSnapshotChunks(inChunks(bytes6, 7), 'v8')))
  })

  it('agree with the byte loop on mutated records: the same model or the same error', async () => {
    const alphabet = Buffer.from('0123456789,]\n \t-x9')
    const start = text.indexOf('"nodes"')
    const end = text.indexOf('"strings"')
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: start, max: end }), fc.nat(alphabet.length - 1)), { minLength: 1, maxLength: 4 }),
        async (mutations) => {
          for (const original of [bytes, bytes6]) {
            const copy = Buffer.from(original)
            for (const [at, k] of mutations) copy[at] = alphabet[k]
            // Chunks shorter than the fast path's margin: the byte loop only.
            assert.equal(await outcome(parseSnapshotChunks([copy], 'm')), await outcome(parseSnapshotChunks(inChunks(copy, 127), 'm')))
          }
        },
      ),
      { numRuns: 300, seed: 7 },
    )
  })

  it('decode mutated strings as JSON.parse does, or fail as it does, in any chunking', async () => {
    // Literals with escapes (the fast path only skips them; JSON.parse decodes them), some with
    // an escaped quote before a ',' (a fast path that lost track of escapes would end them there).
    const withEscapes = JSON.stringify({ ...raw, strings: raw.strings.map((x: string, k: number) => (k % 3 === 1 ? `${x}", "q" \\ \t é\\",${k}` : x)) })
    const stringsAt = withEscapes.indexOf('"strings"')
    const alphabet = Buffer.from('"\\,]\n u0\x01aé')
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: stringsAt, max: withEscapes.length - 1 }), fc.nat(alphabet.length - 1)), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 1, max: 64 }),
        async (mutations, chunk) => {
          const copy = Buffer.from(withEscapes)
          for (const [at, k] of mutations) copy[at] = alphabet[k]
          let expected: string[] | null = null
          try {
            const parsed = JSON.parse(copy.toString('utf8'))
            if (Array.isArray(parsed.strings) && parsed.strings.every((x: unknown) => typeof x === 'string')) expected = parsed.strings
          } catch {
            expected = null
          }
          for (const chunks of [[copy], inChunks(copy, chunk)]) {
            let got: string[] | null = null
            try {
              got = (await parseSnapshotChunks(chunks, 'm')).strings.toArray()
            } catch (err) {
              if (!(err instanceof HeapscopeError)) throw err
            }
            // Fewer strings than the nodes name may fail the index check: only a parse must agree.
            if (got !== null || (expected !== null && expected.length === raw.strings.length)) assert.deepEqual(got, expected)
          }
        },
      ),
      { numRuns: 300, seed: 11 },
    )
  })
})
