/** The UI reducer, without Ink: navigation, drill-down, back, filter, sort, tabs. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { currentFrame, initialState, reduce, type State } from '../../../src/tui/state.js'
import { fromRows, type Screen } from '../../../src/tui/screens.js'

function list(title: string, names: string[], child?: (i: number) => Screen): Screen {
  return {
    title,
    header: [],
    columns: [
      { header: 'Name', align: 'left' },
      { header: 'Size', align: 'right' },
    ],
    ...fromRows(names.map((n, i) => ({ cells: [n, String(i)], sort: [NaN, i], text: n }))),
    open: (row) => (child === undefined ? null : child(row)),
  }
}

const key = (input: string, flags: Record<string, boolean> = {}) => ({ type: 'key' as const, input, key: flags })
const press = (state: State, ...keys: ReturnType<typeof key>[]): State => keys.reduce(reduce, state)

describe('tui reducer', () => {
  const names = Array.from({ length: 100 }, (_, i) => `Item${i}`)
  const start = () =>
    initialState(
      [
        { name: 'One', make: () => list('one', names, (i) => list(`child of ${i}`, ['x', 'y'])) },
        { name: 'Two', make: () => list('two', ['a']) },
      ],
      10,
    )

  it('moves, pages and keeps the selection visible', () => {
    let s = press(start(), key('j'), key('j'), key('', { downArrow: true }))
    assert.equal(currentFrame(s).selected, 3)
    s = press(s, key('', { pageDown: true }))
    assert.equal(currentFrame(s).selected, 12)
    assert.ok(currentFrame(s).top <= 12 && 12 < currentFrame(s).top + 10)
    s = press(s, key('G'))
    assert.equal(currentFrame(s).selected, 99)
    s = press(s, key('g'), key('k'))
    assert.equal(currentFrame(s).selected, 0)
  })

  it('takes keys that arrive in one chunk one by one', () => {
    const s = press(start(), key('jjj'))
    assert.equal(currentFrame(s).selected, 3)
    assert.equal(currentFrame(press(s, key('\r\u007f'))).screen.title, 'one')
    assert.equal(currentFrame(press(s, key('j\r'))).screen.title, 'child of 4')
    assert.equal(press(start(), key('\t\t')).tab, 0)
    assert.equal(press(start(), key('\t\tj')).tab, 0)
  })

  it('opens a row and goes back', () => {
    let s = press(start(), key('j'), key('', { return: true }))
    assert.equal(currentFrame(s).screen.title, 'child of 1')
    s = press(s, key('', { return: true }))
    assert.match(s.message, /nothing to open/)
    s = press(s, key('', { backspace: true }))
    assert.equal(currentFrame(s).screen.title, 'one')
    assert.equal(currentFrame(s).selected, 1)
  })

  it('filters by typed text and sorts by a column', () => {
    let s = press(start(), key('/'), key('Item9'), key('', { return: true }))
    assert.equal(s.editing, false)
    assert.deepEqual(
      currentFrame(s).view.map((r) => names[r]),
      ['Item9', 'Item90', 'Item91', 'Item92', 'Item93', 'Item94', 'Item95', 'Item96', 'Item97', 'Item98', 'Item99'],
    )
    s = press(s, key('s'))
    assert.equal(currentFrame(s).sortColumn, 1)
    assert.equal(names[currentFrame(s).view[0]], 'Item99')
  })

  it('switches tabs, builds each once, and quits', () => {
    let s = press(start(), key('', { tab: true }))
    assert.equal(currentFrame(s).screen.title, 'two')
    s = press(s, key('', { tab: true }))
    assert.equal(currentFrame(s).screen.title, 'one')
    assert.equal(press(s, key('q')).quit, true)
    assert.equal(press(s, key('?')).help, true)
  })
})
