/**
 * The terminal UI in a real terminal: tmux (on a server of the test's own,
 * so no other tmux user is touched) runs heapscope at 80x24 and 200x50, the
 * test waits for each screen before it sends the next key, and reads the
 * screen with capture-pane. After each run the shell reports the exit code
 * and whether the terminal's settings are those it had before (raw mode off,
 * echo on); tmux reports whether the alternate screen is off and the cursor
 * visible.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { cliPath, fixturePath, repoRoot } from '../helpers/paths.js'

let dir = ''

/** tmux on a server of this test's own, its socket in the test's temporary folder. */
function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-S', join(dir, 'tmux'), '-f', '/dev/null', ...args], { encoding: 'utf8' })
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * Runs heapscope with `args` in a new tmux session of `columns` x `rows`.
 * The shell notes the terminal's settings first, writes heapscope's pid to
 * a file (sh execs it), and after it says EXITED <code> and TTY-SAME or
 * TTY-CHANGED.
 */
function start(name: string, columns: number, rows: number, args: string[]): void {
  const command = [process.execPath, cliPath, ...args].map(quote).join(' ')
  const script = `saved=$(stty -g); sh -c ${quote(`echo $$ > ${join(dir, `${name}.pid`)}; exec ${command}`)}; echo EXITED $?; [ "$(stty -g)" = "$saved" ] && echo TTY-SAME || echo TTY-CHANGED; sleep 600`
  tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), '-c', repoRoot, script)
}

/** The screen once `shows(screen)` holds; fails after a minute with what the terminal shows. */
async function screenShows(name: string, pattern: RegExp, shows = (screen: string) => pattern.test(screen)): Promise<string> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', name)
    if (shows(screen)) return screen
    if (Date.now() > deadline) assert.fail(`the terminal never showed ${pattern} in a whole frame; it shows:\n${screen}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const lines = (screen: string): string[] => screen.replace(/\n$/, '').split('\n')

/** The end of the status line: the row counter (`1/29,000`), the last thing a frame writes. */
const counter = /\d+\/[\d,]+$/

/**
 * The screen once `pattern` shows in a whole frame of the UI. Ink erases the
 * last frame and writes the next one, top to bottom, in one write, but the
 * pty passes it on in pieces and tmux draws each piece as it comes, so a
 * capture can catch a frame half written: the title already there, the rows
 * or the status line below it not yet, or cut in the middle (under load, one
 * `npm test` run saw the status line as `Enter open · ⌫ back · r cl`). After
 * a resize, Ink first redraws the old frame at the new width, and the UI
 * then lays out for the new height. The frame is whole when the status line
 * ends with its row counter on the last row but one of the pane as it is now.
 */
function frameShows(name: string, pattern: RegExp): Promise<string> {
  return screenShows(name, pattern, (screen) => {
    if (!pattern.test(screen)) return false
    const height = Number(tmux('display', '-p', '-t', name, '#{pane_height}'))
    return counter.test(lines(screen)[height - 2] ?? '')
  })
}

/** The alternate screen is off, the cursor visible, mouse reporting off, and the shell saw its terminal settings back. */
async function assertRestored(name: string, code: number): Promise<void> {
  const screen = await screenShows(name, /TTY-(SAME|CHANGED)/)
  assert.match(screen, new RegExp(`^EXITED ${code}\\nTTY-SAME$`, 'm'))
  assert.equal(tmux('display', '-p', '-t', name, '#{alternate_on} #{cursor_flag} #{mouse_any_flag}').trim(), '0 1 0')
}

describe('heapscope in a terminal', () => {
  // All three start at once: their loading overlaps, and each test then drives its own session.
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'heapscope-tui-'))
    start('diff', 80, 24, ['diff', fixturePath('example-before.heapsnapshot.gz'), fixturePath('example-after.heapsnapshot.gz')])
    start('cjk', 200, 50, [fixturePath('cjk-names.heapsnapshot.gz')])
    const cut = join(dir, 'cut.heapsnapshot.gz')
    writeFileSync(cut, readFileSync(fixturePath('node-basic.heapsnapshot.gz')).subarray(0, 20_000))
    start('bad', 160, 20, [cut])
    start('growth', 80, 24, ['growth', ...[1, 2, 3].map((k) => fixturePath(`growth-plain-${k}.heapsnapshot.gz`))])
    // An interactive shell with job control, as a user's: Ctrl-Z stops the job and fg continues it.
    tmux('new-session', '-d', '-s', 'jobs', '-x', '80', '-y', '24', '-c', repoRoot, 'env PS1=$ HISTFILE=/dev/null bash --norc --noprofile -i')
  })
  after(() => {
    try {
      tmux('kill-server')
    } catch {
      // no session left
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('diff at 80x24: a key sent the moment the view appears is taken; drills to an object; redraws after a resize to 200x50; q restores the terminal', async () => {
    await screenShows('diff', /Diff by site/)
    tmux('send-keys', '-t', 'diff', 'Enter')
    const group = await frameShows('diff', /New objects of renderPage/)
    // Nothing echoed, nothing scrolled: the tab bar is on the first line (and frameShows found the status on the last but one).
    assert.match(lines(group)[0], /^\[Diff\] {2}Summary/)
    assert.equal(lines(group).length, 24)
    assert.equal(lines(group)[23], '')
    tmux('send-keys', '-t', 'diff', 'Enter')
    const object = await frameShows('diff', /Retainers of Response @\d+/)
    assert.match(object, /^path 1: …/m, 'a path too long for 80 columns loses its start, not the object')
    assert.match(object, /^path 1: .*-> Response @\d+$/m)
    for (const l of lines(object)) assert.ok(l.length <= 80, l)

    tmux('resize-window', '-t', 'diff', '-x', '200', '-y', '50')
    const wide = await frameShows('diff', /^path 1: \(GC roots\)|^path 1: [^…]/m)
    const rows = lines(wide)
    assert.equal(rows.length, 50, wide)
    assert.match(rows[0], /^\[Diff\] {2}Summary/)
    assert.equal(rows.filter((l) => /Retainers of Response/.test(l)).length, 1, `one frame, drawn once:\n${wide}`)
    assert.equal(rows[49], '')
    tmux('send-keys', '-t', 'diff', 'q')
    await assertRestored('diff', 0)
  })

  it('a snapshot with CJK class names at 200x50: columns align by display width; Dominators expand; SIGTERM restores the terminal', async () => {
    const summary = await frameShows('cjk', /\[Summary\][\s\S]*用户会话/)
    const row = /^.+? +[\d,]+(?= +\d[\d.]* (?:B|KiB|MiB) +\d[\d.]* (?:B|KiB|MiB))/
    const rows = lines(summary).filter((l) => row.test(l))
    for (const name of ['用户会话', '缓存条目', 'セッション管理'])
      assert.ok(
        rows.some((l) => l.startsWith(name + ' ')),
        `a row for ${name}`,
      )
    // Wide characters take two cells: the Count column ends in the same cell on every row.
    const cells = (s: string): number =>
      [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uff00-\uff60]/.test(ch) ? 2 : /[\u0300-\u036f]/.test(ch) ? 0 : 1), 0)
    const ends = new Set(rows.map((l) => cells((row.exec(l) as RegExpExecArray)[0])))
    assert.equal(ends.size, 1, summary)
    tmux('send-keys', '-t', 'cjk', 'Tab')
    await screenShows('cjk', /\[Dominators\][\s\S]*▸ /)
    tmux('send-keys', '-t', 'cjk', 'e')
    await screenShows('cjk', /▾ .*\n {2}[▸ ] \S/)
    const pid = Number(readFileSync(join(dir, 'cjk.pid'), 'utf8'))
    process.kill(pid, 'SIGTERM')
    await assertRestored('cjk', 143)
  })

  it('growth of three snapshots at 80x24: each group with a sparkline of its counts; b regroups by constructor in the background; a group opens to its objects; Ctrl-C restores the terminal', async () => {
    const screen = await frameShows('growth', /Growth over 3 snapshots by class \(b: by constructor\)/)
    // The program adds 200 Session objects per interval: 200, 400, 600, grown every time (↑).
    assert.match(screen, /^Session .* ▁▅█ ↑ +600 +\+400 /m)
    // The tracking note is wrapped onto the next lines, not cut at 80 columns.
    assert.match(screen, /^Allocation tracking was off, so objects are grouped by class \(or by --by\n/m)
    tmux('send-keys', '-t', 'growth', 'b')
    // Read again by constructor: the class with where the program defines it (growth-app.ts line 20), the same counts.
    const regrouped = await frameShows('growth', /Growth over 3 snapshots by constructor \(b: by class\)/)
    assert.match(regrouped, /^Constructor {2}/m)
    assert.match(regrouped, /^Session .*growth-app\.ts:20:3 +▁▅█ ↑ +600 +\+400 /m)
    tmux('send-keys', '-t', 'growth', '/', 'Session', 'Enter', 'Enter')
    await screenShows('growth', /^600 objects of Session /m)
    tmux('send-keys', '-t', 'growth', 'C-c')
    await assertRestored('growth', 0)
  })

  it('Ctrl-Z in a shell with job control gives the terminal back and stops the job; fg brings the UI back, redrawn', async () => {
    await screenShows('jobs', /^\$/m)
    tmux('send-keys', '-t', 'jobs', '-l', [process.execPath, cliPath, fixturePath('node-basic.heapsnapshot.gz')].map(quote).join(' '))
    tmux('send-keys', '-t', 'jobs', 'Enter')
    const before = await frameShows('jobs', /\[Summary\]/)
    tmux('send-keys', '-t', 'jobs', 'C-z')
    // The shell reports the stopped job on its own screen: the UI left the alternate screen, showed the cursor, stopped the mouse.
    const stopped = await screenShows('jobs', /Stopped/)
    assert.doesNotMatch(stopped, /\[Summary\]/)
    assert.equal(tmux('display', '-p', '-t', 'jobs', '#{alternate_on} #{cursor_flag} #{mouse_any_flag}').trim(), '0 1 0')
    tmux('send-keys', '-t', 'jobs', 'fg', 'Enter')
    const back = await frameShows('jobs', /\[Summary\][\s\S]*continued at /)
    // The whole frame drawn again as it was, but the status line, which says when it continued.
    assert.deepEqual(lines(back).slice(0, 22), lines(before).slice(0, 22))
    assert.equal(tmux('display', '-p', '-t', 'jobs', '#{alternate_on} #{mouse_any_flag}').trim(), '1 1')
    tmux('send-keys', '-t', 'jobs', 'q')
    await screenShows('jobs', /^\$ *$/m, (screen) => !/\[Summary\]/.test(screen) && /^\$ *$/m.test(screen))
    tmux('send-keys', '-t', 'jobs', 'echo EXITED $?', 'Enter')
    await screenShows('jobs', /^EXITED 0$/m)
    assert.equal(tmux('display', '-p', '-t', 'jobs', '#{alternate_on} #{cursor_flag} #{mouse_any_flag}').trim(), '0 1 0')
  })

  it('a snapshot that cannot be read ends the UI with one error line and exit code 2, the terminal restored', async () => {
    const screen = await screenShows('bad', /EXITED 2/)
    assert.match(screen, /^heapscope: .*cut\.heapsnapshot\.gz: corrupt or truncated gzip data.*\nEXITED 2/m)
    assert.doesNotMatch(screen, /loading/, 'the loading screen was on the alternate screen')
    await assertRestored('bad', 2)
  })
})
