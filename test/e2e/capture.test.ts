/**
 * `heapscope capture` against real processes: a Node program that leaks on
 * command (fixtures/programs/capture-leaky.cjs), captured by pid with and
 * without allocation tracking — the diff of the files names what the program
 * knows it leaked; and the faults: a process that is gone, one that is not
 * Node, a port where nothing listens, ports that are not inspectors, a host
 * that is not loopback, a target killed in the middle of a snapshot.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { main } from '../../src/cli/main.js'
import {
  allocationTraceOf,
  CaptureError,
  diffSnapshots,
  HeapProfilerSession,
  openSnapshot,
  traceStack,
  type DiffGrouping,
  type SnapshotDiff,
} from '../../src/index.js'
import { fixturePath } from '../helpers/paths.js'
import { Capture } from '../unit/cli/io.js'
import { LiveProcess, startCli } from './live-process.js'

const dir = mkdtempSync(join(tmpdir(), 'heapscope-capture-'))
let leaky: LiveProcess

before(async () => {
  // --inspect-port=0: SIGUSR1 opens the inspector on a free port, so the test
  // never meets another process on 9229, and heapscope must find the port itself.
  leaky = new LiveProcess(process.execPath, ['--inspect-port=0', fixturePath('programs/capture-leaky.cjs')])
  await leaky.waitFor('stdout', /^ready$/m)
})

after(async () => {
  await leaky?.kill()
  rmSync(dir, { recursive: true, force: true })
})

/** The diffs of two files, grouped each way asked for; the files are read once. */
async function diffFiles(a: string, b: string, groupings: DiffGrouping[]): Promise<SnapshotDiff[]> {
  const [before, after] = [await openSnapshot(a), await openSnapshot(b)]
  return groupings.map((groupBy) => diffSnapshots(before, after, { groupBy }))
}

/**
 * `capture --pid <leaky> --on-key`: Enter, then `leak <count>` to the
 * program, then Enter once it has leaked, then q. Returns the two files.
 */
async function captureAroundLeak(out: string, count: number, extra: string[]): Promise<{ files: string[]; cli: LiveProcess }> {
  const cli = startCli(['capture', '--pid', String(leaky.pid), '--on-key', '-o', out, ...extra])
  try {
    cli.write('\n')
    await cli.waitFor('stdout', /\.heapsnapshot\.gz\n/)
    const acks = leaky.stdout.length
    leaky.write(`leak ${count}\n`)
    await leaky.waitFor('stdout', new RegExp(`^leaked ${count}$`, 'm'), acks)
    cli.write('\n')
    await cli.waitFor('stdout', /\.heapsnapshot\.gz\n.*\.heapsnapshot\.gz\n/)
    cli.write('q\n')
    const exit = await cli.exited
    assert.equal(exit.code, 0, cli.stderr)
  } finally {
    await cli.kill()
  }
  const files = cli.stdout.split('\n').filter((l) => l !== '')
  assert.equal(files.length, 2, cli.stdout)
  assert.deepEqual(
    readdirSync(out).sort(),
    files.map((f) => f.slice(out.length + 1)).sort(),
    'stdout lists the files written, and nothing is left half-written',
  )
  return { files, cli }
}

describe('capture --pid', () => {
  it('with --track, every object it leaked carries leakSomeObjects in its allocation stack, and the diff names it', async () => {
    const out = join(dir, 'tracked')
    const { files, cli } = await captureAroundLeak(out, 150, ['--track'])
    assert.match(cli.stderr, new RegExp(`sending SIGUSR1 to process ${leaky.pid} \\(capture-leaky\\)`))
    const [before, after] = [await openSnapshot(files[0]), await openSnapshot(files[1])]
    // The new CaptureLeak objects, read from the snapshots themselves: each one's allocation stack.
    let leaked = 0
    let underLeakSomeObjects = 0
    for (let n = 0; n < after.nodeCount; n++) {
      if (after.nodeTypeName(n) !== 'object' || after.nodeName(n) !== 'CaptureLeak' || before.ordinalOfId(after.nodeId[n]) >= 0) continue
      leaked++
      if (traceStack(after, allocationTraceOf(after, n)).some((f) => f.functionName === 'leakSomeObjects')) underLeakSomeObjects++
    }
    assert.equal(leaked, 150)
    assert.equal(underLeakSomeObjects, 150, 'each was allocated under leakSomeObjects')
    // The diff by stack: the groups under leakSomeObjects hold them all. (By site, V8 credits the
    // object to the constructor, or to leakSomeObjects once the optimizer has inlined the constructor.)
    const [byStack, bySite] = [diffSnapshots(before, after, { groupBy: 'stack' }), diffSnapshots(before, after, { groupBy: 'site' })]
    assert.equal(byStack.allocationTraces, true)
    const underIt = byStack.groups.filter((g) => g.stack?.some((f) => f.functionName === 'leakSomeObjects'))
    const shown = bySite.groups
      .slice(0, 5)
      .map((g) => `${g.key} ${g.newCount}`)
      .join('; ')
    assert.ok(underIt.reduce((sum, g) => sum + g.newCount, 0) >= 150, `the diff's stacks under leakSomeObjects hold the 150; by site: ${shown}`)
    assert.ok(
      bySite.groups.slice(0, 3).some((g) => g.site?.functionName === 'leakSomeObjects' || g.site?.functionName === 'CaptureLeak'),
      `the diff by site names the leak among its first rows: ${shown}`,
    )
    assert.ok(leaky.alive, 'the process keeps running')
  })

  it('without --track, the diff by class counts exactly what leaked', async () => {
    const out = join(dir, 'plain')
    const { files, cli } = await captureAroundLeak(out, 300, [])
    // The inspector is open from the first capture: no second signal.
    assert.match(cli.stderr, /has its inspector open on port \d+; connecting/)
    for (const [i, f] of files.entries()) assert.match(f, new RegExp(`capture-leaky-${leaky.pid}-00${i + 1}-\\d{8}T\\d{6}Z\\.heapsnapshot\\.gz$`))
    const [diff] = await diffFiles(files[0], files[1], ['class'])
    assert.equal(diff.allocationTraces, false, 'no allocation sites without --track')
    const leaked = diff.groups.find((g) => g.key === 'CaptureLeak')
    assert.ok(leaked !== undefined, diff.groups.map((g) => g.key).join(', '))
    assert.equal(leaked.newCount, 300)
    assert.equal(leaked.freedCount, 0)
    assert.ok(leaky.alive, 'the process keeps running')
  })
})

/** Runs the CLI in this process; returns the exit code and what it wrote. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture()
  const stderr = new Capture()
  const code = await main(args, { stdout, stderr })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

/** The fault contract: exit code 2, one line on stderr matching `pattern`, no stack, nothing on stdout, no file left. */
async function expectFault(args: string[], pattern: RegExp): Promise<void> {
  const out = mkdtempSync(join(dir, 'fault-'))
  const r = await run([...args, '-o', out])
  assert.equal(r.code, 2, r.stderr)
  assert.equal(r.stdout, '')
  const lines = r.stderr.split('\n').filter((l) => l !== '')
  assert.equal(lines.length, 1, r.stderr)
  assert.match(lines[0], /^heapscope: /)
  assert.match(lines[0], pattern)
  assert.doesNotMatch(r.stderr, /^\s+at /m)
  assert.deepEqual(readdirSync(out), [])
}

/** The most a loopback connection's kernel buffers hold for a reader that has read little: the sender's maximum and the receiver's default, from /proc (4 MiB and 128 KiB when unreadable). */
function tcpBufferBytes(): number {
  const field = (file: string, i: number, fallback: number): number => {
    try {
      return Number(readFileSync(file, 'utf8').trim().split(/\s+/)[i]) || fallback
    } catch {
      return fallback
    }
  }
  return field('/proc/sys/net/ipv4/tcp_wmem', 2, 4 << 20) + field('/proc/sys/net/ipv4/tcp_rmem', 1, 128 << 10)
}

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

describe('capture faults', () => {
  it('a process that is gone', async () => {
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    const pid = gone.pid ?? 0
    await new Promise((resolve) => gone.on('exit', resolve))
    await expectFault(['capture', '--pid', String(pid)], new RegExp(`no process with pid ${pid}`))
  })

  it('a process that is not Node: refused before any signal, and left running', async () => {
    const sleeper = new LiveProcess('sleep', ['30'])
    try {
      await expectFault(['capture', '--pid', String(sleeper.pid)], /does not handle SIGUSR1, so it is not a Node\.js process/)
      assert.ok(sleeper.alive, 'sleep was not sent SIGUSR1, which would have ended it')
    } finally {
      await sleeper.kill()
    }
  })

  it('a port where nothing listens', async () => {
    const server = createServer()
    const port = await listen(server)
    await new Promise((resolve) => server.close(resolve))
    await expectFault(['capture', '--port', String(port)], new RegExp(`127\\.0\\.0\\.1:${port} refused the connection: no inspector is listening there`))
  })

  it('ports that are not inspectors: an HTTP server, a silent one, one that speaks another protocol', async () => {
    const http = createHttpServer((_req, res) => {
      res.writeHead(404)
      res.end('not here')
    })
    const silent = createServer(() => {})
    const chatty = createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n'))
    try {
      const [httpPort, silentPort, chattyPort] = [await listen(http), await listen(silent), await listen(chatty)]
      await expectFault(['capture', '--port', String(httpPort)], /is not a DevTools inspector: it answered HTTP 404 to GET \/json\/list/)
      await expectFault(['capture', '--port', String(silentPort), '--timeout', '300ms'], /did not answer GET \/json\/list within 0\.3 s/)
      await expectFault(['capture', '--port', String(chattyPort)], /does not speak HTTP|closed the connection without answering/)
      await expectFault(['capture', '--url', `ws://127.0.0.1:${httpPort}/devtools/page/x`], /is not a DevTools inspector WebSocket \(it answered HTTP 404/)
    } finally {
      http.close()
      silent.close()
      chatty.close()
    }
  })

  it('a host that is not loopback, unless named with --host', async () => {
    await expectFault(['capture', '--url', 'ws://192.0.2.7:9229/abc'], /192\.0\.2\.7 is not a loopback address: .*--host 192\.0\.2\.7/)
    await expectFault(['capture', '--port', '9229', '--host', '127.0.0.1', '--url', 'ws://x'], /one of --pid PID, --port PORT or --url/)
  })

  it('a target killed in the middle of a snapshot: one error, no file left', async () => {
    // The target is killed when the first chunk arrives; whatever it wrote before it died still
    // arrives, and the kernel holds up to its send buffer (tcp_wmem's maximum) plus this side's
    // receive buffer (tcp_rmem's default: it grows only as this side reads). A snapshot of an idle
    // Node (~4 MB) could fit in that while this process waits for a CPU, and then come whole. So
    // the target keeps twice that in distinct strings (V8 writes 1,024 characters of each), which
    // cannot: the snapshot is cut whatever the scheduling.
    const buffered = tcpBufferBytes()
    const strings = Math.ceil((2 * buffered) / 1024)
    const victim = new LiveProcess(process.execPath, [
      '--inspect=127.0.0.1:0',
      '-e',
      `globalThis.kept = Array.from({ length: ${strings} }, (_, i) => String(i).padEnd(1100, '.')); console.log('ready'); setInterval(() => {}, 1000)`,
    ])
    const out = mkdtempSync(join(dir, 'killed-'))
    try {
      const [, url] = await victim.waitFor('stderr', /Debugger listening on (ws:\/\/\S+)/)
      // The inspector listens before the program runs: wait until the strings are kept.
      await victim.waitFor('stdout', /^ready$/m)
      const session = await HeapProfilerSession.connectToUrl(url)
      const file = join(out, 'victim.heapsnapshot.gz')
      let killed = false
      await assert.rejects(
        session.takeSnapshot(file, {
          onProgress: (p) => {
            // The first chunk is on its way to disk: now the target dies.
            if (p.phase === 'writing' && !killed) {
              killed = true
              victim.child.kill('SIGKILL')
            }
          },
        }),
        (err: unknown) =>
          err instanceof CaptureError && /closed the connection \(did the target end\?\) while waiting for HeapProfiler\.takeHeapSnapshot/.test(err.message),
      )
      assert.ok(killed, 'the target was killed mid-snapshot')
      await session.close()
      assert.deepEqual(readdirSync(out), [], 'neither the file nor its .partial is left')
      assert.ok(!existsSync(file))
    } finally {
      await victim.kill()
    }
  })
})
