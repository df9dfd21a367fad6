/** The UI reducers, without Ink: navigation, drill-down, back, filter, sort, tabs, mouse, help, and the session's type-ahead. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { KEYMAP, actionFor, type KeyFlags } from '../../../src/tui/keymap.js'
import { helpLines } from '../../../src/tui/help.js'
import { listHeight, listTop } from '../../../src/tui/layout.js'
import { fromRows, type Screen } from '../../../src/tui/screen.js'
import { currentFrame, initialState, reduce, reduceSession, startSession, waitingStatus, type State } from '../../../src/tui/state.js'

function list(title: string, names: string[], child?: (i: number) => Screen): Screen {
  return {
    title,
    header: [],
    columns: [
      { header: 'Name', align: 'left' },
      { header: 'Size', align: 'right' },
      { header: 'Count', align: 'right' },
    ],
    sort: { column: 1, descending: false },
    ...fromRows(names.map((n, i) => ({ cells: [n, String(i), String(i % 7)], sort: [NaN, i, i % 7], text: n }))),
    open: (row) => (child === undefined ? null : child(row)),
  }
}

/** A key press as Ink reports it, from the key table's notation. */
function press(name: string): { type: 'key'; input: string; key: KeyFlags } {
  const flags: Record<string, keyof KeyFlags> = {
    up: 'upArrow',
    down: 'downArrow',
    left: 'leftArrow',
    right: 'rightArrow',
    pageup: 'pageUp',
    pagedown: 'pageDown',
    home: 'home',
    end: 'end',
    return: 'return',
    escape: 'escape',
    backspace: 'backspace',
    delete: 'delete',
    tab: 'tab',
  }
  if (name in flags) return { type: 'key', input: '', key: { [flags[name]]: true, ...(name === 'escape' ? { meta: true } : {}) } }
  if (name === 'shift+tab') return { type: 'key', input: '', key: { tab: true, shift: true } }
  if (name === 'space') return { type: 'key', input: ' ', key: {} }
  if (name === 'enter') return { type: 'key', input: '\n', key: {} }
  if (name === 'wheelup') return { type: 'key', input: '[<64;10;10M', key: {} }
  if (name === 'wheeldown') return { type: 'key', input: '[<65;10;10M', key: {} }
  if (name === 'click') return { type: 'key', input: '[<0;10;10M', key: {} }
  if (name.startsWith('ctrl+')) return { type: 'key', input: name.slice(5), key: { ctrl: true } }
  return { type: 'key', input: name, key: /^[A-Z]$/.test(name) ? { shift: true } : {} }
}
const typed = (text: string) => ({ type: 'key' as const, input: text, key: {} })
const click = (x: number, y: number) => ({ type: 'key' as const, input: `[<0;${x};${y}M`, key: {} })
const keys = (state: State, ...names: string[]): State => names.reduce((s, n) => reduce(s, press(n)), state)

describe('tui reducer', () => {
  const names = Array.from({ length: 100 }, (_, i) => `Item${i}`)
  // 15 lines: a list of 10 rows (tabs, title, headings, status and a spare line besides)
  const size = { columns: 80, rows: 15 }
  const start = () =>
    initialState(
      [
        { name: 'One', make: () => list('one', names, (i) => list(`child of ${i}`, ['x', 'y'])) },
        { name: 'Two', make: () => list('two', ['a']) },
        { name: 'Three', make: () => list('three', ['b']) },
      ],
      size,
    )
  const selectedName = (s: State) => names[currentFrame(s).view[currentFrame(s).selected]]

  it('moves, pages and keeps the selection visible; Home and End', () => {
    assert.equal(listHeight(0, 15), 10)
    let s = keys(start(), 'j', 'j', 'down')
    assert.equal(currentFrame(s).selected, 3)
    s = keys(s, 'pagedown')
    assert.equal(currentFrame(s).selected, 12)
    assert.ok(currentFrame(s).top <= 12 && 12 < currentFrame(s).top + 10)
    s = keys(s, 'end')
    assert.equal(selectedName(s), 'Item99')
    assert.equal(currentFrame(s).top, 90)
    s = keys(s, 'home', 'k')
    assert.equal(currentFrame(s).selected, 0)
    assert.equal(currentFrame(keys(s, 'G')).selected, 99)
  })

  it('takes keys that arrive in one chunk one by one', () => {
    const s = reduce(start(), typed('jjj'))
    assert.equal(currentFrame(s).selected, 3)
    assert.equal(currentFrame(reduce(s, typed('\r\u007f'))).screen.title, 'one')
    assert.equal(currentFrame(reduce(s, typed('j\r'))).screen.title, 'child of 4')
    assert.equal(reduce(start(), typed('\t\t')).tab, 2)
    // An escape sequence Ink does not know (its escape dropped) is not a run of keys.
    assert.equal(currentFrame(reduce(start(), typed('[99~'))).selected, 0)
  })

  it('opens a row, and goes back with Backspace, Esc or ←', () => {
    for (const back of ['backspace', 'delete', 'escape', 'left']) {
      let s = keys(start(), 'j', 'return')
      assert.equal(currentFrame(s).screen.title, 'child of 1')
      s = keys(s, 'return')
      assert.equal(currentFrame(s).screen.title, 'child of 1', 'a row of the child opens nothing')
      assert.match(s.message, /nothing to open/)
      s = keys(s, back)
      assert.equal(currentFrame(s).screen.title, 'one', back)
      assert.equal(currentFrame(s).selected, 1)
    }
    // Enter sent as \n (a terminal translating CR) opens too.
    assert.equal(currentFrame(keys(start(), 'enter')).screen.title, 'child of 0')
  })

  it('filters by typed text; Enter keeps the filter, Esc cancels it, and a second Esc goes back', () => {
    let s = reduce(keys(start(), '/'), typed('Item9'))
    assert.equal(s.editing, true)
    assert.deepEqual(
      currentFrame(s).view.map((r) => names[r]),
      ['Item9', 'Item90', 'Item91', 'Item92', 'Item93', 'Item94', 'Item95', 'Item96', 'Item97', 'Item98', 'Item99'],
    )
    const kept = keys(s, 'return')
    assert.equal(kept.editing, false)
    assert.equal(currentFrame(kept).view.length, 11)
    assert.equal(currentFrame(kept).filter, 'Item9')
    const cancelled = keys(keys(s, 'down', 'down'), 'escape')
    assert.equal(cancelled.editing, false)
    assert.equal(currentFrame(cancelled).filter, '')
    assert.equal(currentFrame(cancelled).view.length, 100)
    // Esc on a kept filter clears it and keeps the selected row.
    s = keys(kept, 'down', 'escape')
    assert.equal(currentFrame(s).view.length, 100)
    assert.equal(selectedName(s), 'Item90')
    // Typing ignores keys that are not text; Backspace erases, Ctrl-U erases all.
    s = keys(reduce(keys(start(), '/'), typed('Itex')), 'backspace', 'up')
    assert.equal(currentFrame(s).filter, 'Ite')
    assert.equal(currentFrame(keys(s, 'ctrl+u')).filter, '')
  })

  it('n and N go to the next and previous row matching the last filter', () => {
    let s = keys(reduce(keys(start(), '/'), typed('5')), 'return', 'escape')
    assert.equal(s.search, '5')
    assert.equal(currentFrame(s).view.length, 100, 'the filter is gone, its text stays for n')
    s = keys(s, 'home', 'n')
    assert.equal(selectedName(s), 'Item5')
    s = keys(s, 'n', 'n')
    assert.equal(selectedName(s), 'Item25')
    s = keys(s, 'N')
    assert.equal(selectedName(s), 'Item15')
    s = keys(s, 'home', 'N')
    assert.equal(selectedName(s), 'Item95', 'N wraps around')
    assert.match(keys(start(), 'n').message, /no filter/)
  })

  it('s toggles the direction; < and > choose the column (names A to Z, numbers largest first); the selection stays on its row', () => {
    let s = start()
    assert.deepEqual(currentFrame(s).sort, { column: 1, descending: false })
    assert.equal(selectedName(s), 'Item0')
    s = keys(s, 's')
    assert.deepEqual(currentFrame(s).sort, { column: 1, descending: true })
    assert.equal(names[currentFrame(s).view[0]], 'Item99')
    assert.equal(selectedName(s), 'Item0', 'the selected row stays selected')
    assert.match(s.message, /sorted by Size, largest first/)
    s = keys(s, '>')
    assert.deepEqual(currentFrame(s).sort, { column: 2, descending: true })
    // Count is i % 7: the largest (6) first, ties in the screen's order.
    assert.deepEqual(
      currentFrame(s)
        .view.slice(0, 3)
        .map((r) => names[r]),
      ['Item6', 'Item13', 'Item20'],
    )
    s = keys(s, '>')
    assert.deepEqual(currentFrame(s).sort, { column: 0, descending: false })
    // Names sort as people read numbers in them: Item2 before Item10.
    assert.deepEqual(
      currentFrame(s)
        .view.slice(0, 4)
        .map((r) => names[r]),
      ['Item0', 'Item1', 'Item2', 'Item3'],
    )
    assert.equal(names[currentFrame(keys(s, 's')).view[0]], 'Item99')
    assert.deepEqual(currentFrame(keys(s, '<')).sort, { column: 2, descending: true })
  })

  it('Tab and Shift-Tab switch views forwards and backwards, building each once', () => {
    let s = keys(start(), 'tab')
    assert.equal(currentFrame(s).screen.title, 'two')
    s = keys(s, 'shift+tab')
    assert.equal(currentFrame(s).screen.title, 'one')
    s = keys(s, 'shift+tab')
    assert.equal(currentFrame(s).screen.title, 'three')
    const built = s.tabs.map((t) => t.stack)
    s = keys(s, 'tab', 'tab', 'tab')
    assert.equal(s.tab, 2)
    assert.deepEqual(
      s.tabs.map((t) => t.stack?.[0].screen),
      built.map((stack) => stack?.[0].screen),
    )
    assert.equal(keys(s, 'q').quit, true)
    assert.equal(keys(s, 'ctrl+c').quit, true)
  })

  it('the mouse wheel moves three rows; a click selects a row, a second click opens it; a click on a tab switches to it', () => {
    let s = keys(start(), 'wheeldown', 'wheeldown')
    assert.equal(currentFrame(s).selected, 6)
    s = keys(s, 'wheelup')
    assert.equal(currentFrame(s).selected, 3)
    // The list starts on screen line listTop + 1 (1-based): the fifth row is 4 lines below.
    const y = listTop(0, size.rows) + 1 + 4
    s = reduce(s, click(5, y))
    assert.equal(selectedName(s), 'Item4')
    s = reduce(s, click(5, y))
    assert.equal(currentFrame(s).screen.title, 'child of 4')
    // The tab bar: "[One]  Two   Three ": Three starts at column 13 (1-based).
    assert.equal(reduce(start(), click(14, 1)).tab, 2)
    assert.equal(reduce(start(), click(8, 1)).tab, 1)
    // A click below the list, or a release, does nothing.
    assert.equal(currentFrame(reduce(start(), click(5, 15))).selected, 0)
    assert.equal(currentFrame(reduce(start(), { type: 'key', input: `[<0;5;${y}m`, key: {} })).selected, 0)
  })

  it('? opens the help, which scrolls and closes with Esc; a resize keeps the selection in view', () => {
    let s = keys(start(), '?')
    assert.equal(s.help, 0)
    s = keys(s, 'down', 'down')
    assert.equal(s.help, 2)
    s = keys(s, 'end', 'pagedown', 'pagedown', 'pagedown', 'pagedown', 'pagedown', 'pagedown')
    assert.equal(s.help, helpLines().length - (size.rows - 3), 'scrolls to the last page, no further')
    assert.equal(keys(s, 'escape').help, null)
    assert.equal(keys(s, 'q').help, null, 'q closes the help (as in less), Ctrl-C quits')
    assert.equal(keys(s, 'ctrl+c').quit, true)
    // Resize: 30 rows down, then a terminal of 8 lines (a list of 3) keeps row 30 visible.
    s = reduce(keys(start(), ...Array<string>(30).fill('j')), { type: 'resize', columns: 80, rows: 8 })
    assert.equal(s.rows, 8)
    const f = currentFrame(s)
    assert.ok(f.top <= 30 && 30 < f.top + listHeight(0, 8), `top ${f.top}`)
  })

  it('b on a screen built in the background: one job at a time, its notes in the status, its result in place of the screen that asked even after drilling in; a failure is said', () => {
    let runs = 0
    const regrouped = list('regrouped', ['z'])
    const slow: Screen = {
      ...list('growth', names, (i) => list(`child of ${i}`, ['x'])),
      regroupAsync: () => ({
        label: 'grouping by stack',
        run: async () => {
          runs++
          return regrouped
        },
      }),
    }
    let s = initialState([{ name: 'Growth', make: () => slow }], size)
    s = keys(s, 'b')
    assert.equal(s.pending?.screen, slow)
    assert.equal(s.pending?.note, 'starting')
    const job = s.pending?.run
    s = keys(s, 'b')
    assert.equal(s.pending?.run, job, 'a second b starts no second job')
    assert.match(s.message, /^still grouping by stack/)
    s = reduce(s, { type: 'jobNote', note: 'reading b.heapsnapshot (2 of 3) 40%' })
    assert.equal(s.pending?.run, job, 'a note keeps the job')
    s = keys(s, 'return')
    assert.equal(currentFrame(s).screen.title, 'child of 0')
    s = reduce(s, { type: 'jobDone', screen: regrouped })
    assert.equal(s.pending, null)
    assert.equal(currentFrame(s).screen.title, 'child of 0', 'the frame on top stays')
    s = keys(s, 'backspace')
    assert.equal(currentFrame(s).screen, regrouped)
    assert.equal(runs, 0, 'the reducer runs nothing: the app does')
    s = initialState([{ name: 'Growth', make: () => slow }], size)
    s = reduce(keys(s, 'b'), { type: 'jobFailed', message: 'b.heapsnapshot: truncated' })
    assert.equal(s.pending, null)
    assert.equal(s.message, 'grouping by stack failed: b.heapsnapshot: truncated')
  })
})

describe('tui views that fail to build', () => {
  const size = { columns: 80, rows: 15 }

  it("a slow view whose background build fails shows what went wrong in its place, not its 'searching' placeholder; the other views stay usable, and the next visit builds it again", () => {
    let fail = true
    const cycles = list('cycles found', ['Node <-> Node'])
    let s = initialState(
      [
        { name: 'Summary', make: () => list('summary', ['Object', 'Array']) },
        {
          name: 'Cycles',
          make: () => {
            if (fail) throw new Error('out of memory')
            return cycles
          },
          busy: 'searching the heap for cycles',
        },
      ],
      size,
    )
    s = keys(s, 'tab')
    const placeholder = currentFrame(s).screen
    assert.equal(s.pending?.screen, placeholder)
    assert.equal(placeholder.empty, 'searching the heap for cycles…')
    s = reduce(s, { type: 'jobFailed', message: 'out of memory' })
    assert.equal(s.pending, null)
    assert.equal(s.message, 'searching the heap for cycles failed: out of memory')
    const failed = currentFrame(s).screen
    assert.notEqual(failed, placeholder)
    assert.deepEqual(failed.header, ['searching the heap for cycles failed: out of memory'])
    assert.doesNotMatch(failed.empty ?? '', /searching/)
    // The next key clears the status line; the view still says what went wrong.
    s = keys(s, 'j')
    assert.equal(s.message, '')
    assert.deepEqual(currentFrame(s).screen.header, ['searching the heap for cycles failed: out of memory'])
    s = keys(s, 'tab')
    assert.equal(currentFrame(s).screen.title, 'summary')
    assert.equal(currentFrame(keys(s, 'j')).selected, 1, 'the other view moves')
    fail = false
    s = keys(s, 'tab')
    assert.equal(s.pending?.screen, currentFrame(s).screen, 'back on the failed view: built again, in the background')
    s = reduce(s, { type: 'jobDone', screen: cycles })
    assert.equal(currentFrame(s).screen, cycles)
  })

  it('a view whose build throws at once shows the error in its place instead of ending the UI', () => {
    let s = initialState(
      [
        { name: 'Summary', make: () => list('summary', ['Object']) },
        {
          name: 'Detached',
          make: () => {
            throw new Error('no detachedness field')
          },
        },
      ],
      size,
    )
    s = keys(s, 'tab')
    assert.equal(s.message, 'building Detached failed: no detachedness field')
    assert.deepEqual(currentFrame(s).screen.header, ['building Detached failed: no detachedness field'])
    assert.equal(currentFrame(keys(s, 'tab')).screen.title, 'summary')
  })
})

describe('tui key table', () => {
  it('every key the help lists does what the help says, in its mode', () => {
    for (const b of KEYMAP) {
      for (const k of b.keys) {
        const p = press(k)
        assert.equal(actionFor(b.mode, p.input, p.key), b.action, `${b.mode}: ${k}`)
      }
    }
  })

  it('the help lists every binding and the path notation', () => {
    const help = helpLines().join('\n')
    for (const b of KEYMAP) assert.ok(help.includes(b.description), b.description)
    for (const notation of ['.prop', '[index]', '{name}', '[[name]]']) assert.ok(help.includes(notation), notation)
  })
})

describe('tui session', () => {
  const tabs = [
    { name: 'One', make: () => list('one', ['a', 'b', 'c'], (i) => list(`child of ${i}`, ['x'])) },
    { name: 'Two', make: () => list('two', ['d']) },
  ]

  it('keys typed while loading are played into the browser when it opens', () => {
    let s = startSession(waitingStatus(['a.gz']), { columns: 80, rows: 20 })
    s = reduceSession(s, press('j'))
    s = reduceSession(s, press('return'))
    s = reduceSession(s, { type: 'resize', columns: 120, rows: 40 })
    assert.equal(s.browser, null)
    s = reduceSession(s, { type: 'loaded', state: initialState(tabs) })
    assert.equal(s.loading, null)
    assert.ok(s.browser !== null)
    assert.equal(currentFrame(s.browser).screen.title, 'child of 1')
    assert.equal(s.browser.columns, 120, 'the browser takes the size the session has')
    // A key right after the browser opens goes to it.
    s = reduceSession(s, press('backspace'))
    assert.equal(currentFrame(s.browser as State).screen.title, 'one')
  })

  it('Ctrl-Z asks to suspend, while loading and while browsing; once continued, the status line says so', () => {
    let s = reduceSession(startSession(waitingStatus(['a.gz']), { columns: 80, rows: 20 }), press('ctrl+z'))
    assert.equal(s.suspends, 1)
    assert.deepEqual(s.typeAhead, [], 'not a key for the browser')
    s = reduceSession(s, { type: 'loaded', state: initialState(tabs) })
    s = reduceSession(s, press('ctrl+z'))
    assert.equal(s.suspends, 2)
    s = reduceSession(s, { type: 'resumed', message: 'continued at 12:00:00' })
    assert.equal(s.browser?.message, 'continued at 12:00:00')
  })

  it('q or Ctrl-C while loading cancels; later keys are not kept', () => {
    for (const k of ['q', 'ctrl+c']) {
      let s = reduceSession(startSession(waitingStatus(['a.gz']), { columns: 80, rows: 20 }), press(k))
      assert.equal(s.cancelled, true)
      s = reduceSession(s, press('j'))
      assert.deepEqual(s.typeAhead, [])
    }
  })
})
