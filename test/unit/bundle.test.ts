/**
 * The package's main entry is the library bundled in one module
 * (dist/heapscope.js, scripts/bundle.mjs). It must be the same library as
 * the modules the other tests import: the same model from a real snapshot,
 * its own errors for bad input, and its WebAssembly found next to it.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import * as modules from '../../src/index.js'
import { fixturePath, repoRoot } from '../helpers/paths.js'

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { main: string }
const bundle = (await import(pathToFileURL(join(repoRoot, packageJson.main)).href)) as typeof modules

describe('the bundled entry (package.json "main")', () => {
  it('exports what src/index.ts exports', () => {
    assert.deepEqual(Object.keys(bundle).sort(), Object.keys(modules).sort())
  })

  it('reads a real snapshot into the same model and analysis', async () => {
    const path = fixturePath('chromium-detached.heapsnapshot.gz')
    const [a, b] = await Promise.all([bundle.openSnapshot(path), modules.openSnapshot(path)])
    assert.equal(a.nodeCount, b.nodeCount)
    assert.deepEqual([...a.edgeTarget], [...b.edgeTarget])
    assert.deepEqual(a.strings.toArray(), b.strings.toArray())
    assert.equal(bundle.analyzeHeap(a).totalSize, modules.analyzeHeap(b).totalSize)
  })

  it('rejects bad input with its own error classes', async () => {
    await assert.rejects(bundle.parseSnapshotChunks([Buffer.from('{"nodes":[1,2')], 'bad.heapsnapshot'), (err) => err instanceof bundle.SnapshotFormatError)
  })
})
