/**
 * Opening inputs (open.ts): options and callbacks that crashed or were
 * ignored, files that are not regular files, and a gzip's strings sized
 * from its trailer; on a real V8 snapshot (issue 14).
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { HeapscopeError, openSnapshot, parseSnapshotChunks, type Snapshot } from '../../../src/index.js'
import { fixturePath, repoRoot } from '../../helpers/paths.js'

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

describe('memory', () => {
  it('a gzip holding one long string needs no more memory than the plain file (the strings are not grown by doubling)', async () => {
    // One string of 72 MiB (V8 cuts its own at 1024 characters; other writers need not).
    const strings = control.lastIndexOf(']')
    const text = Buffer.from(`${control.slice(0, strings)},"${'x'.repeat(72 << 20)}"${control.slice(strings)}`, 'latin1')
    const plain = join(dir, 'long-string.heapsnapshot')
    writeFileSync(plain, text)
    writeFileSync(`${plain}.gz`, gzipSync(text, { level: 1 }))
    const peak = (path: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const script = `
          const { openSnapshot } = await import(${JSON.stringify(join(repoRoot, 'dist/src/index.js'))})
          const s = await openSnapshot(process.argv[1], { helperThread: false })
          console.log(s.strings.length, process.resourceUsage().maxRSS)`
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, path])
        let out = ''
        child.stdout.on('data', (d) => {
          out += d
        })
        child.on('error', reject)
        child.on('close', (code) => (code === 0 ? resolve(Number(out.trim().split(' ')[1]) * 1024) : reject(new Error(`exit ${code}`))))
      })
    const [plainPeak, gzipPeak] = await Promise.all([peak(plain), peak(`${plain}.gz`)])
    // Doubling held the full 64 MiB buffer and its 128 MiB successor at once: ~110 MiB more than the plain
    // file. Inflating leaves ~35 MiB of output chunks for the GC.
    assert.ok(gzipPeak < plainPeak + (64 << 20), `peak RSS ${gzipPeak >> 20} MiB for the gzip, ${plainPeak >> 20} MiB for the plain file`)
  })
})
