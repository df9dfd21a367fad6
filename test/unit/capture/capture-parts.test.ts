/**
 * The parts of capture that need no target: file names and their order, the
 * gzip writer and its failures (a real ENOSPC from /dev/full), reading /proc
 * (this very process's sockets and signal mask), picking a target from a
 * list, the loopback rule, Node's notices filtered from a program's stderr,
 * and when the next snapshot of a series is due.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable, Writable } from 'node:stream'
import { after, describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { LineFilter } from '../../../src/capture/node-target.js'
import { catchesSigusr1, configuredInspectorPort, listeningSockets, processName } from '../../../src/capture/node-process.js'
import { nextSnapshotNumber, safeName, snapshotFileName, SnapshotFileWriter, writeSnapshotStream } from '../../../src/capture/snapshot-file.js'
import { checkHostAllowed, isLoopbackHost, pickTarget } from '../../../src/capture/targets.js'
import { snapshotProgress } from '../../../src/cli/commands/capture.js'
import { parseDuration, SnapshotTriggers } from '../../../src/cli/snapshot-triggers.js'
import { CaptureError, type InspectorTarget } from '../../../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'heapscope-capture-parts-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('snapshot file names', () => {
  it('say what and when, and sort in the order taken', () => {
    const at = (s: number) => new Date(Date.UTC(2025, 5, 12, 10, 15, s))
    const names = [9, 10, 2].map((n) => snapshotFileName({ name: 'app', pid: 4242, n, time: at(n) }))
    assert.equal(names[2], 'app-4242-002-20250612T101502Z.heapsnapshot.gz')
    assert.deepEqual([...names].sort(), [names[2], names[0], names[1]], '002 < 009 < 010')
    assert.equal(safeName('my page: /x?y=1'), 'my_page_x_y_1')
    assert.equal(safeName('///'), 'snapshot')
  })

  it('continue the numbers already in the folder for the same name and pid', () => {
    const folder = mkdtempSync(join(dir, 'names-'))
    for (const f of [
      'app-42-001-20250612T101500Z.heapsnapshot.gz',
      'app-42-010-20250612T101600Z.heapsnapshot.gz',
      'app-4-050-20250612T101600Z.heapsnapshot.gz', // another pid
      'other-42-099-20250612T101600Z.heapsnapshot.gz', // another name
      'app-42-077-20250612T101600Z.heapsnapshot.gz.partial', // not a whole snapshot
    ]) {
      writeFileSync(join(folder, f), '')
    }
    assert.equal(nextSnapshotNumber(folder, 'app', 42), 11)
    assert.equal(nextSnapshotNumber(folder, 'app', 43), 1)
    assert.throws(() => nextSnapshotNumber(join(folder, 'missing'), 'app', 42), CaptureError)
  })
})

describe('SnapshotFileWriter', () => {
  it('streams chunks through gzip into .partial and renames it when whole', async () => {
    const file = join(dir, 'whole.heapsnapshot.gz')
    const out = new SnapshotFileWriter(file)
    const chunks = ['{"snapshot":', '{"node_count":0}', ',"nodes":[]}']
    for (const c of chunks) if (!out.write(c)) await out.drained()
    assert.ok(existsSync(file + '.partial'))
    await out.commit()
    assert.ok(!existsSync(file + '.partial'))
    assert.equal(gunzipSync(readFileSync(file)).toString('utf8'), chunks.join(''))
    assert.equal(out.bytesWritten, chunks.join('').length)
  })

  it('removes the partial file when aborted', async () => {
    const file = join(dir, 'aborted.heapsnapshot.gz')
    const out = new SnapshotFileWriter(file)
    out.write('{"snapshot":')
    await out.abort()
    assert.ok(!existsSync(file + '.partial') && !existsSync(file))
  })

  it('writes a snapshot that arrives as a stream, and removes it when the stream breaks off', async () => {
    const file = join(dir, 'streamed.heapsnapshot.gz')
    const parts = ['{"snapshot":', Buffer.from('{"node_count":0}'), ',"nodes":[]}']
    assert.equal(await writeSnapshotStream(Readable.from(parts), file), 40)
    assert.equal(gunzipSync(readFileSync(file)).toString('utf8'), '{"snapshot":{"node_count":0},"nodes":[]}')
    const broken = join(dir, 'broken.heapsnapshot.gz')
    async function* breaksOff(): AsyncGenerator<string> {
      yield '{"snapshot":'
      throw new Error('the pipe closed')
    }
    await assert.rejects(writeSnapshotStream(breaksOff(), broken), /the snapshot .*broken\.heapsnapshot\.gz broke off: the pipe closed/)
    assert.ok(!existsSync(broken) && !existsSync(broken + '.partial'))
  })

  it('fails with one clear error on a full disk and leaves no partial file', async () => {
    // /dev/full answers every write with ENOSPC: the partial file is a link to it.
    const file = join(dir, 'full.heapsnapshot.gz')
    symlinkSync('/dev/full', file + '.partial')
    const out = new SnapshotFileWriter(file)
    let failure: unknown
    try {
      // Enough incompressible text to make gzip write.
      for (let i = 0; i < 64 && out.error === undefined; i++) {
        if (!out.write(Math.random().toString(36).repeat(2000))) await out.drained()
      }
      await out.commit()
    } catch (err) {
      failure = err
    }
    assert.ok(failure instanceof CaptureError, String(failure))
    assert.match(failure.message, /cannot write .*full\.heapsnapshot\.gz\.partial: no space left on the device/)
    assert.ok(!existsSync(file + '.partial') && !existsSync(file), 'neither the partial nor the final file is left')
  })
})

describe('reading /proc', () => {
  it("finds this process's listening sockets, loopback addresses decoded", async () => {
    const server: Server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const address = server.address()
      assert.ok(address !== null && typeof address === 'object')
      const sockets = listeningSockets(process.pid)
      assert.ok(
        sockets?.some((s) => s.address === '127.0.0.1' && s.port === address.port),
        JSON.stringify(sockets),
      )
    } finally {
      server.close()
    }
  })

  it('tells a process that catches SIGUSR1 (Node) from one that would die of it', async () => {
    assert.equal(catchesSigusr1(process.pid), true)
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      assert.ok(sleeper.pid !== undefined)
      assert.equal(catchesSigusr1(sleeper.pid), false)
    } finally {
      sleeper.kill('SIGKILL')
    }
  })

  it("reads a process's name and inspector port from its command line", () => {
    assert.equal(processName(['node', '--expose-gc', '-r', './tracing.js', 'server.mjs', '--port', '80'], 1), 'server')
    assert.equal(processName(['/usr/bin/node'], 7), 'node')
    assert.equal(processName(undefined, 7), 'pid7')
    assert.equal(configuredInspectorPort(['node', 'app.js'], undefined), 9229)
    assert.equal(configuredInspectorPort(['node', '--inspect-port=0', 'app.js'], undefined), 0)
    assert.equal(configuredInspectorPort(['node', '--inspect=127.0.0.1:9333', 'app.js'], undefined), 9333)
    assert.equal(configuredInspectorPort(['node', 'app.js'], '--max-old-space-size=4096 --inspect-port 9444'), 9444)
    assert.equal(configuredInspectorPort(['node', 'app.js', '--', '--inspect-port=1'], undefined), 9229)
  })
})

describe('targets', () => {
  const target = (type: string, title: string, url: string, id = title): InspectorTarget => ({
    id,
    type,
    title,
    url,
    webSocketDebuggerUrl: `ws://127.0.0.1:9222/devtools/page/${id}`,
  })
  const list = [
    target('page', 'Shop', 'http://localhost:8080/shop'),
    target('page', 'Admin', 'http://localhost:8080/admin'),
    target('service_worker', 'sw', 'http://localhost:8080/sw.js'),
    target('browser_ui', '', 'chrome://omnibox-popup.top-chrome/', 'ui'),
  ]

  it('picks by a part of the URL or title, or the only page', () => {
    assert.equal(pickTarget(list, 'admin', 'x').id, 'Admin')
    assert.equal(pickTarget(list, 'SHOP', 'x').id, 'Shop')
    assert.equal(pickTarget(list, 'sw.js', 'x').id, 'sw')
    assert.equal(pickTarget([list[0], list[2], list[3]], undefined, 'x').id, 'Shop')
    assert.equal(pickTarget([target('node', 'app.js', 'file:///app.js')], undefined, 'x').id, 'app.js')
  })

  it('lists the choices when the choice is not clear', () => {
    assert.throws(() => pickTarget(list, undefined, '127.0.0.1:9222'), /4 targets at 127\.0\.0\.1:9222: pick one with --target TEXT.*"Shop".*"Admin"/)
    assert.throws(() => pickTarget(list, 'nothing-like-it', 'h'), /no target at h matches "nothing-like-it"/)
    assert.throws(() => pickTarget(list, 'localhost:8080/', 'h'), /3 targets at h match "localhost:8080\/": say more with --target/)
    assert.throws(() => pickTarget([], undefined, 'h'), /lists no targets/)
  })

  it('connects only to loopback unless the host is named', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(h), h)
    for (const h of ['10.0.0.5', '0.0.0.0', 'example.com', '::', '128.0.0.1']) assert.ok(!isLoopbackHost(h), h)
    assert.throws(() => checkHostAllowed('10.0.0.5', undefined), /10\.0\.0\.5 is not a loopback address: .*--host 10\.0\.0\.5/)
    assert.doesNotThrow(() => checkHostAllowed('10.0.0.5', '10.0.0.5'))
    assert.throws(() => checkHostAllowed('10.0.0.6', '10.0.0.5'), CaptureError)
  })
})

describe("a recorded program's stderr", () => {
  it("loses Node's debugger notices and keeps the rest, partial lines included", () => {
    let text = ''
    const out = new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk)
        done()
      },
    })
    const drop = [/^Debugger listening on ws:\/\/\S+$/, /^Debugger attached\.$/]
    const seen: string[] = []
    const filter = new LineFilter(out, drop, ['Debugger listening on ', 'Debugger attached.'], (line) => seen.push(line))
    filter.write('Debugger listen')
    filter.write('ing on ws://127.0.0.1:1/x\nboot ok\nDebugger attached.\n')
    filter.write('prompt> ')
    filter.write('\nDebugger at')
    filter.flush()
    assert.equal(text, 'boot ok\nprompt> \nDebugger at')
    assert.deepEqual(seen.slice(0, 3), ['Debugger listening on ws://127.0.0.1:1/x', 'boot ok', 'Debugger attached.'])
  })
})

describe('snapshot triggers', () => {
  it('parses durations', () => {
    assert.equal(parseDuration('30s'), 30_000)
    assert.equal(parseDuration('500ms'), 500)
    assert.equal(parseDuration('2m'), 120_000)
    assert.equal(parseDuration('1.5'), 1500)
    assert.throws(() => parseDuration('soon'), /a duration is a number with a unit/)
  })

  it('takes the first at once, then one per trigger, up to the count', async () => {
    const t = new SnapshotTriggers({ immediate: true, count: 3 })
    assert.equal(await t.next(), true)
    const second = t.next()
    t.fire()
    t.fire() // while one is due: still one more, not a queue
    assert.equal(await second, true)
    t.fire()
    assert.equal(await t.next(), true)
    assert.equal(await t.next(), false, 'the count is reached')
    t.dispose()
  })

  it('fires every interval, the first after one interval when not immediate', async () => {
    // The time is taken before the timer starts (in the constructor): taken after, a pause between
    // the two (a loaded machine) would find the first interval already due.
    const started = Date.now()
    const t = new SnapshotTriggers({ immediate: false, everyMs: 5, count: 2 })
    assert.equal(await t.next(), true)
    assert.ok(Date.now() - started >= 4, 'not at once')
    assert.equal(await t.next(), true)
    assert.equal(await t.next(), false)
    t.dispose()
  })

  it('draws a snapshot as percent of objects while building, then bytes while writing', () => {
    const calls: string[] = []
    const draw = snapshotProgress({
      phase: (name) => calls.push(`phase ${name}`),
      update: (p) => calls.push(`bytes ${p.bytesRead}`),
      done: () => calls.push('done'),
    })
    for (const done of [0, 10, 11, 50]) draw({ phase: 'building', done, total: 100 })
    draw({ phase: 'writing', done: 100, total: null })
    draw({ phase: 'writing', done: 250, total: null })
    assert.deepEqual(calls, ['phase building 0%', 'phase building 10%', 'phase building 11%', 'phase building 50%', 'phase writing', 'bytes 100', 'bytes 250'])
  })

  it('ends on q or the end of the keys', async () => {
    const { PassThrough } = await import('node:stream')
    const keys = new PassThrough()
    const t = new SnapshotTriggers({ immediate: false, keys })
    const first = t.next()
    keys.write('\n')
    assert.equal(await first, true)
    const second = t.next()
    keys.write('q\n')
    assert.equal(await second, false)
    t.dispose()
  })
})
