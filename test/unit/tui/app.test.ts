/** The Ink app rendered with ink-testing-library on a real snapshot's screens: keys drive the frames. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createElement } from 'react'
import { render } from 'ink-testing-library'
import { analyzeHeap, openSnapshot } from '../../../src/index.js'
import { App } from '../../../src/tui/app.js'
import { diffScreen, HeapContext, summaryScreen } from '../../../src/tui/screens.js'
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
    const [before, after] = await Promise.all([openSnapshot(fixturePath('example-before.heapsnapshot.gz')), openSnapshot(fixturePath('example-after.heapsnapshot.gz'))])
    const h = new HeapContext(after, analyzeHeap(after), {}, 'after')
    const initial = initialState([{ name: 'Diff', make: () => diffScreen(before, h, undefined) }, { name: 'Summary', make: () => summaryScreen(h) }], 20)
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
