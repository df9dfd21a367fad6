/**
 * Python heaps (issue 17): python/heapscope_snapshot.py writes a running
 * CPython's objects as a V8 heap snapshot, and heapscope's numbers mean what
 * Python's own tools say. One real Python program (fixtures/programs/
 * python_app.py) runs here, now, with this checkout's module, and knows what
 * it planted: a leaking cache, a garbage cycle with gc disabled, a weak-value
 * cache, objects of each kind with their sys.getsizeof, objects freed and
 * replaced at the same address. The committed fixtures (python-before/after,
 * made by the same program) carry tracemalloc's own comparison of the same
 * two moments, which diff --by site must agree with; the fixture loops of
 * the other tests check them against DevTools node for node.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createElement } from 'react'
import { render } from 'ink-testing-library'
import { main } from '../../src/cli/main.js'
import { analyzeHeap, buildRetainers, diffSnapshots, findCycles, openSnapshot, type HeapAnalysis, type Snapshot } from '../../src/index.js'
import { App } from '../../src/tui/app.js'
import { HeapContext } from '../../src/tui/screen.js'
import { initialState } from '../../src/tui/state.js'
import { diffScreen } from '../../src/tui/views/diff.js'
import { fixturePath } from '../helpers/paths.js'
import { Capture } from '../unit/cli/io.js'

interface Facts {
  python: number[]
  file: string
  lines: { token: number; history: number; store: number }
  tracemallocTop: { file: string; line: number; sizeDiff: number; countDiff: number }[]
  sessions: { before: number; after: number }
  sizes: Record<string, number>
  /** per kind, [i, j]: reuse.<kind>[j] after is at the address reuse.<kind>[i] had before */
  reused: Record<string, [number, number][]>
  blobs: { count: number; dataSize: number }
}

interface Heap {
  s: Snapshot
  a: HeapAnalysis
}

const dir = mkdtempSync(join(tmpdir(), 'heapscope-python-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let facts: Facts
let fresh: { before: Heap; after: Heap }

async function load(file: string): Promise<Heap> {
  const s = await openSnapshot(file)
  return { s, a: analyzeHeap(s) }
}

/** The interpreter the fresh run uses: python3, or HEAPSCOPE_PYTHON (to check other versions by hand). */
const python = process.env.HEAPSCOPE_PYTHON ?? 'python3'

before(async () => {
  // -S: no site-packages, the heap is the interpreter's, the program's and the module's.
  const run = spawnSync(python, ['-S', fixturePath('programs/python_app.py'), dir, '--quick'], { encoding: 'utf8', timeout: 120_000 })
  if (run.error !== undefined) throw new Error(`${python} is needed for these tests: ${run.error.message}`)
  assert.equal(run.status, 0, run.stderr)
  facts = JSON.parse(readFileSync(join(dir, 'facts.json'), 'utf8')) as Facts
  const [b, a] = await Promise.all([load(join(dir, 'before.heapsnapshot')), load(join(dir, 'after.heapsnapshot'))])
  fresh = { before: b, after: a }
})

/** The node an edge named `name` from n leads to (property, context... by name; element and hidden by index), or -1. */
function child(s: Snapshot, n: number, name: string): number {
  for (let e = s.firstEdge[n], end = s.firstEdge[n + 1]; e < end; e++) if (s.edgeName(e) === name) return s.edgeTarget[e]
  return -1
}

/** An attribute of an instance: its own property edge (3.11+), or through its __dict__ (3.9, 3.10). */
function attribute(s: Snapshot, n: number, name: string): number {
  const direct = child(s, n, name)
  if (direct >= 0) return direct
  const dict = child(s, n, '__dict__')
  return dict < 0 ? -1 : child(s, dict, name)
}

/** `__main__.<path...>`: a module global, then attributes or dict entries. */
function reach(s: Snapshot, ...path: string[]): number {
  const modules = child(s, s.rootOrdinal, '0')
  assert.equal(s.nodeName(modules), '(modules)')
  let n = child(s, child(s, modules, '__main__'), '__dict__')
  for (const step of path) {
    const next = s.nodeName(n) === 'dict' ? child(s, n, step) : attribute(s, n, step)
    assert.ok(next >= 0, `no ${step} in ${path.join('.')} (at ${s.nodeName(n)} @${s.nodeId[n]})`)
    n = next
  }
  return n
}

/** `file:line` of a diff group's site. */
function siteOf(group: { site?: { scriptName: string; line: number } }): string {
  return group.site === undefined ? '' : `${basename(group.site.scriptName)}:${group.site.line}`
}

function countNamed(s: Snapshot, name: string): number {
  let count = 0
  for (let n = 0; n < s.nodeCount; n++) if (s.nodeName(n) === name) count++
  return count
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture()
  const stderr = new Capture()
  const code = await main(args, { stdout, stderr })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

describe('a Python heap written by heapscope_snapshot.py', () => {
  it('diff --by site names the lines that allocated the leaked sessions, each with exactly the sessions added', () => {
    const { before: b, after: a } = fresh
    const added = facts.sessions.after - facts.sessions.before
    assert.equal(countNamed(a.s, '__main__.Session') - countNamed(b.s, '__main__.Session'), added)
    const d = diffSnapshots(b.s, a.s, { afterAnalysis: a.a })
    assert.equal(d.matchedBy, 'id')
    assert.equal(d.groupBy, 'site')
    assert.equal(d.agreeingIds, d.sharedIds, 'an id shared by both snapshots names the same kind of object')
    const app = basename(facts.file)
    const top = d.groups.slice(0, 3)
    assert.deepEqual(
      top.map(siteOf),
      [facts.lines.token, facts.lines.history, facts.lines.store].map((line) => `${app}:${line}`),
    )
    // A token string, a history list, a Session per session added (on 3.9 and 3.10
    // the Session's __dict__ too, made with its first attribute). Strings and instances
    // keep their ids, so these are exactly the new ones; a list gets a new id in each
    // snapshot (nothing proves it the same object), so the old sessions' lists count as
    // freed and new again, and only the net count is exact.
    assert.equal(top[0].newCount, facts.python[1] >= 11 ? added : 2 * added)
    assert.equal(top[0].freedCount, 0)
    assert.equal(top[1].newCount - top[1].freedCount, added)
    assert.equal(top[2].newCount, added)
    assert.equal(top[2].freedCount, 0)
    // The site's frame is named by the function holding the line.
    assert.equal(top[0].site?.functionName, 'Session.__init__')
    assert.equal(top[2].site?.functionName, 'handle')
  })

  it('finds the a.next = b; b.next = a cycle gc has not freed (gc disabled), held only as garbage', () => {
    const { s, a } = fresh.after
    const report = findCycles(s, a, buildRetainers(s), { top: 0 })
    // two Nodes (and, on 3.9 and 3.10, the __dict__ each keeps its attributes in)
    const cycle = report.cycles.find((c) => c.classes.some((k) => k.name === '__main__.Node' && k.count === 2))
    assert.ok(cycle !== undefined, report.cycles.map((c) => c.signature).join('\n'))
    assert.deepEqual(new Set(cycle.members.map((n) => s.nodeName(n))), new Set(facts.python[1] >= 11 ? ['__main__.Node'] : ['__main__.Node', 'dict']))
    assert.equal(cycle.members.length, facts.python[1] >= 11 ? 2 : 4)
    assert.ok(cycle.externalRetainers.length > 0)
    for (const r of cycle.externalRetainers) assert.equal(s.nodeName(r.from), '(unreachable, gc would free)')
    // Nothing outside the loop keeps it: each Node is dominated by the other or by the garbage root.
    for (const n of cycle.members) {
      const d = a.dominators.dominator[n]
      assert.ok(cycle.members.includes(d) || s.nodeName(d) === '(unreachable, gc would free)', s.nodeName(d))
    }
  })

  it('a weak-value cache retains none of its values: they are retained by the list that holds them', () => {
    const { s, a } = fresh.after
    const cache = reach(s, 'weak_cache')
    const live = reach(s, 'live')
    assert.equal(s.nodeName(cache), 'weakref.WeakValueDictionary')
    assert.ok(
      a.retainedSize[cache] < facts.blobs.dataSize,
      `the cache retains ${a.retainedSize[cache]} bytes, less than one value's data (${facts.blobs.dataSize})`,
    )
    let weak = 0
    for (let n = 0; n < s.nodeCount; n++) {
      if (s.nodeName(n) !== '__main__.Blob') continue
      assert.equal(a.dominators.dominator[n], live, 'a Blob is dominated by the list, not the cache')
    }
    for (let e = 0; e < s.edgeCount; e++) if (s.edgeType[e] === s.edgeTypes.weak && s.nodeName(s.edgeTarget[e]) === '__main__.Blob') weak++
    assert.equal(weak, facts.blobs.count, 'one weak reference (the cache entry) to each value')
  })

  it('self sizes are sys.getsizeof', () => {
    const { s } = fresh.after
    const probes = reach(s, 'probes')
    for (const [kind, size] of Object.entries(facts.sizes)) {
      const n = child(s, probes, kind)
      assert.ok(n >= 0, kind)
      assert.equal(s.v8SelfSize[n], size, `${kind}: ${s.nodeName(n)}`)
    }
    // and the root's retained size is their sum over the heap
    let sum = 0
    for (let n = 0; n < s.nodeCount; n++) sum += s.v8SelfSize[n]
    assert.equal(fresh.after.a.totalSize, sum)
  })

  it('objects the whole interpreter shares (None, True, small ints, 1-char strings) are retained by no holder', () => {
    const { s, a } = fresh.after
    const holder = reach(s, 'shared_only')
    const dict = child(s, holder, '__dict__')
    const own = s.v8SelfSize[holder] + (dict >= 0 ? s.v8SelfSize[dict] : 0)
    assert.equal(a.retainedSize[holder], own)
    const immortals = child(s, s.rootOrdinal, '2')
    assert.equal(s.nodeName(immortals), '(immortal objects)')
    for (const name of ['a', 'b', 'c', 'd']) {
      const value = attribute(s, holder, name)
      assert.ok(value >= 0, name)
      let rooted = false
      for (let e = s.firstEdge[immortals]; e < s.firstEdge[immortals + 1] && !rooted; e++) rooted = s.edgeTarget[e] === value
      assert.ok(rooted, `shared_only.${name} (${s.nodeName(value)}) is one of the immortal objects`)
      assert.notEqual(a.dominators.dominator[value], holder, name)
    }
  })

  it('an object freed and replaced by a new one at the same address gets a new id; objects kept keep theirs', () => {
    const { before: b, after: a } = fresh
    for (const kind of ['list', 'dict', 'object']) {
      const pairs = facts.reused[kind]
      assert.ok(pairs.length > 0, `the program made CPython reuse some ${kind} addresses`)
      const olds = reach(b.s, 'reuse', kind)
      const news = reach(a.s, 'reuse', kind)
      for (const [i, j] of pairs) {
        const x = b.s.nodeId[child(b.s, olds, String(i))]
        const y = a.s.nodeId[child(a.s, news, String(j))]
        assert.notEqual(x, y, `reuse.${kind}: the new object at the freed one's address has a new id`)
        assert.equal(a.s.ordinalOfId(x), -1, `reuse.${kind}: the freed object's id names nothing after`)
      }
    }
    for (const kind of ['string', 'object']) {
      assert.equal(b.s.nodeId[reach(b.s, 'kept', kind)], a.s.nodeId[reach(a.s, 'kept', kind)], `kept.${kind} keeps its id`)
    }
    assert.equal(b.s.nodeId[reach(b.s, 'kept')], a.s.nodeId[reach(a.s, 'kept')])
    assert.equal(b.s.nodeId[reach(b.s, 'probes')], a.s.nodeId[reach(a.s, 'probes')], 'a dict unchanged since keeps its id')
  })

  it('what only C code holds (a codec search function and what it captured) is under (held outside the graph)', () => {
    const { s, a } = fresh.after
    let marker = -1
    for (let n = 0; n < s.nodeCount && marker < 0; n++) if (s.nodeName(n) === 'list' && s.nodeName(child(s, n, '0')) === 'held only by C code') marker = n
    assert.ok(marker >= 0)
    let n = marker
    while (a.dominators.dominator[n] !== s.rootOrdinal) n = a.dominators.dominator[n]
    assert.equal(s.nodeName(n), '(held outside the graph)')
  })

  it('every command works on it', async () => {
    const b = join(dir, 'before.heapsnapshot')
    const a = join(dir, 'after.heapsnapshot')
    const summary = await cli(['summary', a, '--json'])
    assert.equal(summary.code, 0, summary.stderr)
    const doc = JSON.parse(summary.stdout)
    assert.equal(doc.kind, 'python')
    assert.equal(doc.hasAllocationTraces, true)
    const session = fresh.after.s.nodeId[reach(fresh.after.s, 'sessions', '0')]
    for (const args of [
      ['top', a, '-n', '5'],
      ['dominators', a, '--depth', '2'],
      ['retainers', a, String(session)],
      ['inspect', a, String(session)],
      ['cycles', a],
      ['detached', a],
      ['diff', b, a, '--no-tui'],
      ['export', a, String(session), '--what', 'retainers', '--format', 'json', '-o', join(dir, 'session.json')],
    ]) {
      const r = await cli(args)
      assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`)
      assert.match(r.stderr, args[0] === 'export' ? /^wrote \d+ objects/ : /^$/, args[0])
    }
    // growth over three snapshots (the quick run writes a third after 100 more sessions): the token line grew in each interval
    const growth = await cli(['growth', b, a, join(dir, 'later.heapsnapshot')])
    assert.equal(growth.code, 0, growth.stderr)
    const { before: n0, after: n1 } = facts.sessions
    assert.match(growth.stdout, new RegExp(`^Session\\.__init__ \\S+:${facts.lines.token}\\s+${n0} -> ${n1} -> ${n1 + 100}\\s.*\\bgrew$`, 'm'))
    const retainers = await cli(['retainers', a, String(session)])
    assert.match(retainers.stdout, /\(modules\) .*module __main__ .*\.sessions -> dict @\d+ \[0\] -> __main__\.Session @\d+/)
  })

  it('the terminal UI shows its diff by site and drills to a new session', async () => {
    const { before: b, after: a } = fresh
    const h = new HeapContext(a.s, a.a, {}, 'after')
    const app = render(
      createElement(App, {
        initial: initialState([{ name: 'Diff', make: () => diffScreen(b.s, h, undefined) }], { columns: 140, rows: 30 }),
        color: false,
        columns: 140,
        rows: 30,
      }),
    )
    try {
      const frame = await waitFor(app.lastFrame, /Diff by site/)
      assert.match(frame, /^(Session\.)?__init__ \S+\s+[\d,]+ /m)
      app.stdin.write('\r')
      await waitFor(app.lastFrame, /New objects of (Session\.)?__init__/)
    } finally {
      app.unmount()
    }
  })
})

async function waitFor(frame: () => string | undefined, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const text = frame() ?? ''
    if (pattern.test(text)) return text
    if (Date.now() > deadline) assert.fail(`frame never showed ${pattern}:\n${text}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('the committed Python fixtures', () => {
  it("diff --by site names the same top lines as tracemalloc's compare_to('lineno') on the same run, with the same sizes", async () => {
    const committed: Facts = JSON.parse(readFileSync(fixturePath('python-facts.json'), 'utf8'))
    const [b, a] = await Promise.all([load(fixturePath('python-before.heapsnapshot.gz')), load(fixturePath('python-after.heapsnapshot.gz'))])
    const d = diffSnapshots(b.s, a.s, { afterAnalysis: a.a })
    const ours = d.groups.slice(0, 3)
    const theirs = committed.tracemallocTop.slice(0, 3)
    assert.deepEqual(
      ours.map(siteOf),
      theirs.map((t) => `${basename(t.file)}:${t.line}`),
    )
    // The token strings and history lists are objects whose getsizeof is all tracemalloc counts for them.
    for (let i = 0; i < 2; i++)
      assert.ok(Math.abs(ours[i].netSize - theirs[i].sizeDiff) <= 0.01 * theirs[i].sizeDiff, `${ours[i].key}: ${ours[i].netSize} vs ${theirs[i].sizeDiff}`)
  })
})
