/** The terminal while the UI runs (terminal.ts), on recording streams: what goes in is what comes out. */
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { describe, it } from 'node:test'
import { enterFullScreen } from '../../../src/tui/terminal.js'

class FakeStdout extends EventEmitter {
  columns = 80
  rows = 24
  written = ''
  write(s: string): boolean {
    this.written += s
    return true
  }
}
class FakeStdin extends EventEmitter {
  isTTY = true
  isRaw = true
  setRawMode(raw: boolean): this {
    this.isRaw = raw
    return this
  }
}

describe('tui terminal', () => {
  it('enters the alternate screen with mouse reporting, and leaves it once: main screen, cursor shown, mouse and raw mode off, no listener left', () => {
    const stdout = new FakeStdout()
    const stdin = new FakeStdin()
    const signals = process.listenerCount('SIGTERM')
    const screen = enterFullScreen({ stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream })
    assert.equal(stdout.written, '\u001b[?1049h\u001b[H\u001b[2J\u001b[?1000h\u001b[?1006h')
    assert.equal(process.listenerCount('SIGTERM'), signals + 1)
    stdout.written = ''
    screen.restore()
    screen.restore()
    assert.equal(stdout.written, '\u001b[?1006l\u001b[?1000l\u001b[?1049l\u001b[?25h')
    assert.equal(stdin.isRaw, false)
    assert.equal(process.listenerCount('SIGTERM'), signals)
    assert.equal(stdout.listenerCount('resize'), 0)
  })

  it('suspends on Ctrl-Z: gives the terminal back, stops the process, and takes the terminal again when continued', async () => {
    const stdout = new FakeStdout()
    const stdin = new FakeStdin()
    const sent: string[] = []
    const kill = (signal: NodeJS.Signals): void => {
      sent.push(signal)
      // The shell's fg.
      if (signal === 'SIGTSTP') setImmediate(() => process.emit('SIGCONT', 'SIGCONT'))
    }
    const screen = enterFullScreen({ stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, kill })
    try {
      stdout.written = ''
      await screen.suspend()
      assert.deepEqual(sent, ['SIGTSTP'])
      assert.equal(stdout.written, '\u001b[?1006l\u001b[?1000l\u001b[?1049l\u001b[?25h\u001b[?1049h\u001b[H\u001b[2J\u001b[?1000h\u001b[?1006h')
      assert.equal(stdin.isRaw, true, 'raw mode again')
    } finally {
      screen.restore()
    }
  })

  it('clears the screen when the size changes (Ink then draws on a clean screen), not on a resize event of the same size', () => {
    const stdout = new FakeStdout()
    const screen = enterFullScreen({ stdout: stdout as unknown as NodeJS.WriteStream, stdin: new FakeStdin() as unknown as NodeJS.ReadStream, mouse: false })
    try {
      stdout.written = ''
      stdout.emit('resize')
      assert.equal(stdout.written, '')
      stdout.columns = 200
      stdout.emit('resize')
      assert.equal(stdout.written, '\u001b[H\u001b[2J')
    } finally {
      screen.restore()
    }
    assert.equal(stdout.written, '\u001b[H\u001b[2J\u001b[?1049l\u001b[?25h', 'mouse reporting was never turned on, so not off either')
  })
})
