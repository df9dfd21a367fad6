/** The Ink app rendered with ink-testing-library on a real snapshot's screens: keys drive the frames. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createElement } from 'react'
import { render } from 'ink-testing-library'
import { analyzeHeap, CancelledError, HeapscopeError, openSnapshot } from '../../../src/index.js'
import { App, Root, type Loader } from '../../../src/tui/app.js'
import { diffLoader, snapshotLoader } from '../../../src/tui/run.js'
import { diffScreen, HeapContext, summaryScreen, type Screen } from '../../../src/tui/screens.js'
import { initialState } from '../../../src/tui/state.js'
import { fixturePath } from '../../helpers/paths.js'

const ENTER = '\r'
const DOWN = '\u001B[B'

async function waitFor(frame: () => string | undefined, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const text = frame() ?? ''
    if (pattern.test(text)) return text
    if (Date.now() > deadline) assert.fail(`frame never showed ${pattern}:\n${text}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('tui app', () => {
  it('drills from a diff group to a new object and its retainer path', async () => {
    const [before, after] = await Promise.all([
      openSnapshot(fixturePath('example-before.heapsnapshot.gz')),
      openSnapshot(fixturePath('example-after.heapsnapshot.gz')),
    ])
    const h = new HeapContext(after, analyzeHeap(after), {}, 'after')
    const initial = initialState(
      [
        { name: 'Diff', make: () => diffScreen(before, h, undefined) },
        { name: 'Summary', make: () => summaryScreen(h) },
      ],
      20,
    )
    const app = render(createElement(App, { initial, color: false, columns: 120, rows: 30 }))
    try {
      const first = await waitFor(app.lastFrame, /Diff by site/)
      assert.match(first, /renderPage .*example-/)
      app.stdin.write(ENTER)
      await waitFor(app.lastFrame, /New objects of renderPage/)
      app.stdin.write(ENTER)
      const object = await waitFor(app.lastFrame, /References of Response @\d+/)
      assert.match(object, /path 1: .*responseCache -> Map @\d+ .*-> Response @\d+/)
      app.stdin.write('\t')
      await waitFor(app.lastFrame, /\[Summary\]/)
      app.stdin.write('/')
      app.stdin.write('Request')
      const filtered = await waitFor(app.lastFrame, /filter: Request/)
      assert.match(filtered, /Request\s+1,200/)
      app.stdin.write(ENTER)
      app.stdin.write(DOWN)
      app.stdin.write(ENTER)
      await waitFor(app.lastFrame, /Request: 1,200 instances/)
    } finally {
      app.unmount()
    }
  })
})

describe('tui loading', () => {
  const options = { open: openSnapshot, names: {}, color: false }
  const file = fixturePath('node-basic.heapsnapshot.gz')

  /** The UI loading `file` with `loaderOptions`, and every phase its loader reported. */
  function renderLoading(loaderOptions: Parameters<typeof snapshotLoader>[1]): { app: ReturnType<typeof render>; phases: Set<string> } {
    const phases = new Set<string>()
    const inner = snapshotLoader(file, loaderOptions, 20)
    const load: Loader = (report, signal) =>
      inner((files) => {
        for (const f of files) phases.add(f.phase)
        report(files)
      }, signal)
    const app = render(
      createElement(Root, { load, initialFiles: [], color: false, columns: 120, rows: 30, onLoadError: (err: unknown) => assert.fail(String(err)) }),
    )
    return { app, phases }
  }

  it('shows a progress line per file while loading, then the Summary; the Dominators view expands and collapses', async () => {
    const { app, phases } = renderLoading(options)
    try {
      await waitFor(app.lastFrame, /\[Summary\]/)
      assert.ok(
        app.frames.some((f) => /heapscope: loading/.test(f) && f.includes('node-basic.heapsnapshot.gz')),
        'a loading frame named the file',
      )
      for (const p of ['reading', 'dominators', 'retained sizes', 'summary']) assert.ok(phases.has(p), `phase ${p} was reported`)
      // The key handlers attach in an effect after the first frame of the loaded UI.
      await new Promise((r) => setTimeout(r, 50))
      app.stdin.write('\t')
      const tree = await waitFor(app.lastFrame, /Dominator tree/)
      // The root's children, largest first; the first one has children of its own.
      const firstRow = tree.split('\n').find((l) => l.includes('▸ '))
      assert.ok(firstRow !== undefined, `a collapsed row in:\n${tree}`)
      const rowsBefore = tree.split('\n').length
      app.stdin.write('e')
      const expanded = await waitFor(app.lastFrame, /▾ /)
      assert.match(expanded, /▾ .*\n {2}[▸ ] \S/, 'children are indented under the expanded row')
      app.stdin.write('\u001B[D') // ←: collapses the expanded row, does not go back
      const collapsed = await waitFor(app.lastFrame, /^(?![\s\S]*▾ )[\s\S]*Dominator tree/)
      assert.equal(collapsed.split('\n').length, rowsBefore)
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
    const loading = snapshotLoader(file, { names: {}, color: false }, 20)(() => controller.abort(new CancelledError()), controller.signal)
    await assert.rejects(loading, CancelledError)
  })

  it('a worker load of a bad file fails with the same error as the library', async () => {
    const missing = fixturePath('no-such.heapsnapshot')
    const expected = await openSnapshot(missing).then(
      () => assert.fail('it opened'),
      (err: unknown) => err as Error,
    )
    const failure = await snapshotLoader(missing, { names: {}, color: false }, 20)(() => {}, new AbortController().signal).catch((err: unknown) => err as Error)
    assert.ok(failure instanceof HeapscopeError)
    assert.equal(failure.message, expected.message)
  })

  it('Ctrl-C while loading cancels the load with a CancelledError', async () => {
    let failure: unknown
    // Reads in 256-byte chunks, so it is still reading when the key arrives.
    const slow = { ...options, open: ((file, o) => openSnapshot(file, { ...o, chunkSize: 256 })) as typeof openSnapshot }
    const inner = diffLoader([fixturePath('example-before.heapsnapshot.gz'), fixturePath('example-after.heapsnapshot.gz')], undefined, slow, 20)
    const onLoadError = (err: unknown): void => {
      failure = err
    }
    const app = render(createElement(Root, { load: inner, initialFiles: [], color: false, columns: 120, rows: 30, onLoadError }))
    try {
      await waitFor(app.lastFrame, /reading\s+.*example-before/)
      app.stdin.write('\u0003')
      const deadline = Date.now() + 10_000
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
    const initial = initialState([{ name: 'Big', make: () => screen }], 20)
    const app = render(createElement(App, { initial, color: false, columns: 100, rows: 30 }))
    try {
      await waitFor(app.lastFrame, /1\/1,?000,?000/)
      app.stdin.write('G')
      await waitFor(app.lastFrame, /row 999999/)
      app.stdin.write('s')
      await waitFor(app.lastFrame, /Size↓/)
      assert.match(app.lastFrame() ?? '', /row 999\s+999/)
      assert.ok(formatted < 500, `formatted ${formatted} rows for a few frames of ~20`)
      app.stdin.write('/')
      app.stdin.write('row 12345')
      await waitFor(app.lastFrame, /\/11\b/) // row 12345 and row 123450..123459
    } finally {
      app.unmount()
    }
  })
})
