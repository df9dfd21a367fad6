/**
 * `export -o FILE` never writes its input, however the output is named
 * (the same path, another spelling, a hard link, a symbolic link; plain and
 * gzipped inputs; every format), and says so before reading the snapshot;
 * it writes the file through a temporary one renamed into place.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { chmodSync, copyFileSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { main } from '../../../src/cli/main.js'
import { fixturePath } from '../../helpers/paths.js'
import { readPlain } from '../../e2e/cli-helpers.js'
import { testIo } from './io.js'
import { nodeLikeSnapshot } from './tiny-snapshot.js'

const tiny = () => nodeLikeSnapshot().parse()
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

describe('export -o', () => {
  let dir = ''
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'heapscope-export-o-'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('refuses to write over its input, by identity not name, before reading it', async () => {
    const gz = join(dir, 'app.heapsnapshot.gz')
    const plain = join(dir, 'app.heapsnapshot')
    copyFileSync(fixturePath('node-basic.heapsnapshot.gz'), gz)
    writeFileSync(plain, readPlain(gz))
    linkSync(gz, join(dir, 'hard-link'))
    symlinkSync('app.heapsnapshot', join(dir, 'sym-link'))
    const hashes = new Map([gz, plain].map((f) => [f, sha256(f)]))
    for (const [input, output] of [
      [gz, gz],
      [gz, join(dir, '.', 'app.heapsnapshot.gz')],
      [gz, join(dir, 'hard-link')],
      [plain, plain],
      [plain, join(dir, 'sym-link')],
    ]) {
      for (const format of ['gexf', 'graphml', 'json']) {
        const io = testIo(tiny)
        assert.equal(await main(['export', input, '1', '--what', 'retainers', '--format', format, '-o', output], io), 2, `${input} -o ${output}`)
        assert.equal(io.stderr.lines.length, 1)
        assert.ok(io.stderr.text.startsWith(`heapscope: ${output}: that is the input snapshot`), io.stderr.text)
        assert.deepEqual(io.opened, [], 'refused before the snapshot is read')
        assert.equal(io.stdout.text, '')
      }
    }
    for (const [file, hash] of hashes) assert.equal(sha256(file), hash, `${file} unchanged`)
  })

  it('writes a new file, or replaces one keeping its permissions, leaving no temporary file', async () => {
    const out = join(dir, 'new', 'graph.json')
    rmSync(join(dir, 'new'), { recursive: true, force: true })
    const io = testIo(tiny)
    // Its folder does not exist: one line, nothing written.
    assert.equal(await main(['export', 'tiny.heapsnapshot', '1', '--what', 'dominated', '--format', 'json', '-o', out], io), 2)
    assert.match(io.stderr.text, /^heapscope: .*graph\.json: cannot write \(ENOENT\)\n$/)
    const existing = join(dir, 'graph.json')
    writeFileSync(existing, 'old')
    chmodSync(existing, 0o640)
    const ok = testIo(tiny)
    assert.equal(await main(['export', 'tiny.heapsnapshot', '@1', '--what', 'dominated', '--format', 'json', '-o', existing], ok), 0, ok.stderr.text)
    const graph = JSON.parse(readFileSync(existing, 'utf8'))
    // The tiny heap's root dominates its 17 other objects.
    assert.equal(graph.nodes.length, 18)
    assert.equal(statSync(existing).mode & 0o777, 0o640)
    assert.match(ok.stderr.text, /^wrote 18 objects and 17 references to /)
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    )
  })
})
