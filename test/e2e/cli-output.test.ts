/**
 * Output failures of the real process: a stderr that cannot be written does
 * not change the exit code; a stdout that cannot be written is exit code 74
 * with one line; an `-o` file whose write fails midway (the file size limit,
 * EFBIG) leaves the old file as it was and no temporary file.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { cliPath } from '../helpers/paths.js'
import { nodeLikeSnapshot } from '../unit/cli/tiny-snapshot.js'

/** Runs the CLI with one of its streams going to /dev/full. */
function withFullStream(args: string[], stream: 'stdout' | 'stderr') {
  const full = openSync('/dev/full', 'w')
  try {
    const stdio = stream === 'stdout' ? (['ignore', full, 'pipe'] as const) : (['ignore', 'pipe', full] as const)
    const r = spawnSync(process.execPath, [cliPath, ...args], { stdio: [...stdio], encoding: 'utf8', timeout: 60_000 })
    return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
  } finally {
    closeSync(full)
  }
}

describe('output that cannot be written', () => {
  let dir = ''
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'heapscope-output-'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('a full stderr keeps the exit code of the error it could not print (2, not 1)', () => {
    const r = withFullStream(['summary', join(dir, 'nonexistent.heapsnapshot')], 'stderr')
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
  })

  it('a full stdout is exit code 74 and one line on stderr', () => {
    const r = withFullStream(['--help'], 'stdout')
    assert.equal(r.code, 74)
    assert.equal(r.stderr, 'heapscope: cannot write the report to stdout (ENOSPC)\n')
  })

  it('export -o: a write that fails midway leaves the old file and no temporary file', () => {
    const input = join(dir, 'tiny.heapsnapshot')
    writeFileSync(input, nodeLikeSnapshot().toJson())
    const out = join(dir, 'graph.gexf')
    writeFileSync(out, 'the previous export')
    // The shell ignores SIGXFSZ (so does the CLI it starts) and limits files to 1 KiB: the write fails with EFBIG.
    const script = `trap '' XFSZ; ulimit -f 1; exec "$0" "$@"`
    const args = [cliPath, 'export', input, '@1', '--what', 'dominated', '--format', 'gexf', '-o', out]
    const r = spawnSync('/bin/sh', ['-c', script, process.execPath, ...args], { encoding: 'utf8', timeout: 60_000 })
    assert.equal(r.status, 2, r.stderr)
    assert.equal(r.stderr, `heapscope: ${out}: cannot write (EFBIG)\n`)
    assert.equal(readFileSync(out, 'utf8'), 'the previous export')
    assert.deepEqual(readdirSync(dir).sort(), ['graph.gexf', 'tiny.heapsnapshot'])
  })
})
