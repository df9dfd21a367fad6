/**
 * The README's examples say what the program really does: its error example
 * has the words of the real message (numbers aside).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { main } from '../../../src/cli/main.js'
import { parseSnapshotChunks } from '../../../src/index.js'
import { repoRoot } from '../../helpers/paths.js'
import { testIo } from './io.js'
import { nodeLikeSnapshot } from './tiny-snapshot.js'

describe('README', () => {
  it('its error example reads as the real message', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    const example = /`(heapscope: app\.heapsnapshot: expected an edge target[^`]*)`/.exec(readme)?.[1]
    assert.ok(example !== undefined, 'the error example is in the README')
    // The same fault in a real parse: an edge target past the last node.
    const json = nodeLikeSnapshot().toJson()
    const broken = json.replace(/"edges":\[(\d+),(\d+),(\d+)/, (_m, type, name) => `"edges":[${type},${name},${18 * 7 + 3}`)
    assert.notEqual(broken, json)
    const io = testIo(() => parseSnapshotChunks([Buffer.from(broken)], 'app.heapsnapshot'))
    assert.equal(await main(['summary', 'app.heapsnapshot'], io), 2)
    const shape = (line: string): string => line.trim().replace(/\d+/g, 'N')
    assert.equal(shape(example), shape(io.stderr.text))
  })
})
