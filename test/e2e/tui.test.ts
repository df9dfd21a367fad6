/**
 * The terminal UI in a real terminal: tmux runs `heapscope diff` on the
 * example pair, and `heapscope <file>`, at 120x36, the test waits for each screen before it sends the
 * next key, and reads the screen with capture-pane.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { cliPath, fixturePath } from '../helpers/paths.js'

let SESSION = `heapscope-e2e-${process.pid}`

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' })
}

/** Runs heapscope with `args` in a new 120x36 tmux session; the shell says EXITED <code> after it. */
function start(name: string, args: string[]): void {
  SESSION = `heapscope-e2e-${process.pid}-${name}`
  const command = [process.execPath, cliPath, ...args].map((a) => `'${a}'`).join(' ')
  tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '36', `${command}; echo EXITED $?; sleep 60`)
}

async function screenShows(pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', SESSION)
    if (pattern.test(screen)) return screen
    if (Date.now() > deadline) assert.fail(`the terminal never showed ${pattern}; it shows:\n${screen}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('heapscope diff in a terminal', () => {
  afterEach(() => {
    try {
      tmux('kill-session', '-t', SESSION)
    } catch {
      // already gone
    }
  })

  it('shows the diff, drills into a group and an object, shows its retainer path, and quits', async () => {
    start('diff', ['diff', fixturePath('example-before.heapsnapshot.gz'), fixturePath('example-after.heapsnapshot.gz')])
    const diff = await screenShows(/Diff by site/)
    // DevTools' shallow sizes: each new Response carries the arrays it owns.
    assert.match(diff, /renderPage .*\+1\.1 MiB/)
    tmux('send-keys', '-t', SESSION, 'Enter')
    await screenShows(/New objects of renderPage/)
    tmux('send-keys', '-t', SESSION, 'Enter')
    const object = await screenShows(/References of Response @\d+/)
    assert.match(object, /path 1: .*responseCache -> Map @\d+ .*-> Response @\d+/)
    tmux('send-keys', '-t', SESSION, 'q')
    await screenShows(/EXITED 0/)
  })
  it('heapscope <file> opens the snapshot: Summary, then the dominator tree, expanded with e', async () => {
    start('open', [fixturePath('node-basic.heapsnapshot.gz')])
    await screenShows(/\[Summary\][\s\S]*Leaf\s+1,000/)
    tmux('send-keys', '-t', SESSION, 'Tab')
    const tree = await screenShows(/\[Dominators\][\s\S]*▸ /)
    assert.match(tree, /Dominator tree/)
    tmux('send-keys', '-t', SESSION, 'e')
    await screenShows(/▾ .*\n {2}[▸ ] \S/)
    tmux('send-keys', '-t', SESSION, 'q')
    await screenShows(/EXITED 0/)
  })
  it('a snapshot that cannot be read ends the UI with one error line and exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heapscope-tui-'))
    const cut = join(dir, 'cut.heapsnapshot.gz')
    writeFileSync(cut, readFileSync(fixturePath('node-basic.heapsnapshot.gz')).subarray(0, 20_000))
    try {
      start('bad', [cut])
      const screen = await screenShows(/EXITED 2/)
      assert.match(screen, /^heapscope: .*cut\.heapsnapshot\.gz: corrupt or truncated gzip data.*\nEXITED 2/m)
      assert.doesNotMatch(screen, /loading/, 'the loading lines are cleared')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
