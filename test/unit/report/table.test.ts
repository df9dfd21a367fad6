import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderTable } from '../../../src/report/table.js'
import { renderMarkdownTable, escapeMarkdown } from '../../../src/report/markdown.js'

describe('renderTable', () => {
  it('aligns text left and numbers right, with thousands separators', () => {
    const out = renderTable(
      [{ header: 'Class' }, { header: 'Count' }, { header: 'Size', align: 'right' }],
      [
        ['Foo', 1200, '1.0 KiB'],
        ['LongerName', 3, '12 B'],
      ],
    )
    assert.equal(out, ['Class       Count     Size', '----------  -----  -------', 'Foo         1,200  1.0 KiB', 'LongerName      3     12 B', ''].join('\n'))
  })

  it('shrinks the text column to the width limit and keeps numbers whole', () => {
    const rows = [['x'.repeat(50), 123456789]]
    const out = renderTable([{ header: 'Name', minWidth: 10 }, { header: 'Count' }], rows, { maxWidth: 30 })
    const lines = out.trimEnd().split('\n')
    for (const line of lines) assert.ok(line.length <= 30, `${JSON.stringify(line)} is wider than 30`)
    assert.match(lines[2], /^x{16}… {2}123,456,789$/)
  })

  it('prints wider than the limit rather than cut below minWidth or cut numbers', () => {
    const out = renderTable([{ header: 'Name', minWidth: 10 }, { header: 'Count' }], [['abcdefghijklmnop', 1]], { maxWidth: 5 })
    assert.match(out, /abcdefghi… {2}/)
  })

  it('escapes control characters so a heap string cannot break a row', () => {
    const out = renderTable([{ header: 'Name' }], [['a\nb\u001b[2J']])
    assert.equal(out.split('\n').length, 4)
    assert.ok(!out.includes('\u001b'))
    assert.ok(out.includes('a\\nb\\x1b[2J'))
  })

  it('renders a header only for no rows', () => {
    assert.equal(renderTable([{ header: 'A' }, { header: 'B' }], []), 'A  B\n-  -\n')
  })
})

describe('renderMarkdownTable', () => {
  it('renders aligned columns and escapes cells', () => {
    const out = renderMarkdownTable([{ header: 'Class' }, { header: 'Count' }], [['<div>|x', 1200]])
    assert.equal(out, '| Class | Count |\n| :--- | ---: |\n| \\<div\\>\\|x | 1,200 |\n')
  })
  it('escapes markup characters', () => {
    assert.equal(escapeMarkdown('a*b_c`d[e]'), 'a\\*b\\_c\\`d\\[e\\]')
  })
})
