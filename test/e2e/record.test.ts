/**
 * `heapscope record` on a real program: it starts the program with
 * allocation tracking, takes a snapshot on Enter and one on SIGUSR2, stops
 * the program when told to end (q), and prints the diff of the two, which
 * names the function that leaks; on an interval, three snapshots end with
 * growth over the series. The files stay, named in the order taken.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { main } from '../../src/cli/main.js'
import { openSnapshot } from '../../src/index.js'
import { fixturePath } from '../helpers/paths.js'
import { Capture } from '../unit/cli/io.js'
import { startCli } from './live-process.js'

const dir = mkdtempSync(join(tmpdir(), 'heapscope-record-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/** Nodes named `name` in a snapshot file (a class's instances, plus its constructor, the same in every snapshot). */
async function countNamed(file: string, name: string): Promise<number> {
  const s = await openSnapshot(file)
  let count = 0
  for (let n = 0; n < s.nodeCount; n++) if (s.nodeName(n) === name) count++
  return count
}

describe('record', () => {
  it('runs a Node program, snapshots on Enter and on SIGUSR2, and prints the diff naming the leaking function', async () => {
    // --no-turbo-inlining: V8 credits an allocation to the outermost function of an optimised frame, and after
    // some seconds of ticks TurboFan inlines leakOnTimer into Node's listOnTimeout (seen with --trace-turbo-inlining),
    // whose row then holds the leak. Without inlining each object is credited to the function that made it.
    const cli = startCli(['record', '--on-key', '-o', dir, '--', process.execPath, '--no-turbo-inlining', fixturePath('programs/record-app.cjs')])
    try {
      await cli.waitFor('stderr', /heapscope: recording record-app \(pid (\d+)\)/)
      const programPid = Number(/\(pid (\d+)\)/.exec(cli.stderr)?.[1])
      await cli.waitFor('stdout', /tick \d+/)
      cli.write('\n')
      await cli.waitFor('stderr', /wrote .*-001-.*\.heapsnapshot\.gz/)
      // The program leaks on: wait for a tick after the first snapshot, then snapshot on SIGUSR2.
      const ticks = cli.stdout.length
      await cli.waitFor('stdout', /tick \d+/, ticks)
      process.kill(cli.pid, 'SIGUSR2')
      await cli.waitFor('stderr', /wrote .*-002-.*\.heapsnapshot\.gz/)
      cli.write('q\n')
      const exit = await cli.exited
      assert.equal(exit.code, 0, cli.stderr)
      assert.match(cli.stderr, /stopped /)
      assert.throws(() => process.kill(programPid, 0), /ESRCH/, 'the program was stopped')

      const files = readdirSync(dir).sort()
      assert.equal(files.length, 2, files.join(' '))
      assert.match(files[0], new RegExp(`^record-app-${programPid}-001-\\d{8}T\\d{6}Z\\.heapsnapshot\\.gz$`))
      assert.match(files[1], new RegExp(`^record-app-${programPid}-002-\\d{8}T\\d{6}Z\\.heapsnapshot\\.gz$`))
      // What the program leaked between the two, counted independently of the diff.
      const leaked = (await countNamed(join(dir, files[1]), 'RecordLeak')) - (await countNamed(join(dir, files[0]), 'RecordLeak'))
      assert.ok(leaked >= 20, `the program leaked between the snapshots: ${leaked}`)
      // Two snapshots: what grew is the diff of the two (growth takes three or more).
      assert.match(cli.stderr, /heapscope: what grew: heapscope diff \S+-001-\S+\.heapsnapshot\.gz \S+-002-\S+\.heapsnapshot\.gz\n/)
      // The diff, grouped by allocation site: leakOnTimer's row, with the RecordLeak objects V8 left without a
      // trace, has at least those objects new. (V8 writes no trace for some objects a tracked process allocated,
      // seen on a loaded machine after the full GC of an earlier snapshot moved them: they come in the diff as
      // "(no allocation trace) RecordLeak".)
      const row = /^leakOnTimer \S+record-app\.cjs:\d+:\d+\s+(\d+)\s/m.exec(cli.stdout)
      assert.ok(row !== null, `the diff names leakOnTimer:\n${cli.stdout}`)
      const untraced = Number(/^\(no allocation trace\) RecordLeak\s+(\d+)\s/m.exec(cli.stdout)?.[1] ?? 0)
      assert.ok(
        Number(row[1]) + untraced >= leaked,
        `leakOnTimer's new objects (${row[1]}, and ${untraced} untraced RecordLeak) include the ${leaked} RecordLeak`,
      )
    } finally {
      await cli.kill()
    }
  })
})

describe('record on an interval', () => {
  it('takes --count snapshots every --every and ends with growth over the series, in the order taken', async () => {
    const out = join(dir, 'series')
    const cli = startCli([
      'record',
      '--no-on-key',
      '--every',
      '400ms',
      '--count',
      '3',
      '-o',
      out,
      '--',
      process.execPath,
      fixturePath('programs/record-app.cjs'),
    ])
    try {
      const exit = await cli.exited
      assert.equal(exit.code, 0, cli.stderr)
      const files = readdirSync(out).sort()
      // The sequence number is the field before the time (a pid can have three digits too).
      assert.deepEqual(
        files.map((f) => /-(\d{3})-\d{8}T\d{6}Z\./.exec(f)?.[1]),
        ['001', '002', '003'],
      )
      // The growth report over those three files, in order (growth's own numbers are tested in its tests; which
      // site V8 credits the objects to depends on when the tracker met optimised code).
      assert.match(
        cli.stdout,
        new RegExp(`^heapscope growth ${files.map((f) => `\\S+${f.replace(/\./g, '\\.')}`).join(' -> ')}\n3 snapshots of one process`, 'm'),
      )
    } finally {
      await cli.kill()
    }
  })
})

describe('record faults', () => {
  async function run(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
    const stdout = new Capture()
    const stderr = new Capture()
    const code = await main(args, { stdout, stderr })
    return { code, stdout: stdout.text, stderr: stderr.text }
  }

  it('a program that fails before any snapshot: exit code 2, saying how it ended', async () => {
    const r = await run(['record', '--no-on-key', '-o', dir, '--', process.execPath, '-e', 'process.exit(3)'])
    assert.equal(r.code, 2, r.stderr)
    assert.match(
      r.stderr
        .split('\n')
        .filter((l) => l !== '')
        .at(-1) ?? '',
      /^heapscope: .* ended \(exit code 3\) before any snapshot was taken$/,
    )
  })

  it('a program it cannot run, and a missing --', async () => {
    const ruby = await run(['record', '-o', dir, '--', 'ruby', 'app.rb'])
    assert.equal(ruby.code, 2)
    assert.match(ruby.stderr, /^heapscope: heapscope record does not know how to take snapshots of ruby: it runs Node\.js/)
    const noDashes = await run(['record', 'node', 'app.js'])
    assert.equal(noDashes.code, 2)
    assert.match(noDashes.stderr, /put -- before the program: heapscope record \[options\] -- node app\.js/)
  })
})
