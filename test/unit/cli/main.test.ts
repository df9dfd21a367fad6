import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { commands } from '../../../src/cli/commands/index.js'
import { buildCli, main, withDefaultCommand } from '../../../src/cli/main.js'
import { InputError, SnapshotFormatError, UsageError, type Snapshot } from '../../../src/index.js'
import { testIo } from './io.js'
import { nodeLikeSnapshot } from './tiny-snapshot.js'

const tiny = () => nodeLikeSnapshot().parse()

async function jsonOf(argv: string[]): Promise<string> {
  const io = testIo(tiny)
  await buildCli(argv, io).parseAsync()
  return io.stdout.text
}

async function rejectsWithUsage(argv: string[], pattern: RegExp): Promise<void> {
  const io = testIo(tiny)
  // yargs runs validation synchronously, so a usage error may be thrown by
  // parseAsync() itself rather than reject: wrap it in an async function.
  await assert.rejects(
    async () => buildCli(argv, io).parseAsync(),
    (err: unknown) => {
      assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`)
      assert.equal(err.code, 'E_USAGE')
      assert.match(err.message, pattern)
      return true
    },
  )
  assert.deepEqual(io.opened, [], 'no snapshot is opened after a usage error')
}

describe('buildCli parsing', () => {
  it('runs summary with the defaults', async () => {
    const io = testIo(tiny)
    const args = await buildCli(['summary', 'a.heapsnapshot', '--json'], io).parseAsync()
    assert.deepEqual(io.opened, ['a.heapsnapshot'])
    assert.equal(args.debug, false)
    assert.equal(args.color, true)
    const doc = JSON.parse(io.stdout.text)
    assert.equal(doc.top, 20)
    assert.equal(doc.sort, 'size')
  })

  it('passes - through for stdin (yargs would make it an empty string)', async () => {
    const io = testIo(tiny)
    await buildCli(['summary', '-', '--json'], io).parseAsync()
    assert.deepEqual(io.opened, ['-'])
    assert.equal(JSON.parse(io.stdout.text).file, '-')
  })

  it('refuses - when stdin is a terminal instead of waiting for input', async () => {
    const io = testIo(tiny, { stdinTTY: true })
    assert.equal(await main(['summary', '-'], io), 2)
    assert.match(io.stderr.text, /^heapscope: - reads the snapshot from stdin, but stdin is a terminal/)
    assert.deepEqual(io.opened, [])
  })

  it('accepts --top 0, --top N and --sort count', async () => {
    // 8 classes with a non-zero shallow size: global, process, Foo, (string), {a, b}, (number), Function,
    // (compiled code); the (array) owned by global alone moves its size to global, as in DevTools.
    for (const [top, rows] of [
      ['0', 8],
      ['2', 2],
    ] as const) {
      const io = testIo(tiny)
      await buildCli(['summary', 'a', '--json', '--top', top, '--sort', 'count'], io).parseAsync()
      const doc = JSON.parse(io.stdout.text)
      assert.equal(doc.top, Number(top))
      assert.equal(doc.sort, 'count')
      assert.equal(doc.classes.length, rows)
    }
  })

  it('heapscope <file> is heapscope open <file>; a mistyped command stays a command', async () => {
    assert.deepEqual(withDefaultCommand(['app.heapsnapshot']), ['open', 'app.heapsnapshot'])
    assert.deepEqual(withDefaultCommand(['--no-color', 'x.heapsnapshot.gz']), ['--no-color', 'open', 'x.heapsnapshot.gz'])
    assert.deepEqual(withDefaultCommand(['-']), ['open', '-'])
    assert.deepEqual(withDefaultCommand(['summary', 'a.heapsnapshot']), ['summary', 'a.heapsnapshot'])
    assert.deepEqual(withDefaultCommand(['sumary', 'a']), ['sumary', 'a'])
    assert.deepEqual(withDefaultCommand(['--help']), ['--help'])
    // Not a terminal: the summary, as `open` prints it without one.
    const io = testIo(tiny)
    assert.equal(await main(['a.heapsnapshot'], io), 0)
    assert.deepEqual(io.opened, ['a.heapsnapshot'])
    assert.match(io.stdout.text, /^Nodes +\d/m)
  })

  it('rejects unknown options and commands (strict)', async () => {
    await rejectsWithUsage(['summary', 'a', '--bogus'], /Unknown argument: bogus/)
    await rejectsWithUsage(['summary', 'a', 'b'], /Unknown argument: b/)
    await rejectsWithUsage(['sumary', 'a'], /^Unknown command: sumary\. Did you mean summary\?/)
    await rejectsWithUsage(['frobnicate'], /Unknown argument: frobnicate/)
    await rejectsWithUsage(['summary'], /Not enough non-option arguments/)
  })

  it('validates --top with a message that says what to do', async () => {
    for (const bad of ['-1', 'abc', '2.5', '1e3', '']) {
      await rejectsWithUsage(
        ['summary', 'a', '--top', bad],
        /^--top takes a whole number of classes, 0 or more \(0 = all\); got ".*" \(see heapscope summary --help\)$/,
      )
    }
    await rejectsWithUsage(['summary', 'a', '--top=-1'], /got "-1"/)
    await rejectsWithUsage(['summary', 'a', '--top'], /Not enough arguments following: top/)
  })

  it('names the option that is wrong, and says what it takes', async () => {
    for (const [argv, message] of [
      [['dominators', 'a', '--depth', '1e9'], /^--depth takes a whole number of levels, from 1 to 64; got "1e9" \(see heapscope dominators --help\)$/],
      [['dominators', 'a', '--depth', '-1'], /^--depth takes a whole number of levels, from 1 to 64; got "-1"/],
      [['dominators', 'a', '--width', 'x'], /^--width takes a whole number of children, 0 or more \(0 = all\); got "x"/],
      [
        ['inspect', 'a', '1', '--limit', '-1'],
        /^--limit takes a whole number of edges and retainers, 0 or more \(0 = all\); got "-1" \(see heapscope inspect --help\)$/,
      ],
      [['retainers', 'a', '1', '--paths', '0'], /^--paths takes a whole number of paths, 1 or more; got "0"/],
      [['export', 'a', '1', '-o', 'x', '--max-nodes', '0'], /^--max-nodes takes a whole number of objects, 1 or more; got "0"/],
      [['top', 'a', '--top', '5', '-n', '4'], /^--top takes one whole number of objects/],
    ] as const) {
      await rejectsWithUsage([...argv], message)
    }
  })

  it('takes object ids as DevTools writes them (@1234), and checks them before reading the snapshot', async () => {
    for (const argv of [
      ['inspect', 'a', '@3', '--json'],
      ['retainers', 'a', '@3', '--json'],
      ['dominators', 'a', '--id', '@3', '--json'],
    ]) {
      const io = testIo(tiny)
      assert.equal(await main(argv, io), 0, io.stderr.text)
      const doc = JSON.parse(io.stdout.text)
      assert.equal((doc.object ?? doc.tree).id, 3, argv.join(' ')) // ordinal 1, id 3: (GC roots)
    }
    // Every command with an <id> (the usage line says so) refuses a bad one before opening anything.
    let withId = 0
    for (const { name } of commands) {
      const help = testIo(tiny)
      await main([name, '--help'], help)
      if (!/^heapscope \S+ .*(<id>|\[id\])/m.test(help.stdout.text)) continue
      withId++
      for (const bad of ['abc', '@', '@-1', '1.5', '@@2']) {
        await rejectsWithUsage(
          [name, 'a', bad, '-o', 'x'],
          new RegExp(`^an object id is a whole number, as DevTools shows it \\(1234 or @1234\\); got "${bad}" \\(see heapscope ${name} --help\\)$`),
        )
      }
    }
    assert.ok(withId >= 3, `${withId} commands take an <id>`)
    await rejectsWithUsage(['dominators', 'a', '--id', 'abc'], /^an object id is a whole number/)
  })

  it('one spelling of --top everywhere: -n is its short form', async () => {
    for (const name of ['summary', 'top', 'diff', 'cycles', 'detached']) {
      const help = testIo(tiny)
      await main([name, '--help'], help)
      assert.match(help.stdout.text, /^ {2}-n, --top +[^[]*\[number\] \[default: \d+\]$/m, name)
    }
    const io = testIo(tiny)
    await buildCli(['top', 'a', '--top', '2', '--json'], io).parseAsync()
    assert.equal(JSON.parse(io.stdout.text).objects.length, 2)
  })

  it('shows numeric options as numbers in --help', async () => {
    const help = testIo(tiny)
    await main(['dominators', '--help'], help)
    assert.match(help.stdout.text, /--depth .*\[number\] \[default: 3\]/)
    assert.match(help.stdout.text, /--id .*\s+\[number\]/)
    assert.doesNotMatch(help.stdout.text, /\[default: "/)
  })

  it('summary -- FILE: after --, arguments are files even when they start with -', async () => {
    for (const argv of [
      ['summary', '--json', '--', '-odd.heapsnapshot'],
      ['summary', '--json', '--', '-'],
    ]) {
      const io = testIo(tiny)
      assert.equal(await main(argv, io), 0, io.stderr.text)
      assert.deepEqual(io.opened, [argv[3]])
      assert.equal(JSON.parse(io.stdout.text).file, argv[3])
    }
  })

  it('open and heapscope <file> take --no-tui, --json, --markdown and the summary options', async () => {
    const text = testIo(tiny, { stdoutTTY: true, stdinTTY: true, env: { NO_COLOR: '1' } })
    assert.equal(await main(['open', 'a.heapsnapshot', '--no-tui', '--top', '1'], text), 0, text.stderr.text)
    assert.match(text.stdout.text, /^Top 1 of 8 classes by self size$/m)
    const json = testIo(tiny)
    assert.equal(await main(['a.heapsnapshot', '--json', '--sort', 'count'], json), 0, json.stderr.text)
    assert.equal(JSON.parse(json.stdout.text).sort, 'count')
    const markdown = testIo(tiny)
    assert.equal(await main(['a.heapsnapshot', '--markdown'], markdown), 0)
    assert.match(markdown.stdout.text, /^### heapscope summary/)
  })

  it('summary --sort retained: largest retained size first', async () => {
    const io = testIo(tiny)
    await buildCli(['summary', 'a', '--json', '--top', '0', '--sort', 'retained'], io).parseAsync()
    const classes: { retainedSize: number }[] = JSON.parse(io.stdout.text).classes
    assert.equal(classes.length, 8)
    for (let i = 1; i < classes.length; i++) assert.ok(classes[i - 1].retainedSize >= classes[i].retainedSize)
    assert.notDeepEqual(classes, JSON.parse(await jsonOf(['summary', 'a', '--json', '--top', '0'])).classes)
  })

  it('says sizes in KiB/MiB and counts with their noun (1 object): the diff gate', async () => {
    const before = nodeLikeSnapshot()
    const after = nodeLikeSnapshot()
    // The same heap plus one 2,000-byte object held by the global object (ordinal 2).
    after.edge(2, 'property', 'leak', after.node('object', 'Leak', 2000))
    const io = { ...testIo(tiny), openSnapshot: (file: unknown) => (file === 'b' ? after : before).parse(String(file)) }
    assert.equal(await main(['diff', 'a', 'b', '--by', 'class', '--fail-on-growth', '1KB'], io), 1)
    assert.match(io.stdout.text, /^New 1 object \(2\.0 KiB\), freed 0 \(0 B\), net \+2\.0 KiB$/m)
    assert.equal(io.stderr.text, 'heapscope: net growth of 2.0 KiB is over --fail-on-growth 1.0 KiB\n')
    // Sizes that read the same show their bytes.
    const close = { ...testIo(tiny), openSnapshot: io.openSnapshot }
    assert.equal(await main(['diff', 'a', 'b', '--by', 'class', '--fail-on-growth', '1999', '--json'], close), 1)
    assert.equal(close.stderr.text, 'heapscope: net growth of 2.0 KiB (2,000 B) is over --fail-on-growth 2.0 KiB (1,999 B)\n')
  })

  it('prints a shell completion script, and completes commands', async () => {
    const script = testIo(tiny)
    assert.equal(await main(['completion'], script), 0)
    assert.match(script.stdout.text, /heapscope --get-yargs-completions/)
    const words = testIo(tiny)
    assert.equal(await main(['--get-yargs-completions', 'heapscope', ''], words), 0)
    for (const name of commands.map((c) => c.name)) assert.match(words.stdout.text, new RegExp(`^${name}$`, 'm'))
  })

  it('validates --sort choices and --json/--markdown conflicts', async () => {
    await rejectsWithUsage(['summary', 'a', '--sort', 'name'], /Choices: "size", "count"/)
    await rejectsWithUsage(['summary', 'a', '--json', '--markdown'], /mutually exclusive/)
  })

  it('lets library errors through unchanged for the funnel', async () => {
    const io = testIo(() => Promise.reject(new InputError('gone.heapsnapshot', 'no such file')))
    await assert.rejects(buildCli(['summary', 'gone.heapsnapshot'], io).parseAsync(), InputError)
  })
})

describe('main', () => {
  it('returns 0 and writes only the report to stdout', async () => {
    const io = testIo(tiny)
    assert.equal(await main(['summary', 'a.heapsnapshot'], io), 0)
    assert.equal(io.stderr.text, '')
    assert.match(io.stdout.text, /^File +a\.heapsnapshot$/m)
    assert.match(io.stdout.text, /^Kind +Node\.js$/m)
  })

  it("returns 2 with one stderr line for usage errors, pointing at the command's help", async () => {
    for (const [argv, help] of [
      [['summary', 'a', '--top', '-1'], 'heapscope summary --help'],
      [['summary', 'a', '--nope'], 'heapscope summary --help'],
      [['a.heapsnapshot', '--nope'], 'heapscope open --help'],
      [['frobnicate', 'a'], 'heapscope --help'],
    ] as const) {
      const io = testIo(tiny)
      assert.equal(await main([...argv], io), 2, argv.join(' '))
      assert.equal(io.stderr.lines.length, 1)
      assert.ok(io.stderr.text.startsWith('heapscope: ') && io.stderr.text.endsWith(` (see ${help})\n`), io.stderr.text)
      assert.equal(io.stdout.text, '')
    }
  })

  it('bare heapscope prints the help', async () => {
    const io = testIo(tiny)
    assert.equal(await main([], io), 0)
    assert.match(io.stdout.text, /^heapscope <command> \[options\]/)
    assert.match(io.stdout.text, /heapscope summary <file>/)
    assert.equal(io.stderr.text, '')
  })

  it('returns 2 with one line naming the file for bad input; --debug adds the stack', async () => {
    const error = () => Promise.reject(new SnapshotFormatError('bad.heapsnapshot', 12, "'{'", "'h'"))
    const io = testIo(error)
    assert.equal(await main(['summary', 'bad.heapsnapshot'], io), 2)
    assert.equal(io.stderr.text, "heapscope: bad.heapsnapshot: expected '{' at byte 12, found 'h'\n")
    const debug = testIo(error)
    assert.equal(await main(['summary', 'bad.heapsnapshot', '--debug'], debug), 2)
    assert.match(debug.stderr.lines[0], /^heapscope: bad\.heapsnapshot: expected/)
    assert.ok(debug.stderr.lines.some((l) => l.startsWith('    at ')))
  })

  it('returns 70 for a bug, suggests --debug, prints no stack', async () => {
    const io = testIo(() => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x')")))
    assert.equal(await main(['summary', 'a'], io), 70)
    assert.equal(io.stderr.lines.length, 1)
    assert.match(io.stderr.text, /^heapscope: internal error: Cannot read properties .* run again with --debug/)
  })

  it('prints --help and --version to stdout', async () => {
    const help = testIo(tiny)
    assert.equal(await main(['--help'], help), 0)
    assert.match(help.stdout.text, /heapscope summary <file>/)
    const summaryHelp = testIo(tiny)
    assert.equal(await main(['summary', '--help'], summaryHelp), 0)
    assert.match(summaryHelp.stdout.text, /--top/)
    assert.match(summaryHelp.stdout.text, /Examples:/)
    const version = testIo(tiny)
    assert.equal(await main(['--version'], version), 0)
    assert.match(version.stdout.text, /^\d+\.\d+\.\d+\n$/)
    assert.deepEqual(help.opened, [])
  })

  it('colours only a terminal, and never with --no-color or NO_COLOR', async () => {
    const tty = testIo(tiny, { stdoutTTY: true })
    await main(['summary', 'a'], tty)
    assert.ok(tty.stdout.text.includes('\u001b[1m'))
    for (const [argv, env] of [
      [['summary', 'a', '--no-color'], {}],
      [['summary', 'a'], { NO_COLOR: '1' }],
    ] as const) {
      const io = testIo(tiny, { stdoutTTY: true, env })
      await main([...argv], io)
      assert.ok(!io.stdout.text.includes('\u001b'), `${argv.join(' ')} ${JSON.stringify(env)}`)
    }
    const pipe = testIo(tiny)
    await main(['summary', 'a'], pipe)
    assert.ok(!pipe.stdout.text.includes('\u001b'))
  })

  it('draws progress on a terminal stderr only, and clears it', async () => {
    const tty = testIo(tiny, { stderrTTY: true })
    assert.equal(await main(['summary', 'a.heapsnapshot', '--json'], tty), 0)
    assert.match(tty.stderr.text, /reading a\.heapsnapshot/)
    assert.ok(tty.stderr.text.endsWith('\r\u001b[K'), 'the progress line is cleared at the end')
    JSON.parse(tty.stdout.text)
    const pipe = testIo(tiny)
    assert.equal(await main(['summary', 'a.heapsnapshot', '--json'], pipe), 0)
    assert.equal(pipe.stderr.text, '')
  })
})

/**
 * Strings from the heap (customer data, tokens) and `--redact`: the tiny heap
 * holds three strings `secret-token-0..2`, each kept by a Foo. Every command
 * that names objects is run without `--redact` first, so the test sees the
 * contents it then expects to be hidden.
 */
describe('--redact', () => {
  const SECRET_0_ID = '11' // "secret-token-0", 14 characters (ids are 2 * ordinal + 1)
  /** `after` is `before` plus a new Foo and its new string, kept by global. */
  const withNewSecret = async (): Promise<Snapshot> => {
    const t = nodeLikeSnapshot()
    const foo = t.node('object', 'Foo', 32)
    t.edge(2, 'property', 'fresh', foo).edge(foo, 'property', 'token', t.node('string', 'secret-token-new', 24))
    return t.parse()
  }

  async function run(argv: string[]): Promise<string> {
    const io = testIo(tiny)
    io.openSnapshot = async (path) => (path === 'after' ? withNewSecret() : tiny())
    assert.equal(await main(argv, io), 0, io.stderr.text)
    return io.stdout.text
  }

  it('summary names classes, never string contents, with or without --redact', async () => {
    for (const argv of [
      ['summary', 'a'],
      ['summary', 'a', '--redact'],
      ['summary', 'a', '--json', '--redact', '--top', '0'],
    ]) {
      const out = await run(argv)
      assert.match(out, /\(string\)/, argv.join(' '))
      assert.ok(!out.includes('secret-token'), argv.join(' '))
    }
  })

  for (const [name, argv, redacted] of [
    ['top', ['top', 'a', '-n', '0'], '<redacted 14 chars>'],
    ['retainers', ['retainers', 'a', SECRET_0_ID], '<redacted 14 chars>'],
    ['diff', ['diff', 'before', 'after'], '<redacted 16 chars>'],
  ] as const) {
    it(`${name} shows string contents, and with --redact only their length (text and JSON)`, async () => {
      for (const format of [[], ['--json']]) {
        const shown = await run([...argv, ...format])
        assert.match(shown, /secret-token/, `${argv.join(' ')} ${format.join(' ')} shows the strings`)
        const hidden = await run([...argv, ...format, '--redact'])
        assert.ok(!hidden.includes('secret-token'), `${argv.join(' ')} ${format.join(' ')} --redact:\n${hidden}`)
        assert.ok(hidden.includes(redacted), `${argv.join(' ')} ${format.join(' ')} --redact shows ${redacted}:\n${hidden}`)
      }
    })
  }
})
