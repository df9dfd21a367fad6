/** Display widths and cuts (text.ts), and script paths shown short (views/sites.ts). */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { barText, cutEnd, cutMiddle, cutStart, displayWidth, pad, wrapText } from '../../../src/tui/text.js'
import { scriptNamer, siteText } from '../../../src/tui/views/sites.js'

describe('tui text', () => {
  it('measures columns, not code units: CJK two, a combining accent none, control characters replaced', () => {
    assert.equal(displayWidth('用户会话'), 8)
    assert.equal(displayWidth('한국어'), 6)
    assert.equal(displayWidth('Cafe\u0301'), 4)
    assert.equal(displayWidth('abc'), 3)
    assert.equal(cutEnd('a\u001b[2Jb', 10), 'a?[2Jb')
  })

  it('cuts at grapheme boundaries and never past the width', () => {
    assert.equal(cutEnd('用户会话', 5), '用户…')
    assert.equal(cutEnd('用户会话', 8), '用户会话')
    assert.equal(cutEnd('Cafe\u0301 au lait', 5), 'Cafe\u0301…')
    assert.equal(cutStart('用户会话', 5), '…会话')
    assert.equal(pad('用户', 6, 'right'), '  用户')
    assert.equal(pad('用户会话', 4), '用… ', 'a wide character that does not fit leaves a space')
    for (let w = 1; w < 12; w++) assert.ok(displayWidth(cutEnd('用户会话セッション', w)) <= w)
  })

  it('cuts a site in the middle so the file and line stay, keeping the function name while it takes at most half', () => {
    const site = 'renderPage /srv/app/releases/2024-06-01/dist/server/pages.js:20:20'
    assert.equal(cutMiddle(site, 40), 'renderPage /srv/app/rele…/pages.js:20:20')
    assert.equal(displayWidth(cutMiddle(site, 40)), 40)
    assert.equal(cutMiddle(site, 30), 'renderPage /sr…/pages.js:20:20')
    assert.equal(cutMiddle(site, 24), 'renderPage …ges.js:20:20', 'the last segment does not fit with the name: the name and the end')
    assert.equal(cutMiddle(site, 19), '…ver/pages.js:20:20', 'the name would take more than half: the end alone')
    assert.equal(cutMiddle('renderPage example-server.cjs:20:20', 30), 'renderPage …e-server.cjs:20:20')
    assert.equal(cutMiddle('(anonymous) node:internal/validators:176:40', 30), '(anonymous) …validators:176:40')
    assert.equal(cutMiddle('no-spaces-or-slashes-at-all', 10), '…es-at-all')
    // An object's label in a tree: the indentation and marker stay, and so does the id at its end.
    assert.equal(cutMiddle('    ▸ {extension} in system / NativeContext @38261', 30), '    ▸ {extension} …text @38261')
    assert.equal(cutMiddle('▸ /srv/app/node_modules/react-dom/cjs/server.development.js @49219', 40), '▸ …-dom/cjs/server.development.js @49219')
  })

  it('draws bars in eighths of a column, at least an eighth above zero', () => {
    assert.equal(barText(1, 4), '████')
    assert.equal(barText(0.5, 4), '██')
    assert.equal(barText(0.3, 4), '█▎', '9.6 eighths: one column and two eighths')
    assert.equal(barText(-0.5, 4), '██', 'a decrease draws its size')
    assert.equal(barText(0.0001, 4), '▏')
    assert.equal(barText(0, 4), '')
  })
})

describe('tui script names', () => {
  it('shows scripts under the working directory relative to it, others without the directory they share', () => {
    const name = scriptNamer(['/home/me/app/src/a.js', '/srv/lib/x/y.js', '/srv/lib/z.js', 'node:fs', 'file:///srv/lib/w.js'], '/home/me/app')
    assert.equal(name('/home/me/app/src/a.js'), 'src/a.js')
    assert.equal(name('/srv/lib/x/y.js'), 'x/y.js')
    assert.equal(name('/srv/lib/z.js'), 'z.js')
    assert.equal(name('file:///srv/lib/w.js'), 'w.js')
    assert.equal(name('node:fs'), 'node:fs')
    assert.equal(scriptNamer(['/srv/a.js', '/opt/b.js'], '/home')('/srv/a.js'), '/srv/a.js', 'nothing shared but /')
    assert.equal(siteText({ functionName: 'f', scriptName: '/srv/lib/z.js', line: 3, column: 9 }, name), 'f z.js:3:9')
    assert.equal(siteText({ functionName: 'push', scriptName: '', line: 0, column: 0 }, name), 'push')
  })
})

describe('tui wrapped notes', () => {
  it('wraps a note at spaces within the width, cuts a word wider than a line, and cuts the last line it may use', () => {
    assert.deepEqual(wrapText('one two three four', 9, 3), ['one two', 'three', 'four'])
    assert.deepEqual(wrapText('one two three four', 9, 2), ['one two', 'three fo…'])
    assert.deepEqual(wrapText('abcdefghij xy', 4, 5), ['abcd', 'efgh', 'ij', 'xy'])
    assert.deepEqual(wrapText('用户会话 缓存条目', 9, 3), ['用户会话', '缓存条目'])
    assert.deepEqual(wrapText('short', 9, 3), ['short'])
    for (let w = 1; w < 20; w++)
      for (const l of wrapText('Allocation tracking was off, so objects are grouped by class.', w, 9)) assert.ok(displayWidth(l) <= w, `${w}: ${l}`)
    // Nothing is lost when the lines suffice: the words come back in order.
    assert.equal(
      wrapText('Allocation tracking was off, so objects are grouped by class.', 12, 9).join(' '),
      'Allocation tracking was off, so objects are grouped by class.',
    )
  })
})
