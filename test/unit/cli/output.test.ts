/**
 * Writing reports: batches awaited one at a time (a slow reader slows the
 * producer, memory holds one batch), a full disk is exit code 74 with one
 * line, a reader that closes the pipe ends the output quietly; and the
 * streamed reports of a real snapshot (`top -n 0`, `dominators --width 0`)
 * parsed back whole and checked row by row.
 */
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { before, describe, it } from 'node:test'
import type { CliContext } from '../../../src/cli/context.js'
import { main } from '../../../src/cli/main.js'
import { writeChunks } from '../../../src/cli/output.js'
import { analyzeHeapAsync, openSnapshot, type HeapAnalysis, type Snapshot } from '../../../src/index.js'
import { formatBytes } from '../../../src/report/format.js'
import { fixturePath } from '../../helpers/paths.js'
import { Capture, testIo } from './io.js'
import { nodeLikeSnapshot } from './tiny-snapshot.js'

/** A stdout that takes each write on a later turn of the event loop, or fails with `code`. */
class SlowStream extends Writable {
  text = ''
  writes = 0
  constructor(private readonly failWith?: string) {
    super({ highWaterMark: 1024, decodeStrings: false })
  }
  override _write(chunk: string, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.writes++
    setImmediate(() => {
      if (this.failWith !== undefined) callback(Object.assign(new Error(`write ${this.failWith}`), { code: this.failWith }))
      else {
        this.text += chunk
        callback()
      }
    })
  }
}

function* lines(count: number, made: { count: number }): Generator<string> {
  for (let i = 0; i < count; i++) {
    made.count++
    yield `line ${i} ${'x'.repeat(100)}\n`
  }
}

describe('writeChunks', () => {
  it('makes chunks only as fast as the stream takes them', async () => {
    const out = new SlowStream()
    const made = { count: 0 }
    const producer = lines(10_000, made)
    let maxAhead = 0
    let madeChars = 0
    const watched = (function* () {
      for (const line of producer) {
        madeChars += line.length
        // Text made but not yet taken by the stream: at most one batch (64 Ki chars) and a line.
        maxAhead = Math.max(maxAhead, madeChars - out.text.length)
        yield line
      }
    })()
    await writeChunks(out, watched)
    assert.equal(made.count, 10_000)
    assert.equal(out.text.split('\n').length - 1, 10_000)
    assert.ok(out.writes > 10, `${out.writes} writes`)
    assert.ok(maxAhead <= 64 * 1024 + 120, `${maxAhead} chars ahead of the reader`)
  })

  it('stops quietly when the reader has gone (EPIPE), and writes nothing more to it', async () => {
    const out = new SlowStream('EPIPE')
    const made = { count: 0 }
    await writeChunks(out, lines(10_000, made))
    assert.ok(made.count < 1000, `${made.count} lines made for a closed pipe`)
    const before = out.writes
    await writeChunks(out, ['more'])
    assert.equal(out.writes, before)
  })

  it('a full disk is exit code 74, one line, after the report has started', async () => {
    const stderr = new Capture()
    const io = { ...testIo(() => nodeLikeSnapshot().parse()), stdout: new SlowStream('ENOSPC'), stderr }
    assert.equal(await main(['top', 'tiny.heapsnapshot', '-n', '0', '--json'], io), 74)
    assert.equal(stderr.text, 'heapscope: cannot write the report to stdout (ENOSPC)\n')
  })
})

describe('streamed reports of a real snapshot', () => {
  const file = fixturePath('leak-traced-after.heapsnapshot.gz')
  let snapshot: Promise<Snapshot>
  let analysis: Promise<HeapAnalysis>
  let topJson: Promise<string>
  before(() => {
    snapshot = openSnapshot(file)
    topJson = run(['top', file, '-n', '0', '--json'])
  })

  /** Runs the CLI on the fixture, read and analysed once for all the runs. */
  async function run(argv: string[], stdout = new SlowStream()): Promise<string> {
    const io: Partial<CliContext> & { stderr: Capture } = {
      ...testIo(() => snapshot),
      stdout,
      analyze: (s, options) => {
        analysis ??= analyzeHeapAsync(s, options)
        return analysis
      },
    }
    assert.equal(await main(argv, io), 0, io.stderr.text)
    return stdout.text
  }

  it('top -n 0 --json: the whole document parses, every row is the object with its own numbers', async () => {
    const text = await topJson
    const doc = JSON.parse(text)
    const s = await snapshot
    assert.equal(doc.heapscopeVersion, (await run(['--version'])).trim())
    let nonSynthetic = 0
    for (let n = 0; n < s.nodeCount; n++) if (s.nodeTypeName(n) !== 'synthetic') nonSynthetic++
    assert.equal(doc.objects.length, nonSynthetic)
    const seen = new Set<number>()
    for (let i = 0; i < doc.objects.length; i++) {
      const o = doc.objects[i]
      const n = s.ordinalOfId(o.id)
      assert.ok(n >= 0 && !seen.has(o.id), `row ${i}: @${o.id}`)
      seen.add(o.id)
      assert.equal(o.type, s.nodeTypeName(n))
      assert.equal(o.rawSelfSize, s.v8SelfSize[n])
      if (i > 0) assert.ok(doc.objects[i - 1].retainedSize >= o.retainedSize, `row ${i} in order`)
    }
    // The streamed text is the text of the same document stringified whole.
    assert.equal(text, JSON.stringify(doc, null, 2) + '\n')
  })

  it('top -n 0 as text: a row per object, in the JSON order, every cell under its header past the sampled rows', async () => {
    const [json, text] = [JSON.parse(await topJson), await run(['top', file, '-n', '0'])]
    const all = text.split('\n')
    const rows = all.slice(3, -1)
    assert.equal(rows.length, json.objects.length)
    assert.ok(rows.length > 1000, 'longer than the rows that set the widths')
    // Each cell read at its header's place (in code points: names may hold any character).
    const header = all[1]
    const span = (name: string, next: string | null): [number, number] => [header.indexOf(name), next === null ? Infinity : header.indexOf(next)]
    const cell = (row: string[], [from, to]: [number, number]): string => row.slice(from, to).join('').trim()
    const [id, retained, dominator] = [span('Id', 'Type'), span('Shallow', '%'), span('Dominator', null)]
    for (let i = 0; i < rows.length; i++) {
      const row = Array.from(rows[i])
      const o = json.objects[i]
      assert.equal(cell(row, id), `@${o.id}`, `row ${i}: ${rows[i]}`)
      assert.equal(cell(row, retained).split(/ {2,}/)[1], formatBytes(o.retainedSize), `row ${i}: ${rows[i]}`)
      assert.equal(cell(row, dominator), `@${o.dominatorId}`, `row ${i}: ${rows[i]}`)
    }
  })

  it('dominators --width 0 --json: every listed node equals its self size plus its children', async () => {
    const doc = JSON.parse(await run(['dominators', file, '--depth', '2', '--width', '0', '--json']))
    let checked = 0
    const walk = (node: { selfSize: number; retainedSize: number; more: number; children: (typeof node)[] }, depth: number): void => {
      if (depth < 2 && node.more === 0) {
        const sum = node.children.reduce((a, c) => a + c.retainedSize, node.selfSize)
        assert.equal(sum, node.retainedSize)
        checked++
      }
      for (const c of node.children) walk(c, depth + 1)
    }
    walk(doc.tree, 0)
    assert.ok(checked > 100, `${checked} nodes checked`)
  })
})
