/**
 * `heapscope capture --port` against a real browser: headless Chromium
 * (Debian's chromium) with --remote-debugging-port on a local page that
 * plants 250 PlantedThing objects; two snapshots on an interval, each with
 * exactly what the page planted. One browser start for the whole file, kept
 * off the network by its flags.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { main } from '../../src/cli/main.js'
import { detectSnapshotKind, listTargets, openSnapshot } from '../../src/index.js'
import { fixturePath } from '../helpers/paths.js'
import { Capture } from '../unit/cli/io.js'
import { LiveProcess } from './live-process.js'

const CHROMIUM = process.env.CHROMIUM ?? 'chromium'
const READY_TITLE = 'heapscope capture page ready'
const dir = mkdtempSync(join(tmpdir(), 'heapscope-chromium-'))
let browser: LiveProcess
let port = 0

before(async () => {
  const page = pathToFileURL(fixturePath('programs/capture-page.html')).href
  browser = new LiveProcess(
    CHROMIUM,
    [
      ...(JSON.parse(readFileSync(fixturePath('chromium-flags.json'), 'utf8')) as string[]),
      `--user-data-dir=${join(dir, 'profile')}`,
      '--remote-debugging-port=0',
      page,
    ],
    { detached: true },
  )
  const [, found] = await browser.waitFor('stderr', /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//)
  port = Number(found)
  // Wait for the page's script to have run (it sets the title last). A browser starting on a loaded
  // machine can take many seconds to load the page, or to answer: a deadline, not a count of tries,
  // and a list that did not come in time is asked for again.
  const deadline = Date.now() + 120_000
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const targets = await listTargets('127.0.0.1', port, { timeoutMs: 5000 })
      if (targets.some((t) => t.title === READY_TITLE)) return
      last = targets.map((t) => t.title)
    } catch (err) {
      last = err
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the page did not load within 120 s; last: ${String(last)}`)
})

after(async () => {
  // The browser and every helper it started (they write to the profile until they end), then the folder.
  await browser?.stopGroup()
  rmSync(dir, { recursive: true, force: true })
})

describe('capture --port (headless Chromium)', () => {
  it('picks the page by its title and takes snapshots every interval, each holding what the page planted', async () => {
    const out = join(dir, 'snaps')
    const stdout = new Capture()
    const stderr = new Capture()
    const code = await main(['capture', '--port', String(port), '--target', 'capture page ready', '--every', '100ms', '--count', '2', '-o', out], {
      stdout,
      stderr,
    })
    assert.equal(code, 0, stderr.text)
    const files = stdout.lines
    assert.equal(files.length, 2, stdout.text)
    for (const [i, file] of files.entries()) {
      // A page's files are named after its file name, and the port in place of a pid.
      assert.match(file, new RegExp(`capture-page-port${port}-00${i + 1}-\\d{8}T\\d{6}Z\\.heapsnapshot\\.gz$`))
      const s = await openSnapshot(file)
      assert.equal(detectSnapshotKind(s), 'browser')
      let planted = 0
      for (let n = 0; n < s.nodeCount; n++) if (s.nodeTypeName(n) === 'object' && s.nodeName(n) === 'PlantedThing') planted++
      assert.equal(planted, 250)
    }
    assert.ok(browser.alive, 'the browser keeps running')
  })
})
