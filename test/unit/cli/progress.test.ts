import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createProgress, renderProgressLine } from '../../../src/cli/progress.js'
import { Capture } from './io.js'

describe('progress', () => {
  it('renders phase, bar, percentage, bytes and speed', () => {
    const line = renderProgressLine({ phase: 'reading', label: 'a.gz', bytesRead: 512 * 1024, totalBytes: 1024 * 1024, elapsedMs: 1000, width: 120 })
    assert.equal(line, 'reading a.gz [##########----------]  50%  512.0 KiB / 1.0 MiB  512.0 KiB/s')
  })

  it('shows bytes without a total for stdin, and no speed before 250 ms', () => {
    assert.equal(renderProgressLine({ phase: 'reading', label: '-', bytesRead: 2048, totalBytes: null, elapsedMs: 100, width: 80 }), 'reading -  2.0 KiB')
  })

  it('fits the terminal width', () => {
    const line = renderProgressLine({ phase: 'reading', label: 'x'.repeat(200), bytesRead: 1, totalBytes: 2, elapsedMs: 1000, width: 40 })
    assert.ok(line.length <= 39)
  })

  it('writes nothing at all when not a terminal', () => {
    const stderr = new Capture(false)
    const p = createProgress(stderr, 'a')
    p.phase('reading')
    p.update({ bytesRead: 1, totalBytes: 2 })
    p.done()
    assert.equal(stderr.text, '')
  })

  it('throttles redraws and clears its line when done', () => {
    const stderr = new Capture(true, 80)
    let t = 0
    const p = createProgress(stderr, 'a', () => t)
    p.phase('reading')
    const afterPhase = stderr.text.length
    p.update({ bytesRead: 1, totalBytes: 100 }) // within 100 ms of the last draw: skipped
    assert.equal(stderr.text.length, afterPhase)
    t = 150
    p.update({ bytesRead: 50, totalBytes: 100 })
    assert.match(stderr.text, /50%/)
    p.done()
    p.done()
    assert.ok(stderr.text.endsWith('\r\u001b[K'))
    assert.equal(stderr.text.split('\r\u001b[K').length - 1, 3, 'two draws and one clear')
    p.update({ bytesRead: 100, totalBytes: 100 })
    assert.ok(stderr.text.endsWith('\r\u001b[K'), 'nothing drawn after done')
  })
})
