import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { SnapshotSummary } from '../../../src/index.js'
import { renderJson } from '../../../src/report/json.js'
import { renderSummaryMarkdown, renderSummaryText, summaryJson, topClasses } from '../../../src/report/summary.js'

function summary(): SnapshotSummary {
  return {
    nodeCount: 1234567,
    edgeCount: 7654321,
    totalSelfSize: 10 * 1024 * 1024 + 4096,
    extraNativeBytes: 4096,
    hasAllocationTraces: false,
    kind: 'node',
    classes: [
      { name: '(string)', count: 10, selfSize: 6 * 1024 * 1024 },
      { name: 'Foo', count: 1000, selfSize: 3 * 1024 * 1024 },
      { name: 'Bar\nwith\u001b[31m escapes', count: 1000, selfSize: 1024 },
      { name: 'Z'.repeat(100), count: 5, selfSize: 1024 * 1024 - 1024 },
    ],
    warnings: ['3 nodes have an unknown type "mystery"'],
  }
}

describe('summary report', () => {
  it('sorts by size or by count, with total tie-breaks, and cuts to top', () => {
    assert.deepEqual(
      topClasses(summary(), 'size', 0).map((c) => c.count),
      [10, 1000, 5, 1000],
    )
    assert.deepEqual(
      topClasses(summary(), 'count', 2).map((c) => c.name),
      ['Foo', 'Bar\nwith\u001b[31m escapes'],
    )
  })

  it('JSON has the documented fields and full class names', () => {
    const doc = JSON.parse(renderJson(summaryJson(summary(), { file: 'a.heapsnapshot', top: 2, sort: 'count' })))
    assert.deepEqual(Object.keys(doc), [
      'schemaVersion',
      'command',
      'file',
      'kind',
      'nodeCount',
      'edgeCount',
      'totalSelfSize',
      'extraNativeBytes',
      'hasAllocationTraces',
      'warnings',
      'classCount',
      'sort',
      'top',
      'classes',
    ])
    assert.equal(doc.schemaVersion, 1)
    assert.equal(doc.command, 'summary')
    assert.equal(doc.classCount, 4)
    assert.deepEqual(doc.classes, [
      { name: 'Foo', count: 1000, selfSize: 3 * 1024 * 1024 },
      { name: 'Bar\nwith\u001b[31m escapes', count: 1000, selfSize: 1024 },
    ])
  })

  it('text has a header block and an aligned table with human sizes', () => {
    const text = renderSummaryText(summary(), { file: 'a.heapsnapshot', top: 20, sort: 'size' })
    assert.match(text, /^File +a\.heapsnapshot$/m)
    assert.match(text, /^Kind +Node\.js$/m)
    assert.match(text, /^Nodes +1,234,567$/m)
    assert.match(text, /^Edges +7,654,321$/m)
    assert.match(text, /^Total self size +10\.0 MiB \(10,489,856 bytes\)$/m)
    assert.match(text, /^ {2}extra native +4\.0 KiB$/m)
    assert.match(text, /^Warnings +1$/m)
    assert.match(text, /^warning: 3 nodes have an unknown type "mystery"$/m)
    assert.match(text, /^4 classes by self size$/m)
    assert.match(text, /^\(string\) +10 +6\.0 MiB +60\.0%$/m)
    assert.match(text, /^Foo +1,000 +3\.0 MiB +30\.0%$/m)
    // Heap strings: escaped and cut to 60 characters.
    assert.ok(!text.includes('\u001b'))
    assert.ok(text.includes('Bar\\nwith\\x1b[31m escapes'))
    assert.ok(text.includes('Z'.repeat(59) + '…'))
    assert.ok(!text.includes('Z'.repeat(60)))
    // Columns line up: every table row has the size column ending at the same place.
    const rows = text.split('\n').filter((l) => / \d+\.\d%$/.test(l))
    assert.equal(rows.length, 4)
    assert.equal(new Set(rows.map((r) => r.length)).size, 1)
  })

  it('text says "Top N of M" when cut, and honours the width limit', () => {
    const text = renderSummaryText(summary(), { file: 'a', top: 1, sort: 'size', maxWidth: 40 })
    assert.match(text, /^Top 1 of 4 classes by self size$/m)
    const table = text.slice(text.indexOf('Class'))
    for (const line of table.trimEnd().split('\n')) assert.ok(line.length <= 40, line)
  })

  it('colours headings only when asked', () => {
    assert.ok(!renderSummaryText(summary(), { file: 'a', top: 1, sort: 'size' }).includes('\u001b['))
    assert.ok(renderSummaryText(summary(), { file: 'a', top: 1, sort: 'size', color: true }).includes('\u001b[1m'))
  })

  it('--redact hides quoted strings in warnings', () => {
    const s = summary()
    s.warnings = ['string "hunter2" at node 5 is odd']
    const text = renderSummaryText(s, { file: 'a', top: 1, sort: 'size', redact: true })
    assert.ok(!text.includes('hunter2'))
    assert.ok(text.includes('string <redacted 7 chars> at node 5'))
  })

  it('Markdown has a field table and a class table', () => {
    const md = renderSummaryMarkdown(summary(), { file: 'a.heapsnapshot', top: 2, sort: 'size' })
    assert.match(md, /^\| Nodes \| 1,234,567 \|$/m)
    assert.match(md, /^\| \\\(string\\\)|^\| \(string\) \| 10 \| 6\.0 MiB \| 60\.0% \|$/m)
    assert.match(md, /^\*\*Top 2 of 4 classes by self size\*\*$/m)
  })
})
