/**
 * Inputs a fault campaign found mishandled (issue 14), each derived from a
 * real V8 snapshot: JSON the parser accepted though JSON.parse refuses it,
 * headers that crashed it, and inputs DevTools opens that were refused.
 * (Opening files and the options: open.test.ts.)
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { HeapscopeError, parseSnapshotChunks, type Snapshot, SnapshotFormatError } from '../../../src/index.js'
import { fixturePath } from '../../helpers/paths.js'

// The smallest real snapshot (a Chromium page: no newlines, 6 node fields, 5 location fields), and one with allocation traces.
const CONTROL = fixturePath('chromium-control.heapsnapshot.gz')
const TRACED = fixturePath('node-traced.heapsnapshot.gz')
const control = gunzipSync(readFileSync(CONTROL)).toString('latin1')
const traced = gunzipSync(readFileSync(TRACED)).toString('latin1')
const controlModel = parseSnapshotChunks([Buffer.from(control, 'latin1')], 'derived.heapsnapshot')

/** Everything a model holds, or the error's message, as one string. */
async function outcome(parse: Promise<Snapshot>): Promise<string> {
  try {
    const s = await parse
    const columns = [s.nodeType, s.nodeNameIndex, s.nodeId, s.v8SelfSize, s.firstEdge, s.nodeDetachedness, s.edgeType, s.edgeNameOrIndex, s.edgeTarget]
    return JSON.stringify([columns.map((c) => (c === null ? null : [...c])), s.strings.length, s.locations?.count, s.warnings])
  } catch (err) {
    if (!(err instanceof HeapscopeError)) throw err
    return `error: ${err.message}`
  }
}

/** The bytes of a broken input up to a little after its fault at `at`: its first error is the same, found sooner. */
function upTo(text: string, at: number): string {
  return text.slice(0, at + 200)
}

/** Parses `text` cut at `chunks`, as a stream of unknown size (a cut input's size would refuse its header's counts). */
function parse(text: string, chunks: number[] = []): Promise<Snapshot> {
  const bytes = Buffer.from(text, 'latin1')
  const cuts = [0, ...chunks, bytes.length]
  async function* stream(): AsyncGenerator<Uint8Array> {
    for (let k = 1; k < cuts.length; k++) yield bytes.subarray(cuts[k - 1], cuts[k])
  }
  return parseSnapshotChunks(stream(), 'derived.heapsnapshot')
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof SnapshotFormatError, String(err))
    assert.match(err.message, pattern)
    return true
  })
}

/** Where a section's value starts in V8's layout: the offset of its '['. */
function sectionAt(text: string, key: string): number {
  return text.indexOf(`"${key}":[`) + key.length + 3
}

/** The offset of the first value with two digits or more at or after `from` in a number array. */
function twoDigitValue(text: string, from: number): number {
  const m = /[,[](\d{2,})[,\n\]]/g
  m.lastIndex = from
  const found = m.exec(text) as RegExpExecArray
  return found.index + 1
}

describe('JSON the parser accepted and JSON.parse refuses', () => {
  it('refuses a number with a leading zero in the nodes, the edges and a small array, by either loop', async () => {
    for (const key of ['nodes', 'edges', 'locations']) {
      const at = twoDigitValue(control, sectionAt(control, key) + 50)
      const text = upTo(`${control.slice(0, at)}0${control.slice(at)}`, at)
      const message = new RegExp(`expected a number without a leading zero in the ${key} array at byte ${at + 1}, found '\\d'`)
      // One chunk (the fast path meets it, the byte loop reports it), and cut just after the 0.
      await rejects(parse(text), message)
      await rejects(parse(text, [at + 1]), message)
    }
  })

  it('refuses a trace_tree with missing values or numbers without commas', async () => {
    const at = sectionAt(traced, 'trace_tree')
    // A value left out: "1,0,0,0,[" becomes "1,,0,0,[".
    const comma = traced.indexOf(',', at)
    await rejects(
      parse(upTo(`${traced.slice(0, comma)},${traced.slice(comma)}`, comma)),
      new RegExp(`expected a number in the trace_tree array at byte ${comma + 1}, found ','`),
    )
    // Values apart by spaces: "1,0" becomes "1 0".
    await rejects(parse(upTo(`${traced.slice(0, comma)} ${traced.slice(comma + 1)}`, comma)), /expected ',' between numbers in the trace_tree array/)
    // The campaign's own mutation, in place of the tree.
    const end = traced.indexOf('\n', at)
    await rejects(parse(upTo(`${traced.slice(0, at)}[1,,,0 0 0[2 6,,0,0[${traced.slice(end)}`, at)), /in the trace_tree array at byte/)
  })

  it('checks the syntax of a section it skips, and refuses a known name one byte off', async () => {
    const strings = control.indexOf('"strings":')
    const withSection = (value: string): string => `${control.slice(0, strings)}"scopes_test":${value},${control.slice(strings)}`
    // Chromium's scopes sections and whatever V8 adds next: checked, skipped, the model unchanged.
    assert.equal(await outcome(parse(withSection('{"a":[1,-2.5e3,{"b":"]}"}],"c":null}'))), await outcome(controlModel))
    await rejects(parse(upTo(withSection('[1,,2]'), strings)), new RegExp(`expected a value in the "scopes_test" section at byte ${strings + 17}`))
    await rejects(parse(upTo(withSection('[01]'), strings)), /expected no leading zero .* in the "scopes_test" section/)
    await rejects(parse(upTo(withSection('{"a" 1}'), strings)), /expected ':' after a key in the "scopes_test" section/)
    // "locations" with one byte flipped would silently drop the locations.
    const renamed = control.replace('"locations":', '"locatiOns":')
    await rejects(parse(upTo(renamed, renamed.indexOf('"locatiOns"'))), /found "locatiOns" \(a damaged "locations"\?\)/)
  })

  it('holds the 64 KiB limit on a section name wherever it falls', async () => {
    const strings = control.indexOf('"strings":')
    const text = upTo(`${control.slice(0, strings)}"${'x'.repeat(70_000)}":0,${control.slice(strings)}`, strings + 70_000)
    const message = new RegExp(`expected a section name of at most 65536 bytes at byte ${strings}, found a longer string`)
    await rejects(parse(text), message) // the whole name inside one chunk
    await rejects(parse(text, [strings + 10]), message)
  })

  it('says a null header is null', async () => {
    await rejects(
      parse(upTo(control.replace(/^\{"snapshot":\{/, '{"snapshot":null,"x":{'), 0)),
      /expected the "snapshot" header object at byte 12, found null$/,
    )
  })

  it('refuses node and edge counts of 2^32 or more at the header, with what the limit is', async () => {
    for (const count of [2 ** 32 + 10, 6e9]) {
      const text = upTo(control.replace(/"node_count":\d+/, `"node_count":${count}`), 2000)
      await rejects(parse(text), new RegExp(`expected node_count and edge_count below 2\\^32 .* found node_count ${count} and edge_count \\d+$`))
    }
  })
})

/** The raw snapshot with `extra` more node fields (after the others, values `value(j)`), or without field `drop`; offsets to nodes rescaled. */
function reshape(text: string, change: { drop?: string; extra?: number }): Buffer {
  const raw = JSON.parse(text)
  const meta = raw.snapshot.meta
  const width: number = meta.node_fields.length
  const drop = change.drop === undefined ? -1 : meta.node_fields.indexOf(change.drop)
  const extra = Array.from({ length: change.extra ?? 0 }, (_, j) => `extra_${j}`)
  const keep = (_: unknown, k: number): boolean => k !== drop
  meta.node_fields = [...meta.node_fields.filter(keep), ...extra]
  meta.node_types = [...meta.node_types.filter(keep), ...extra.map(() => 'number')]
  const next: number = meta.node_fields.length
  const nodes: number[] = []
  for (let k = 0; k < raw.nodes.length; k += width) nodes.push(...raw.nodes.slice(k, k + width).filter(keep), ...extra.map((_, j) => j))
  raw.nodes = nodes
  const rescale = (values: number[], fields: string[], field: string): number[] =>
    values.map((v, k) => (k % fields.length === fields.indexOf(field) ? (v / width) * next : v))
  raw.edges = rescale(raw.edges, meta.edge_fields, 'to_node')
  raw.locations = rescale(raw.locations, meta.location_fields, 'object_index')
  return Buffer.from(JSON.stringify(raw))
}

describe('inputs DevTools opens', () => {
  it("opens a snapshot without self_size (as DevTools' own test snapshots are), every size 0, with a warning", async () => {
    const s = await parseSnapshotChunks([reshape(control, { drop: 'self_size' })], 'no-self-size')
    const whole = await controlModel
    assert.deepEqual(s.warnings, ['the nodes have no self_size field (meta.node_fields): every size is 0'])
    assert.ok(s.v8SelfSize.every((v) => v === 0))
    assert.deepEqual([s.nodeId, s.firstEdge, s.edgeTarget, s.locations?.node], [whole.nodeId, whole.firstEdge, whole.edgeTarget, whole.locations?.node])
  })

  it('opens a snapshot whose locations name no node, leaving those out with a warning', async () => {
    const at = sectionAt(control, 'locations') + 1
    const first = Number(/^\d+/.exec(control.slice(at))?.[0])
    const s = await parse(`${control.slice(0, at)}${first + 1}${control.slice(at + String(first).length)}`)
    const whole = await controlModel
    const count = whole.locations?.count ?? 0
    assert.equal(s.locations?.count, count - 1)
    assert.deepEqual(s.locations?.node, whole.locations?.node.subarray(1))
    assert.deepEqual(s.warnings, [
      `1 of the ${count} locations names no node (object_index ${first + 1} is not a multiple of 6 below ${whole.nodeCount * 6}); left out`,
    ])
  })

  it('opens nodes of more than 64 fields (the fast path takes 64: the byte loop reads them)', async () => {
    assert.equal(await outcome(parseSnapshotChunks([reshape(control, { extra: 59 })], 'derived.heapsnapshot')), await outcome(controlModel))
  })
})

describe('memory the header asks for', () => {
  it('says so when the columns for the claimed counts cannot be allocated (an input error, not an internal one)', async () => {
    const original = globalThis.SharedArrayBuffer
    // As on a machine without the memory (here, the columns of more than 100 KB).
    globalThis.SharedArrayBuffer = class extends original {
      constructor(length?: number) {
        if ((length ?? 0) > 100_000) throw new RangeError('Array buffer allocation failed')
        super(length)
      }
    } as SharedArrayBufferConstructor
    try {
      await rejects(
        controlModel.then(() => parse(control)),
        /expected a node_count whose columns fit in memory at byte \d+, found 27949 nodes, whose columns could not be allocated \(Array buffer allocation failed\)$/,
      )
    } finally {
      globalThis.SharedArrayBuffer = original
    }
  })
})
