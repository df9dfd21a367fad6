import assert from 'node:assert/strict'
import { NO_DISTANCE, SYSTEM_DISTANCE } from '../../../src/index.js'
import { describe, it } from 'node:test'
import {
  codePointLength,
  displayString,
  escapeControlChars,
  formatBytes,
  formatCount,
  formatDistance,
  formatPercent,
  redactString,
  truncate,
} from '../../../src/report/format.js'

describe('formatBytes', () => {
  it('shows exact bytes below 1 KiB', () => {
    assert.equal(formatBytes(0), '0 B')
    assert.equal(formatBytes(1), '1 B')
    assert.equal(formatBytes(1023), '1023 B')
  })
  it('uses binary units with one decimal', () => {
    assert.equal(formatBytes(1024), '1.0 KiB')
    assert.equal(formatBytes(1536), '1.5 KiB')
    assert.equal(formatBytes(10 * 1024 * 1024), '10.0 MiB')
    assert.equal(formatBytes(3.25 * 1024 ** 3), '3.3 GiB')
    assert.equal(formatBytes(5 * 1024 ** 4), '5.0 TiB')
  })
  it('moves to the next unit when rounding reaches 1024', () => {
    assert.equal(formatBytes(1024 * 1024 - 1), '1.0 MiB')
    assert.equal(formatBytes(1024 * 1024 - 40), '1.0 MiB') // 1023.96 KiB rounds to 1024.0
    assert.equal(formatBytes(1024 * 1024 - 60), '1023.9 KiB') // 1023.94 KiB stays
    assert.equal(formatBytes(1023.9 * 1024), '1023.9 KiB')
  })
  it('keeps the sign of deltas', () => {
    assert.equal(formatBytes(-2 * 1024 * 1024), '-2.0 MiB')
    assert.equal(formatBytes(-5), '-5 B')
  })
  it('handles sizes past 2^32', () => {
    assert.equal(formatBytes(2 ** 33), '8.0 GiB')
  })
})

describe('formatDistance', () => {
  it('shows distances from the user roots as numbers, system-only ones as sys+N below the root, the unreachable as none', () => {
    assert.equal(formatDistance(0), '0')
    assert.equal(formatDistance(1234), '1,234')
    assert.equal(formatDistance(NO_DISTANCE), 'none')
    assert.equal(formatDistance(SYSTEM_DISTANCE), 'sys+0')
    assert.equal(formatDistance(SYSTEM_DISTANCE + 3), 'sys+3')
  })
})

describe('formatCount', () => {
  it('groups thousands with commas', () => {
    assert.equal(formatCount(0), '0')
    assert.equal(formatCount(999), '999')
    assert.equal(formatCount(1000), '1,000')
    assert.equal(formatCount(1234567), '1,234,567')
    assert.equal(formatCount(-1234), '-1,234')
    assert.equal(formatCount(2 ** 40), '1,099,511,627,776')
  })
  it('rounds non-integers', () => {
    assert.equal(formatCount(1234.6), '1,235')
  })
})

describe('formatPercent', () => {
  it('has one decimal and survives a zero whole', () => {
    assert.equal(formatPercent(1, 8), '12.5%')
    assert.equal(formatPercent(1, 3), '33.3%')
    assert.equal(formatPercent(5, 0), '0.0%')
  })
})

describe('truncate', () => {
  it('leaves short strings alone', () => {
    assert.equal(truncate('abc', 5), 'abc')
    assert.equal(truncate('abcde', 5), 'abcde')
  })
  it('cuts long strings to the limit, ellipsis included', () => {
    assert.equal(truncate('abcdefgh', 5), 'abcd…')
    assert.equal(codePointLength(truncate('x'.repeat(500))), 60)
  })
  it('never splits a surrogate pair', () => {
    const s = '😀'.repeat(10)
    const t = truncate(s, 4)
    assert.equal(t, '😀😀😀…')
    assert.equal(codePointLength(s), 10)
  })
})

describe('escapeControlChars', () => {
  it('makes newlines, tabs and escape sequences visible', () => {
    assert.equal(escapeControlChars('a\nb\tc\r'), 'a\\nb\\tc\\r')
    assert.equal(escapeControlChars('\u001b[2J'), '\\x1b[2J')
    assert.equal(escapeControlChars('\u2028'), '\\u2028')
    assert.equal(escapeControlChars('plain <div> ü 😀'), 'plain <div> ü 😀')
  })
})

describe('redactString and displayString', () => {
  it('redacts to the length only', () => {
    assert.equal(redactString('hunter2'), '<redacted 7 chars>')
    assert.equal(redactString('x'), '<redacted 1 char>')
    assert.equal(redactString('😀😀'), '<redacted 2 chars>')
  })
  it('escapes then truncates', () => {
    assert.equal(displayString('line1\nline2', 8), 'line1\\n…')
  })
})
