/**
 * The terminal UI in a real terminal: tmux runs `heapscope diff` on the
 * example pair at 120x36, the test waits for each screen before it sends the
 * next key, and reads the screen with capture-pane.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, describe, it } from 'node:test'
import { cliPath, fixturePath } from '../helpers/paths.js'

const SESSION = `heapscope-e2e-${process.pid}`

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' })
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
  after(() => {
    try {
      tmux('kill-session', '-t', SESSION)
    } catch {
      // already gone: the app quit and the shell exited
    }
  })

  it('shows the diff, drills into a group and an object, shows its retainer path, and quits', async () => {
    const command = [process.execPath, cliPath, 'diff', fixturePath('example-before.heapsnapshot.gz'), fixturePath('example-after.heapsnapshot.gz')]
      .map((a) => `'${a}'`)
      .join(' ')
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '36', `${command}; echo EXITED $?; sleep 60`)
    const diff = await screenShows(/Diff by site/)
    assert.match(diff, /renderPage .*\+1\.0 MiB/)
    tmux('send-keys', '-t', SESSION, 'Enter')
    await screenShows(/New objects of renderPage/)
    tmux('send-keys', '-t', SESSION, 'Enter')
    const object = await screenShows(/References of Response @\d+/)
    assert.match(object, /path 1: .*responseCache -> Map @\d+ .*-> Response @\d+/)
    tmux('send-keys', '-t', SESSION, 'q')
    await screenShows(/EXITED 0/)
  })
})
