/**
 * Bad input, end to end: for each case the CLI exits with 2, prints exactly
 * one line on stderr that names the input, no stack trace, nothing on stdout,
 * and leaves the input file byte for byte as it was. Bad inputs are written
 * to a temp dir, never into fixtures/.
 *
 * The first case of each kind runs the built CLI in a process of its own; the
 * others run its main() in this process (all the CLI but bin/heapscope.js's
 * three lines), since a second process would show nothing the first did not.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { main } from '../../src/cli/main.js'
import { cliPath, fixturePath, repoRoot } from '../helpers/paths.js'
import { readPlain, readRaw, runCli } from './cli-helpers.js'

let dir = ''
let plain: Buffer = Buffer.alloc(0)
let gz: Buffer = Buffer.alloc(0)
let fixtureName = ''

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'heapscope-bad-'))
  // The smallest real fixture.
  const fixtures = readdirSync(fixturePath('')).filter((f) => f.endsWith('.heapsnapshot.gz'))
  fixtures.sort((a, b) => statSync(fixturePath(a)).size - statSync(fixturePath(b)).size)
  fixtureName = fixtures[0]
  gz = readFileSync(fixturePath(fixtureName))
  plain = readPlain(fixturePath(fixtureName))
})

after(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true })
})

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

function write(name: string, bytes: Buffer | string): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

/** A stream that keeps what is written to it. */
function capture(): { text: string; write(chunk: string): boolean } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk
      return true
    },
  }
}

/** Runs the CLI's main() in this process. */
async function runMain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture()
  const stderr = capture()
  const code = await main(args, { stdout, stderr, env: {}, stdinIsTTY: false })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

/** Runs `summary <path> --json` (with `spawn`, as the built CLI in its own process) and checks the bad-input contract; returns the error line. */
async function expectBadInput(path: string, how: 'spawn' | 'in-process' = 'in-process'): Promise<string> {
  const before = existsSync(path) && statSync(path).isFile() ? sha256(path) : null
  let r: { code: number | null; stdout: string; stderr: string }
  if (how === 'spawn') {
    const run = runCli(['summary', path, '--json'])
    assert.equal(run.signal, null, `killed by ${run.signal}`)
    r = run
  } else {
    r = await runMain(['summary', path, '--json'])
  }
  assert.equal(r.code, 2, `exit code for ${path}: stderr ${r.stderr}`)
  assert.equal(r.stdout, '', 'nothing on stdout')
  const lines = r.stderr.split('\n').filter((l) => l !== '')
  assert.equal(lines.length, 1, `exactly one stderr line, got:\n${r.stderr}`)
  assert.ok(r.stderr.endsWith('\n'))
  const line = lines[0]
  assert.match(line, /^heapscope: /)
  assert.ok(line.includes(path), `the line names the file: ${line}`)
  assert.ok(!/^\s+at /m.test(r.stderr), 'no stack trace')
  if (before !== null) assert.equal(sha256(path), before, 'the input is unchanged')
  return line
}

function withHeader(text: string, key: string, replace: (value: number) => number): string {
  const re = new RegExp(`"${key}":(\\d+)`)
  const m = re.exec(text)
  assert.ok(m !== null, `no ${key} in the header`)
  return text.replace(re, `"${key}":${replace(Number(m[1]))}`)
}

describe(`bad input (derived from the smallest fixture)`, () => {
  it('empty file', async () => {
    await expectBadInput(write('empty.heapsnapshot', ''), 'spawn')
  })

  it('not JSON', async () => {
    await expectBadInput(write('hello.heapsnapshot', 'hello'), 'spawn')
    await expectBadInput(write('binary.heapsnapshot', Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0x80])))
  })

  it('JSON that is not a heap snapshot', async () => {
    await expectBadInput(write('object.heapsnapshot', '{"a":1}'), 'spawn')
    await expectBadInput(write('array.heapsnapshot', '[1,2]'))
    await expectBadInput(write('snapshot-number.heapsnapshot', '{"snapshot":1}'))
    await expectBadInput(write('string.heapsnapshot', '"snapshot"'))
  })

  it('truncated snapshot, cut at several offsets', async () => {
    const text = plain.toString('latin1')
    const offsets = new Set([
      1,
      10,
      text.indexOf('"nodes"') - 1,
      text.indexOf('"nodes"') + 12,
      text.indexOf('"edges"') + 100,
      text.indexOf('"strings"') + 20,
      Math.floor(plain.length / 3),
      Math.floor(plain.length / 2),
      plain.length - 3,
      plain.length - 1,
    ])
    for (const offset of offsets) {
      assert.ok(offset > 0 && offset < plain.length)
      await expectBadInput(write(`cut-${offset}.heapsnapshot`, plain.subarray(0, offset)))
    }
    // Also gzipped: a complete gzip stream of an incomplete snapshot.
    await expectBadInput(write('cut-half.heapsnapshot.gz', gzipSync(plain.subarray(0, plain.length >> 1))), 'spawn')
  })

  it('counts that disagree with the arrays', async () => {
    const text = plain.toString('utf8')
    await expectBadInput(
      write(
        'node-count-plus.heapsnapshot',
        withHeader(text, 'node_count', (n) => n + 1),
      ),
      'spawn',
    )
    await expectBadInput(
      write(
        'node-count-minus.heapsnapshot',
        withHeader(text, 'node_count', (n) => n - 1),
      ),
    )
    await expectBadInput(
      write(
        'edge-count-plus.heapsnapshot',
        withHeader(text, 'edge_count', (n) => n + 1),
      ),
    )
    await expectBadInput(
      write(
        'edge-count-minus.heapsnapshot',
        withHeader(text, 'edge_count', (n) => n - 1),
      ),
    )
  })

  it('edge target out of range', async () => {
    const raw = readRaw(fixturePath(fixtureName))
    const fields = raw.snapshot.meta.edge_fields
    const toNode = fields.indexOf('to_node')
    const past = structuredClone(raw)
    past.edges[toNode] = raw.nodes.length + raw.snapshot.meta.node_fields.length * 3
    await expectBadInput(write('edge-past-end.heapsnapshot', JSON.stringify(past)), 'spawn')
    const misaligned = structuredClone(raw)
    misaligned.edges[fields.length + toNode] = 1 // not a multiple of the node field count
    await expectBadInput(write('edge-misaligned.heapsnapshot', JSON.stringify(misaligned)))
  })

  it('string index out of range', async () => {
    const raw = readRaw(fixturePath(fixtureName))
    const nodeNameIndex = raw.snapshot.meta.node_fields.indexOf('name')
    const node = structuredClone(raw)
    node.nodes[raw.snapshot.meta.node_fields.length * 2 + nodeNameIndex] = raw.strings.length + 10
    await expectBadInput(write('node-name-index.heapsnapshot', JSON.stringify(node)), 'spawn')
    // An edge named by string (a property edge) pointing past the strings.
    const edgeTypes = raw.snapshot.meta.edge_fields.length
    const typeNames = raw.snapshot.meta.edge_types[0]
    const property = typeNames.indexOf('property')
    let e = 0
    while (raw.edges[e] !== property) e += edgeTypes
    const edge = structuredClone(raw)
    edge.edges[e + raw.snapshot.meta.edge_fields.indexOf('name_or_index')] = raw.strings.length + 10
    await expectBadInput(write('edge-name-index.heapsnapshot', JSON.stringify(edge)))
  })

  it('corrupt gzip (flipped bytes) and truncated gzip', async () => {
    const flipped = Buffer.from(gz)
    for (let i = Math.floor(gz.length / 3); i < Math.floor(gz.length / 3) + 64; i++) flipped[i] ^= 0xff
    await expectBadInput(write('flipped.heapsnapshot.gz', flipped), 'spawn')
    const crc = Buffer.from(gz)
    crc[crc.length - 6] ^= 0xff // the CRC32 in the trailer
    await expectBadInput(write('bad-crc.heapsnapshot.gz', crc))
    for (const cut of [3, 20, gz.length >> 1, gz.length - 4]) {
      await expectBadInput(write(`gz-cut-${cut}.heapsnapshot.gz`, gz.subarray(0, cut)))
    }
  })

  it('a directory and a missing file', async () => {
    const sub = join(dir, 'a-directory.heapsnapshot')
    mkdirSync(sub)
    await expectBadInput(sub, 'spawn')
    await expectBadInput(join(dir, 'missing.heapsnapshot'))
  })

  it('a header claiming 2,000,000,000 nodes in a tiny file fails fast, without allocating gigabytes', async () => {
    const raw = readRaw(fixturePath(fixtureName))
    const header = { ...raw.snapshot, node_count: 2_000_000_000, edge_count: 2_000_000_000 }
    const path = write('huge-header.heapsnapshot', JSON.stringify({ snapshot: header, nodes: [0, 1, 2], edges: [], strings: ['a'] }))
    await expectBadInput(path)
    // The same, measuring the process's peak memory (resident set).
    const script = `
      import { main } from ${JSON.stringify(join(repoRoot, 'dist/src/cli/main.js'))}
      const code = await main(['summary', process.argv[1], '--json'], { stderr: { write() {} }, stdout: { write() {} } })
      console.log(JSON.stringify({ code, maxRssKiB: process.resourceUsage().maxRSS }))`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, path], { encoding: 'utf8', timeout: 60_000 })
    assert.equal(r.status, 0, r.stderr)
    const { code, maxRssKiB } = JSON.parse(r.stdout)
    assert.equal(code, 2)
    assert.ok(maxRssKiB < 512 * 1024, `peak RSS ${maxRssKiB} KiB`)
  })

  it('a header claiming 2^32 + 10 or 6e9 nodes in a sparse terabyte file: the limit, not an internal error', async () => {
    const raw = readRaw(fixturePath(fixtureName))
    for (const count of [2 ** 32 + 10, 6e9]) {
      const path = write(`sparse-${count}.heapsnapshot`, JSON.stringify({ snapshot: { ...raw.snapshot, node_count: count }, nodes: [] }).slice(0, -3))
      // Zeros up to a terabyte, which take no disk (the file's size lets the header's counts pass).
      truncateSync(path, 2 ** 40)
      const before = statSync(path)
      const r = await runMain(['summary', path, '--json'])
      assert.equal(r.code, 2, r.stderr)
      assert.match(
        r.stderr,
        new RegExp(`^heapscope: ${path}: expected node_count and edge_count below 2\\^32 .*found node_count ${count} and edge_count \\d+\n$`),
      )
      assert.deepEqual([statSync(path).size, statSync(path).mtimeMs], [before.size, before.mtimeMs], 'the input is unchanged')
    }
  })

  it('a path of thousands of characters: the message still says what is wrong', async () => {
    const path = join(dir, ...Array.from({ length: 14 }, (_, k) => `${k}${'d'.repeat(200)}`), 'missing.heapsnapshot')
    assert.ok(path.length > 2800)
    const r = await runMain(['summary', path, '--json'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^heapscope: .{1,240}: no such file\n$/)
    assert.ok(r.stderr.includes(`${'d'.repeat(100)}/missing.heapsnapshot: no such file`), r.stderr)
  })

  it('a directory on stdin is said to be one (it read as "the input is empty")', () => {
    const fd = openSync(dir, 'r')
    try {
      const r = spawnSync(process.execPath, [cliPath, 'summary', '-'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 })
      assert.equal(r.status, 2)
      assert.equal(r.stderr, 'heapscope: <stdin>: is a directory, not a heap snapshot file\n')
    } finally {
      closeSync(fd)
    }
  })

  it('bad input on stdin names <stdin>', async () => {
    const r = runCli(['summary', '-'], 'hello')
    assert.equal(r.code, 2)
    const lines = r.stderr.split('\n').filter((l) => l !== '')
    assert.equal(lines.length, 1)
    assert.match(lines[0], /^heapscope: <stdin>: /)
  })
})

describe('usage errors', () => {
  const cases = [
    ['summary', 'x.heapsnapshot', '--top', '-1'],
    ['summary', 'x.heapsnapshot', '--top', 'many'],
    ['summary', 'x.heapsnapshot', '--frobnicate'],
    ['summary', 'x.heapsnapshot', '--sort', 'name'],
    ['summary'],
    ['sumary', 'x.heapsnapshot'],
  ]
  for (const [i, args] of cases.entries()) {
    // The first in a process of its own, the others through main() in this one.
    it(`heapscope ${args.join(' ')}`, async () => {
      const r = i === 0 ? runCli(args) : await runMain(args)
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      const lines = r.stderr.split('\n').filter((l) => l !== '')
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0], /^heapscope: .*\(see heapscope (summary )?--help\)$/)
      assert.ok(!/^\s+at /m.test(r.stderr))
    })
  }

  it('--debug adds the stack', async () => {
    const r = runCli(['summary', join(tmpdir(), 'heapscope-missing-file.heapsnapshot'), '--debug'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^heapscope: .*no such file\n/)
    assert.match(r.stderr, /^\s+at /m)
  })
})
