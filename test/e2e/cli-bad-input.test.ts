/**
 * Bad input, end to end: for each case the built CLI exits with 2, prints
 * exactly one line on stderr that names the input, no stack trace, nothing
 * on stdout, and leaves the input file byte for byte as it was. Bad inputs
 * are written to a temp dir, never into fixtures/.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { fixturePath, repoRoot } from '../helpers/paths.js'
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

/** Runs `summary <path>` and checks the bad-input contract; returns the error line. */
function expectBadInput(path: string, extraArgs: string[] = ['--json']): string {
  const before = existsSync(path) && statSync(path).isFile() ? sha256(path) : null
  const r = runCli(['summary', path, ...extraArgs])
  assert.equal(r.signal, null, `killed by ${r.signal}`)
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
  it('empty file', () => {
    expectBadInput(write('empty.heapsnapshot', ''))
  })

  it('not JSON', () => {
    expectBadInput(write('hello.heapsnapshot', 'hello'))
    expectBadInput(write('binary.heapsnapshot', Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0x80])))
  })

  it('JSON that is not a heap snapshot', () => {
    expectBadInput(write('object.heapsnapshot', '{"a":1}'))
    expectBadInput(write('array.heapsnapshot', '[1,2]'))
    expectBadInput(write('snapshot-number.heapsnapshot', '{"snapshot":1}'))
    expectBadInput(write('string.heapsnapshot', '"snapshot"'))
  })

  it('truncated snapshot, cut at several offsets', () => {
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
      expectBadInput(write(`cut-${offset}.heapsnapshot`, plain.subarray(0, offset)))
    }
    // Also gzipped: a complete gzip stream of an incomplete snapshot.
    expectBadInput(write('cut-half.heapsnapshot.gz', gzipSync(plain.subarray(0, plain.length >> 1))))
  })

  it('counts that disagree with the arrays', () => {
    const text = plain.toString('utf8')
    expectBadInput(
      write(
        'node-count-plus.heapsnapshot',
        withHeader(text, 'node_count', (n) => n + 1),
      ),
    )
    expectBadInput(
      write(
        'node-count-minus.heapsnapshot',
        withHeader(text, 'node_count', (n) => n - 1),
      ),
    )
    expectBadInput(
      write(
        'edge-count-plus.heapsnapshot',
        withHeader(text, 'edge_count', (n) => n + 1),
      ),
    )
    expectBadInput(
      write(
        'edge-count-minus.heapsnapshot',
        withHeader(text, 'edge_count', (n) => n - 1),
      ),
    )
  })

  it('edge target out of range', () => {
    const raw = readRaw(fixturePath(fixtureName))
    const fields = raw.snapshot.meta.edge_fields
    const toNode = fields.indexOf('to_node')
    const past = structuredClone(raw)
    past.edges[toNode] = raw.nodes.length + raw.snapshot.meta.node_fields.length * 3
    expectBadInput(write('edge-past-end.heapsnapshot', JSON.stringify(past)))
    const misaligned = structuredClone(raw)
    misaligned.edges[fields.length + toNode] = 1 // not a multiple of the node field count
    expectBadInput(write('edge-misaligned.heapsnapshot', JSON.stringify(misaligned)))
  })

  it('string index out of range', () => {
    const raw = readRaw(fixturePath(fixtureName))
    const nodeNameIndex = raw.snapshot.meta.node_fields.indexOf('name')
    const node = structuredClone(raw)
    node.nodes[raw.snapshot.meta.node_fields.length * 2 + nodeNameIndex] = raw.strings.length + 10
    expectBadInput(write('node-name-index.heapsnapshot', JSON.stringify(node)))
    // An edge named by string (a property edge) pointing past the strings.
    const edgeTypes = raw.snapshot.meta.edge_fields.length
    const typeNames = raw.snapshot.meta.edge_types[0]
    const property = typeNames.indexOf('property')
    let e = 0
    while (raw.edges[e] !== property) e += edgeTypes
    const edge = structuredClone(raw)
    edge.edges[e + raw.snapshot.meta.edge_fields.indexOf('name_or_index')] = raw.strings.length + 10
    expectBadInput(write('edge-name-index.heapsnapshot', JSON.stringify(edge)))
  })

  it('corrupt gzip (flipped bytes) and truncated gzip', () => {
    const flipped = Buffer.from(gz)
    for (let i = Math.floor(gz.length / 3); i < Math.floor(gz.length / 3) + 64; i++) flipped[i] ^= 0xff
    expectBadInput(write('flipped.heapsnapshot.gz', flipped))
    const crc = Buffer.from(gz)
    crc[crc.length - 6] ^= 0xff // the CRC32 in the trailer
    expectBadInput(write('bad-crc.heapsnapshot.gz', crc))
    for (const cut of [3, 20, gz.length >> 1, gz.length - 4]) {
      expectBadInput(write(`gz-cut-${cut}.heapsnapshot.gz`, gz.subarray(0, cut)))
    }
  })

  it('a directory and a missing file', () => {
    const sub = join(dir, 'a-directory.heapsnapshot')
    mkdirSync(sub)
    expectBadInput(sub)
    expectBadInput(join(dir, 'missing.heapsnapshot'))
  })

  it('a header claiming 2,000,000,000 nodes in a tiny file fails fast, without allocating gigabytes', () => {
    const raw = readRaw(fixturePath(fixtureName))
    const header = { ...raw.snapshot, node_count: 2_000_000_000, edge_count: 2_000_000_000 }
    const path = write('huge-header.heapsnapshot', JSON.stringify({ snapshot: header, nodes: [0, 1, 2], edges: [], strings: ['a'] }))
    expectBadInput(path)
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

  it('bad input on stdin names <stdin>', () => {
    const r = runCli(['summary', '-'], 'hello')
    assert.equal(r.code, 2)
    const lines = r.stderr.split('\n').filter((l) => l !== '')
    assert.equal(lines.length, 1)
    assert.match(lines[0], /^heapscope: <stdin>: /)
  })
})

describe('usage errors', () => {
  for (const args of [
    ['summary', 'x.heapsnapshot', '--top', '-1'],
    ['summary', 'x.heapsnapshot', '--top', 'many'],
    ['summary', 'x.heapsnapshot', '--frobnicate'],
    ['summary', 'x.heapsnapshot', '--sort', 'name'],
    ['summary'],
    ['sumary', 'x.heapsnapshot'],
    [],
  ]) {
    it(`heapscope ${args.join(' ')}`, () => {
      const r = runCli(args)
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      const lines = r.stderr.split('\n').filter((l) => l !== '')
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0], /^heapscope: .*\(see heapscope --help\)$/)
      assert.ok(!/^\s+at /m.test(r.stderr))
    })
  }

  it('--debug adds the stack', () => {
    const r = runCli(['summary', join(tmpdir(), 'heapscope-missing-file.heapsnapshot'), '--debug'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^heapscope: .*no such file\n/)
    assert.match(r.stderr, /^\s+at /m)
  })
})
