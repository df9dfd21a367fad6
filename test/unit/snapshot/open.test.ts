/**
 * Opening inputs (open.ts): options and callbacks that crashed or were
 * ignored, files that are not regular files, and a gzip's strings sized
 * from its trailer; on a real V8 snapshot (issue 14).
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { HeapscopeError, openSnapshot, parseSnapshotChunks, type Snapshot } from '../../../src/index.js'
import { fixturePath } from '../../helpers/paths.js'

const dir = mkdtempSync(join(tmpdir(), 'heapscope-open-'))
after(() => rmSync(dir, { recursive: true, force: true }))

// The smallest real snapshot (a Chromium page).
const CONTROL = fixturePath('chromium-control.heapsnapshot.gz')
const control = gunzipSync(readFileSync(CONTROL)).toString('latin1')

/** The model's columns, or the error's message, as one string. */
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

describe('options, callbacks and signals', () => {
  it('refuses a chunkSize that is not a whole number of bytes from 1 to 1 GiB', async () => {
    for (const chunkSize of [0, -1, Number.NaN, 1.5, 2 ** 31]) {
      for (const open of [() => openSnapshot(CONTROL, { chunkSize }), () => parseSnapshotChunks([Buffer.from(control)], 'x', { chunkSize })]) {
        await assert.rejects(
          open(),
          (err: unknown) => err instanceof HeapscopeError && err.code === 'E_USAGE' && /chunkSize must be a whole number/.test(err.message),
        )
      }
    }
  })

  it('rejects with what onProgress threw, from either thread, and stops at an abort during the last chunk or the last of a gzip', async () => {
    const plain = join(dir, 'control.heapsnapshot')
    writeFileSync(plain, Buffer.from(control, 'latin1'))
    const size = control.length
    // Near the end the helper's progress messages cross the mark as often as this thread's reads.
    for (const f of [0.8, 1]) {
      const thrown = new Error(`thrown at ${f}`)
      const onProgress = (p: { bytesRead: number }): void => {
        if (p.bytesRead >= f * size) throw thrown
      }
      await assert.rejects(openSnapshot(plain, { helperThread: true, chunkSize: 64 * 1024, onProgress }), (err) => err === thrown)
    }
    // An abort in the progress of the last chunk: nothing is read after it, but the parse must stop.
    for (const [path, total] of [
      [plain, size],
      [CONTROL, readFileSync(CONTROL).length],
    ] as const) {
      const controller = new AbortController()
      const reason = new Error('stop')
      const onProgress = (p: { bytesRead: number }): void => {
        if (p.bytesRead === total) controller.abort(reason)
      }
      await assert.rejects(openSnapshot(path, { chunkSize: 64 * 1024, signal: controller.signal, onProgress }), (err) => err === reason, path)
    }
  })
})

describe('files that are not regular files', () => {
  it('reads a named pipe as a stream, and says why /proc/self/mem cannot be read', async () => {
    const fifo = join(dir, 'fifo')
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0)
    // The writer blocks until the parser opens the pipe.
    const writer = createWriteStream(fifo)
    writer.on('error', () => undefined) // a parse that stopped early closes the pipe: the test says so
    writer.end(readFileSync(CONTROL))
    assert.equal(await outcome(openSnapshot(fifo)), await outcome(parseSnapshotChunks([Buffer.from(control, 'latin1')], 'control')))
    await assert.rejects(openSnapshot('/proc/self/mem'), (err: unknown) => {
      assert.ok(err instanceof HeapscopeError && err.code === 'E_INPUT', String(err))
      assert.match(err.message, /^\/proc\/self\/mem: cannot read it \(EIO/)
      return true
    })
  })
})

/** The shared memory `parse` asks for (the columns, the strings' bytes and their bounds), and how it ended. */
async function sharedMemoryAskedFor(parse: () => Promise<Snapshot>): Promise<{ asked: number; outcome: string }> {
  const original = globalThis.SharedArrayBuffer
  let asked = 0
  globalThis.SharedArrayBuffer = class extends original {
    constructor(length?: number) {
      super(length)
      asked += length ?? 0
    }
  } as SharedArrayBufferConstructor
  try {
    const result = await outcome(parse())
    return { asked, outcome: result.startsWith('error: ') ? result : 'opened' }
  } finally {
    globalThis.SharedArrayBuffer = original
  }
}

describe('memory', () => {
  it("sizes a gzip's strings from its trailer, as a plain file's from its size (they were grown by doubling)", async () => {
    // One string of 17 MiB, past the 16 MiB a stream of unknown size starts with (V8 cuts its own at 1024 characters; other writers need not).
    const strings = control.lastIndexOf(']')
    const text = Buffer.from(`${control.slice(0, strings)},"${'x'.repeat(17 << 20)}"${control.slice(strings)}`, 'latin1')
    const gz = join(dir, 'long-string.heapsnapshot.gz')
    writeFileSync(gz, gzipSync(text, { level: 1 }))
    const plain = await sharedMemoryAskedFor(() => parseSnapshotChunks([text], 'plain'))
    const gzip = await sharedMemoryAskedFor(() => openSnapshot(gz))
    assert.deepEqual([plain.outcome, gzip.outcome], ['opened', 'opened'])
    // Doubling from 16 MiB asked for 16 + 32 MiB where 17 are needed.
    assert.ok(
      gzip.asked <= plain.asked + (1 << 20),
      `${gzip.asked >> 20} MiB asked for the gzip, ${plain.asked >> 20} MiB for the same bytes whose size is known`,
    )
  })

  it("trusts a gzip trailer's size no further than the compressed size allows", async () => {
    // The real file with its trailer's ISIZE forged to 4 GiB - 1: zlib refuses it at the end, after the strings were sized.
    const forged = readFileSync(CONTROL)
    forged.writeUInt32LE(0xffffffff, forged.length - 4)
    const path = join(dir, 'forged-trailer.heapsnapshot.gz')
    writeFileSync(path, forged)
    const { asked, outcome } = await sharedMemoryAskedFor(() => openSnapshot(path))
    assert.match(outcome, /forged-trailer\.heapsnapshot\.gz: corrupt or truncated gzip data \(.*length/)
    // At most 1,100 times the compressed size (the ratio gzip can reach): ~530 MB here, not the 4 GiB claimed.
    assert.ok(asked <= forged.length * 1100, `${Math.round(asked / 2 ** 20)} MiB asked for a file of ${Math.round(forged.length / 1024)} KiB`)
  })
})
