/**
 * `heapscope record -- python3 app.py` (issue 17): heapscope starts a real
 * Python program with its snapshot module loaded through sitecustomize,
 * takes a snapshot on Enter and one on SIGUSR2 (each streamed through a pipe
 * from the program), stops it on q and prints the diff, which names the line
 * that leaks. The program says how many objects it leaked; the snapshots are
 * counted independently of the diff.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { main } from '../../src/cli/main.js'
import { openSnapshot } from '../../src/index.js'
import { fixturePath } from '../helpers/paths.js'
import { Capture } from '../unit/cli/io.js'
import { startCli } from './live-process.js'

const dir = mkdtempSync(join(tmpdir(), 'heapscope-python-record-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const python = process.env.HEAPSCOPE_PYTHON ?? 'python3'
const app = fixturePath('programs/record_app.py')
/** A snapshot of a small interpreter takes ~2 s of CPU with tracemalloc; a loaded machine stretches that. */
const SNAPSHOT_WAIT_MS = 180_000

describe('heapscope record -- python3', () => {
  it('snapshots a Python program on Enter and on SIGUSR2, stops it on q and prints the diff naming the leaking line', async () => {
    const leakLine =
      readFileSync(app, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('# LEAK')) + 1
    const cli = startCli(['record', '--on-key', '-o', dir, '--', python, app])
    try {
      await cli.waitFor('stderr', /heapscope: recording record_app \(pid (\d+)\)/)
      const programPid = Number(/\(pid (\d+)\)/.exec(cli.stderr)?.[1])
      await cli.waitFor('stdout', /tick \d+/)
      cli.write('\n')
      await cli.waitFor('stderr', /wrote .*-001-.*\.heapsnapshot\.gz/, 0, SNAPSHOT_WAIT_MS)
      const ticks = cli.stdout.length
      await cli.waitFor('stdout', /tick \d+/, ticks)
      process.kill(cli.pid, 'SIGUSR2')
      await cli.waitFor('stderr', /wrote .*-002-.*\.heapsnapshot\.gz/, 0, SNAPSHOT_WAIT_MS)
      cli.write('q\n')
      const exit = await cli.exited
      assert.equal(exit.code, 0, cli.stderr)
      assert.throws(() => process.kill(programPid, 0), /ESRCH/, 'the program was stopped')

      const files = readdirSync(dir).sort()
      assert.deepEqual(
        files.map((f) => f.replace(/\d{8}T\d{6}Z/, 'T')),
        [`record_app-${programPid}-001-T.heapsnapshot.gz`, `record_app-${programPid}-002-T.heapsnapshot.gz`],
      )
      const [a, b] = await Promise.all(files.map((f) => openSnapshot(join(dir, f))))
      const count = (s: typeof a): number => {
        let n = 0
        for (let i = 0; i < s.nodeCount; i++) if (s.nodeName(i) === '__main__.Leak') n++
        return n
      }
      // At least one tick's 20 (the test waited for a tick between the two). Not a multiple of 20: the
      // handler writes the snapshot between two bytecodes, which can fall inside a tick's loop.
      const leaked = count(b) - count(a)
      assert.ok(leaked >= 20, `the program leaked 20 a tick between the snapshots: ${leaked}`)
      // tracemalloc was on from the start: every Leak has its allocation site, the LEAK line.
      const row = new RegExp(`^leak_on_tick \\S*record_app\\.py:${leakLine}\\S*\\s+(\\d+)\\s`, 'm').exec(cli.stdout)
      assert.ok(row !== null, `the diff names leak_on_tick at line ${leakLine}:\n${cli.stdout}`)
      assert.equal(Number(row[1]), leaked, "the LEAK line's new objects are the Leak instances made between the snapshots")
    } finally {
      await cli.kill()
    }
  })

  it('refuses python3 -S (no site, so no sitecustomize to load the module): exit 2, one line saying why', async () => {
    const stdout = new Capture()
    const stderr = new Capture()
    const code = await main(['record', '--no-on-key', '-o', dir, '--', python, '-S', app], { stdout, stderr })
    assert.equal(code, 2)
    const lines = stderr.text.split('\n').filter((l) => l !== '')
    assert.match(
      lines[lines.length - 1],
      /^heapscope: \S*python3? -S skips the site module, which record needs .*: run it without -S, or call heapscope_snapshot\.write\(\) from the program$/,
    )
    assert.doesNotMatch(stderr.text, / {4}at /)
  })
})
