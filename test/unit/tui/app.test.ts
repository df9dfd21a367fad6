/** The Ink app rendered with ink-testing-library on real snapshots' screens: keys drive the frames, the test polls for each frame (no fixed sleeps). */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createElement } from 'react'
import { render } from 'ink-testing-library'
import { analyzeHeap, CancelledError, findCycles, HeapscopeError, openSnapshot, SYSTEM_DISTANCE, type DiffGroup } from '../../../src/index.js'
import { formatBytes, formatCount } from '../../../src/report/format.js'
import { App, Root, type Loader } from '../../../src/tui/app.js'
import { diffLoader, snapshotLoader } from '../../../src/tui/run.js'
import { HeapContext, type Screen } from '../../../src/tui/screen.js'
import { initialState, startSession, waitingStatus } from '../../../src/tui/state.js'
import { barText } from '../../../src/tui/text.js'
import { cyclesScreen } from '../../../src/tui/views/cycles.js'
import { diffScreen, viewDiff } from '../../../src/tui/views/diff.js'
import { dominatorsScreen } from '../../../src/tui/views/dominators.js'
import { summaryScreen } from '../../../src/tui/views/summary.js'
import { fixturePath } from '../../helpers/paths.js'

const ENTER = '\r'
const RIGHT = '\u001B[C'
const LEFT = '\u001B[D'

async function waitFor(frame: () => string | undefined, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const text = frame() ?? ''
    if (pattern.test(text)) return text
    if (Date.now() > deadline) assert.fail(`frame never showed ${pattern}:\n${text}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Columns a terminal gives a string, by the Unicode East Asian Width ranges the fixture's names use (an independent count). */
function naiveWidth(text: string): number {
  let w = 0
  for (const ch of text) {
    const c = ch.codePointAt(0) as number
    if (c >= 0x300 && c <= 0x36f) continue // combining marks
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xff00 && c <= 0xff60)
        ? 2
        : 1
  }
  return w
}

const loadOptions = { open: openSnapshot, names: {}, color: false }
const startLoading = (files: string[]) => startSession(waitingStatus(files), { columns: 100, rows: 30 })

describe('tui app', () => {
  it('drills from a diff group to a new object, its retainers as a tree and its references', async () => {
    const [before, after] = await Promise.all([
      openSnapshot(fixturePath('example-before.heapsnapshot.gz')),
      openSnapshot(fixturePath('example-after.heapsnapshot.gz')),
    ])
    const h = new HeapContext(after, analyzeHeap(after), {}, 'after')
    const diff = viewDiff(before, after, h.a, undefined)
    const renderPage = diff.groups.find((g) => g.key.startsWith('renderPage ')) as DiffGroup
    const initial = initialState([
      { name: 'Diff', make: () => diffScreen(before, h, undefined, undefined, diff) },
      { name: 'Summary', make: () => summaryScreen(h) },
    ])
    const app = render(createElement(App, { initial, color: false, columns: 100, rows: 30 }))
    try {
      const first = await waitFor(app.lastFrame, /Diff by site/)
      // Script paths without the directory all the sites share, cut in the middle when too long.
      const row = first.split('\n').find((l) => l.startsWith('renderPage '))
      assert.deepEqual(row?.split(/ {2,}/), [
        'renderPage example-server.cjs:20:20',
        formatCount(renderPage.newCount),
        formatBytes(renderPage.newSize),
        formatCount(renderPage.freedCount),
        `+${formatBytes(renderPage.netSize)}`,
        formatBytes(renderPage.retainedSize),
        // its share of the growth, a bar of 8 columns at 100
        barText(renderPage.netSize / diff.groups.reduce((sum, g) => sum + Math.max(0, g.netSize), 0), 8),
      ])
      assert.match(first, /Net↓/)
      app.stdin.write(ENTER)
      const group = await waitFor(app.lastFrame, /New objects of renderPage/)
      assert.match(group, /^at renderPage \S*fixtures\/programs\/example-server\.cjs:20:20$/m, 'the group header keeps the whole path')
      // Every new object of the group is listed (not the largest five): ids that the before snapshot does not have.
      assert.match(group, new RegExp(`1/${formatCount(renderPage.newCount)}$`, 'm'))
      assert.ok(renderPage.newCount > 5)
      assert.ok(renderPage.largestNew.every((n) => before.ordinalOfId(after.nodeId[n]) < 0))
      app.stdin.write(ENTER)
      const object = await waitFor(app.lastFrame, /Retainers of Response @\d+/)
      assert.match(object, /path 1: .*responseCache -> Map @\d+ .*-> Response @\d+/)
      // The retainer of a Map entry: the table array; → opens it, showing who holds the table.
      assert.match(object, /^▸ \{\d+\} in \(array\) @\d+/m)
      app.stdin.write(RIGHT)
      const expanded = await waitFor(app.lastFrame, /^▾ /m)
      assert.match(expanded, /^▾ \{\d+\} in \(array\) @\d+[^\n]*\n {2}[▸ ] \{table\} in Map @\d+/m)
      app.stdin.write(LEFT)
      await waitFor(app.lastFrame, /^▸ \{\d+\} in \(array\)/m)
      app.stdin.write('r')
      const refs = await waitFor(app.lastFrame, /References of Response @\d+/)
      assert.match(refs, /path 1: /, 'the paths stay on top')
      app.stdin.write('\t')
      await waitFor(app.lastFrame, /\[Summary\]/)
      app.stdin.write('/')
      app.stdin.write('Request')
      const filtered = await waitFor(app.lastFrame, /\/Request▏/)
      assert.match(filtered, /^Request\s+1,200/m)
      app.stdin.write(ENTER)
      app.stdin.write(ENTER)
      await waitFor(app.lastFrame, /Request: 1,200 instances/)
    } finally {
      app.unmount()
    }
  })

  it('aligns columns by display width: CJK and Hangul names take two columns a character, a combining accent none', async () => {
    const s = await openSnapshot(fixturePath('cjk-names.heapsnapshot.gz'))
    const h = new HeapContext(s, analyzeHeap(s), {}, 'cjk')
    const initial = initialState([{ name: 'Summary', make: () => summaryScreen(h) }])
    const app = render(createElement(App, { initial, color: false, columns: 80, rows: 250 }))
    try {
      const frame = await waitFor(app.lastFrame, /用户会话/)
      const row = /^.+? +[\d,]+(?= +\d[\d.]* (?:B|KiB|MiB) +\d[\d.]* (?:B|KiB|MiB))/
      const rows = frame.split('\n').filter((l) => row.test(l))
      for (const name of ['用户会话', '缓存条目', '한국어객체', 'Cafe\u0301', 'セッション管理'])
        assert.ok(
          rows.some((l) => l.startsWith(name + ' ')),
          `a row for ${name}`,
        )
      assert.ok(rows.length > 20, frame)
      // The Count column ends at the same screen column on every row.
      const countEnds = rows.map((l) => naiveWidth((row.exec(l) as RegExpExecArray)[0]))
      assert.equal(new Set(countEnds).size, 1, `Count ends at ${countEnds.join(', ')}:\n${rows.join('\n')}`)
      for (const l of frame.split('\n')) assert.ok(naiveWidth(l) <= 79, `wider than 79 columns: ${l}`)
    } finally {
      app.unmount()
    }
  })
})

describe('tui diff of snapshots without allocation traces', () => {
  it('b steps through the groupings that need no traces (class, constructor); the tracking note wraps at 80 columns; system-only distances read sys+N', async () => {
    const [before, after] = await Promise.all([
      openSnapshot(fixturePath('leak-plain-before.heapsnapshot.gz')),
      openSnapshot(fixturePath('leak-plain-after.heapsnapshot.gz')),
    ])
    const h = new HeapContext(after, analyzeHeap(after), {}, 'after')
    const byConstructor = viewDiff(before, after, h.a, 'constructor')
    const initial = initialState([
      { name: 'Diff', make: () => diffScreen(before, h, undefined) },
      { name: 'Dominators', make: () => dominatorsScreen(h) },
      { name: 'Cycles', make: () => cyclesScreen(h), busy: 'searching the heap for cycles' },
    ])
    const rows = 24
    const app = render(createElement(App, { initial, color: false, columns: 80, rows }))
    try {
      const first = await waitFor(app.lastFrame, /Diff by class \(b: by constructor\)/)
      // The note is word-wrapped, not cut: its words follow each other over the lines, and the frame still fills the terminal to its status line.
      const lines = first.split('\n')
      const start = lines.findIndex((l) => l.startsWith('Allocation tracking was off'))
      assert.ok(start > 0, first)
      const note = lines.slice(start, start + 3).join(' ')
      assert.match(
        note,
        /^Allocation tracking was off, so objects are grouped by class\. To group by allocating function, take the snapshots with `node --track-heap-objects`/,
      )
      for (const l of lines) assert.ok(naiveWidth(l) <= 79, `wider than 79 columns: ${l}`)
      assert.equal(lines.length, rows - 1, first)
      assert.match(lines[rows - 2], /1\/[\d,]+$/)
      // A group as large in both (new as many bytes as freed) changed by 0 B, not +0 B.
      const even = viewDiff(before, after, h.a, 'class').groups.find((g) => g.key === 'Node / std::basic_string') as DiffGroup
      assert.equal(even.netSize, 0)
      assert.equal(lines.find((l) => l.startsWith('Node / std::basic_string '))?.split(/ {2,}/)[4], '0 B')
      assert.doesNotMatch(first, /\+0 B/)
      app.stdin.write('b')
      const grouped = await waitFor(app.lastFrame, /Diff by constructor \(b: by class\)/)
      assert.match(grouped, /grouped by constructor/)
      assert.match(grouped, new RegExp(`1/${formatCount(byConstructor.groups.length)}$`, 'm'))
      // The class defined in the program reads with where it is defined, as the library groups it.
      const leaky = byConstructor.groups.find((g) => g.key.startsWith('LeakyThing ')) as DiffGroup
      assert.match(leaky.key, /leaky-app\.cjs:\d+/)
      app.stdin.write('/')
      app.stdin.write('LeakyThing')
      const row = (await waitFor(app.lastFrame, /\/LeakyThing▏/)).split('\n').find((l) => l.startsWith('LeakyThing '))
      assert.deepEqual(row?.split(/ {2,}/).slice(1, 3), [formatCount(leaky.newCount), formatBytes(leaky.newSize)])
      app.stdin.write(ENTER)
      app.stdin.write('b')
      await waitFor(app.lastFrame, /Diff by class \(b: by constructor\)/)
      app.stdin.write('\t')
      const tree = await waitFor(app.lastFrame, /Dominator tree[\s\S]*\(GC roots\)/)
      // (GC roots) hangs off the root: one edge below it, held by no user root.
      const gcRow = tree.split('\n').find((l) => l.includes('(GC roots) @'))
      let gc = 0
      while (h.s.nodeName(gc) !== '(GC roots)') gc++
      assert.equal(h.a.distance[gc], SYSTEM_DISTANCE + 1)
      assert.match(gcRow ?? '', /\s+sys\+1\s+0 B\s/)
      assert.doesNotMatch(tree, /\s-\s/, 'no distance shown as a bare -')
      // A view that searches the whole heap says so first, then shows what it found.
      const drawn = app.frames.length
      app.stdin.write('\t')
      const cycles = await waitFor(app.lastFrame, /\[Cycles\][\s\S]*groups? of objects that reference each other/)
      assert.match(cycles, new RegExp(`1/${formatCount(findCycles(h.s, h.a, null, { top: 1000 }).groups.length)}$`, 'm'))
      const waiting = app.frames.slice(drawn).find((f) => /\[Cycles\]/.test(f) && /^searching the heap for cycles…$/m.test(f))
      assert.ok(waiting !== undefined, 'a frame said the view was being built')
      assert.match(waiting, /searching the heap for cycles: this takes a while on a big heap…/)
    } finally {
      app.unmount()
    }
  })
})

describe('tui loading', () => {
  const file = fixturePath('node-basic.heapsnapshot.gz')

  /** The UI loading `file` with `loaderOptions`, and every phase its loader reported. */
  function renderLoading(loaderOptions: Parameters<typeof snapshotLoader>[1]): { app: ReturnType<typeof render>; phases: Set<string> } {
    const phases = new Set<string>()
    const inner = snapshotLoader(file, loaderOptions)
    const load: Loader = (report, signal) =>
      inner((files) => {
        for (const f of files) phases.add(f.phase)
        report(files)
      }, signal)
    const app = render(createElement(Root, { start: startLoading([file]), load, color: false, onLoadError: (err: unknown) => assert.fail(String(err)) }))
    return { app, phases }
  }
  it('shows a progress line per file while loading, then the Summary; a key right at the first frame is not lost; the Dominators view expands and collapses', async () => {
    const { app, phases } = renderLoading(loadOptions)
    try {
      await waitFor(app.lastFrame, /\[Summary\]/)
      // At once: the browser reads keys from its first frame.
      app.stdin.write('\t')
      assert.ok(
        app.frames.some((f) => /heapscope: loading/.test(f) && f.includes('node-basic.heapsnapshot.gz')),
        'a loading frame named the file',
      )
      for (const p of ['reading', 'dominators', 'retained sizes', 'summary']) assert.ok(phases.has(p), `phase ${p} was reported`)
      const tree = await waitFor(app.lastFrame, /Dominator tree/)
      // The root's children, largest first; the first one has children of its own.
      const firstRow = tree.split('\n').find((l) => l.includes('▸ '))
      assert.ok(firstRow !== undefined, `a collapsed row in:\n${tree}`)
      app.stdin.write('e')
      const expanded = await waitFor(app.lastFrame, /▾ /)
      assert.match(expanded, /▾ .*\n {2}[▸ ] \S/, 'children are indented under the expanded row')
      app.stdin.write(LEFT) // ←: collapses the expanded row, does not go back
      await waitFor(app.lastFrame, /^(?![\s\S]*▾ )[\s\S]*Dominator tree/)
    } finally {
      app.unmount()
    }
  })

  it('keys typed while loading are played into the browser once it opens', async () => {
    let release = (): void => {}
    const gate = new Promise<void>((r) => (release = r))
    const inner = snapshotLoader(file, loadOptions)
    const load: Loader = async (report, signal) => {
      await gate
      return inner(report, signal)
    }
    const app = render(createElement(Root, { start: startLoading([file]), load, color: false, onLoadError: (err: unknown) => assert.fail(String(err)) }))
    try {
      await waitFor(app.lastFrame, /heapscope: loading/)
      app.stdin.write('/')
      app.stdin.write('Leaf')
      app.stdin.write(ENTER)
      release()
      const summary = await waitFor(app.lastFrame, /filter: Leaf/)
      assert.match(summary, /^Leaf\s+1,000/m)
    } finally {
      app.unmount()
    }
  })

  it('loads in a worker thread when no opener is given: the same Summary, and an abort ends it', async () => {
    const { app, phases } = renderLoading({ names: {}, color: false })
    try {
      const summary = await waitFor(app.lastFrame, /\[Summary\]/)
      assert.match(summary, /Leaf\s+1,000/)
      for (const p of ['reading', 'dominators', 'distances']) assert.ok(phases.has(p), `phase ${p} came from the worker`)
    } finally {
      app.unmount()
    }
    const controller = new AbortController()
    const loading = snapshotLoader(file, { names: {}, color: false })(() => controller.abort(new CancelledError()), controller.signal)
    await assert.rejects(loading, CancelledError)
  })

  it('a worker load of a bad file fails with the same error as the library', async () => {
    const missing = fixturePath('no-such.heapsnapshot')
    const expected = await openSnapshot(missing).then(
      () => assert.fail('it opened'),
      (err: unknown) => err as Error,
    )
    const failure = await snapshotLoader(missing, { names: {}, color: false })(() => {}, new AbortController().signal).catch((err: unknown) => err as Error)
    assert.ok(failure instanceof HeapscopeError)
    assert.equal(failure.message, expected.message)
  })

  it('Ctrl-C while loading cancels the load with a CancelledError', async () => {
    let failure: unknown
    // Reads in 256-byte chunks, so it is still reading when the key arrives.
    const slow = { ...loadOptions, open: ((file, o) => openSnapshot(file, { ...o, chunkSize: 256 })) as typeof openSnapshot }
    const files = [fixturePath('example-before.heapsnapshot.gz'), fixturePath('example-after.heapsnapshot.gz')]
    const onLoadError = (err: unknown): void => {
      failure = err
    }
    const app = render(createElement(Root, { start: startLoading(files), load: diffLoader(files, undefined, slow), color: false, onLoadError }))
    try {
      await waitFor(app.lastFrame, /reading\s+.*example-before/)
      app.stdin.write('\u0003')
      const deadline = Date.now() + 60_000
      while (failure === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      assert.ok(failure instanceof CancelledError, `the load failed with ${String(failure)}`)
    } finally {
      app.unmount()
    }
  })
})

describe('tui big lists', () => {
  it('a million-row list formats only the rows on screen, and filters and sorts it', async () => {
    const size = 1_000_000
    let formatted = 0
    const screen: Screen = {
      title: 'A million',
      header: [],
      columns: [
        { header: 'Name', align: 'left' },
        { header: 'Size', align: 'right' },
      ],
      size,
      cells: (i) => {
        formatted++
        return [`row ${i}`, String(i % 1000)]
      },
      sortValue: (i, c) => (c === 1 ? i % 1000 : NaN),
      text: (i) => `row ${i}`,
      open: () => null,
    }
    const initial = initialState([{ name: 'Big', make: () => screen }])
    const app = render(createElement(App, { initial, color: false, columns: 100, rows: 30 }))
    try {
      await waitFor(app.lastFrame, /1\/1,?000,?000/)
      app.stdin.write('G')
      await waitFor(app.lastFrame, /row 999999/)
      app.stdin.write('s')
      await waitFor(app.lastFrame, /Size↓/)
      app.stdin.write('g')
      await waitFor(app.lastFrame, /^row 999\s+999/m)
      assert.ok(formatted < 500, `formatted ${formatted} rows for a few frames of ~20`)
      app.stdin.write('/')
      app.stdin.write('row 12345')
      await waitFor(app.lastFrame, /\/11\b/) // row 12345 and row 123450..123459
    } finally {
      app.unmount()
    }
  })
})
