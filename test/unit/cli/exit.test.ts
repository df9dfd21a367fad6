import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { exitCodeFor, GateFailedError, oneLine, reportError } from '../../../src/cli/exit.js'
import { CancelledError, GzipError, InputError, SnapshotFormatError, UsageError } from '../../../src/index.js'
import { NodeNotFoundError } from '../../../src/snapshot/errors.js'
import { Capture } from './io.js'

describe('exit funnel', () => {
  it('maps errors to the documented exit codes', () => {
    assert.equal(exitCodeFor(new GateFailedError('grew')), 1)
    assert.equal(exitCodeFor(new UsageError('bad')), 2)
    assert.equal(exitCodeFor(new InputError('f', 'no such file')), 2)
    assert.equal(exitCodeFor(new SnapshotFormatError('f', 1, 'x', 'y')), 2)
    assert.equal(exitCodeFor(new GzipError('f', 'bad')), 2)
    assert.equal(exitCodeFor(new NodeNotFoundError('f', 5)), 2)
    assert.equal(exitCodeFor(new CancelledError()), 130)
    assert.equal(exitCodeFor(new Error('bug')), 70)
    assert.equal(exitCodeFor('a string'), 70)
  })

  it('prints exactly one line, whatever the message holds', () => {
    const stderr = new Capture()
    const code = reportError(new InputError('we\nird\u001b[2J.heapsnapshot', 'no such file'), { debug: false, stderr })
    assert.equal(code, 2)
    assert.equal(stderr.text, 'heapscope: we ird\\x1b[2J.heapsnapshot: no such file\n')
  })

  it('caps very long messages', () => {
    assert.ok(oneLine('x'.repeat(5000)).length <= 1000)
  })

  it('prints a gate failure as one line with code 1', () => {
    const stderr = new Capture()
    assert.equal(reportError(new GateFailedError('retained size grew by 12.0 MiB'), { debug: false, stderr }), 1)
    assert.equal(stderr.text, 'heapscope: retained size grew by 12.0 MiB\n')
  })

  it('adds the stack and causes only with debug', () => {
    const err = new Error('outer', { cause: new Error('inner') })
    const quiet = new Capture()
    reportError(err, { debug: false, stderr: quiet })
    assert.equal(quiet.lines.length, 1)
    assert.ok(!quiet.text.includes('    at '))
    const loud = new Capture()
    reportError(err, { debug: true, stderr: loud })
    assert.match(loud.lines[0], /^heapscope: internal error: outer \(this is a bug in heapscope\)$/)
    assert.ok(loud.text.includes('    at '))
    assert.ok(loud.text.includes('Caused by: Error: inner'))
  })

  it('handles non-Error throwables', () => {
    const stderr = new Capture()
    assert.equal(reportError(undefined, { debug: false, stderr }), 70)
    assert.equal(stderr.lines.length, 1)
  })
})
