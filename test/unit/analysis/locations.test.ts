/**
 * The code behind an object, on real snapshots of fixtures/programs/growth-app:
 * definition positions from the `locations` section (0-based in the file,
 * 1-based here), script names found through the snapshot, closures labelled
 * with them, `--by constructor`, and allocation stacks (checked against
 * DevTools' own `allocationStack`). Expected positions come from the program's
 * built JavaScript, searched as text.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { before, describe, it } from 'node:test'
import { allocationStackOf, createSourceMapper, GrowthSeries, openSnapshot, sourceLocations, type Snapshot } from '../../../src/index.js'
import { Grouper, GroupKeys } from '../../../src/analysis/grouping.js'
import { nodeLabel } from '../../../src/report/objects.js'
import { loadFileWithDevTools } from '../../helpers/devtools.js'
import { fixturePath } from '../../helpers/paths.js'
import { runCli } from '../../e2e/cli-helpers.js'

const built = readFileSync(fixturePath('programs/growth-app/build/growth-app.js'), 'utf8').split('\n')

/** 1-based line and column of the first `(` after `text` in the built program: where V8 puts a function's position. */
function positionOf(text: string): { line: number; column: number } {
  const line = built.findIndex((l) => l.includes(text))
  assert.ok(line >= 0, text)
  return { line: line + 1, column: built[line].indexOf('(', built[line].indexOf(text)) + 1 }
}

function firstNode(s: Snapshot, type: string, name: string): number {
  for (let n = 0; n < s.nodeCount; n++) if (s.nodeTypeName(n) === type && s.nodeName(n) === name) return n
  return -1
}

describe('source locations', () => {
  let plain: Snapshot
  before(async () => {
    plain = await openSnapshot(fixturePath('growth-plain-3.heapsnapshot.gz'))
  })

  it('gives a closure its function position and an object its constructor position, 1-based, with the script named', () => {
    const onEvent = sourceLocations(plain).of(firstNode(plain, 'closure', 'onEvent'))
    assert.ok(onEvent !== null)
    assert.match(onEvent.scriptName, /growth-app\/build\/growth-app\.js$/)
    assert.deepEqual({ line: onEvent.line, column: onEvent.column }, positionOf('function onEvent'))
    const session = sourceLocations(plain).of(firstNode(plain, 'object', 'AuditEntry'))
    assert.ok(session !== null)
    assert.deepEqual({ line: session.line, column: session.column }, positionOf('constructor(sessionId, action)'))
    assert.equal(session.scriptId, onEvent.scriptId)
  })

  it('labels closures with where they are defined', () => {
    const n = firstNode(plain, 'closure', 'onEvent')
    const { line, column } = positionOf('function onEvent')
    assert.match(nodeLabel(plain, n), new RegExp(`^onEvent \\S*growth-app\\.js:${line}:${column} @\\d+$`))
  })

  it('finds entries and numbers positions as a scan of the raw section does, in any order of asking', () => {
    const l = plain.locations
    assert.ok(l !== null && l.count > 100)
    // The raw section: each node's first entry; positions numbered by their first entry.
    const firstEntry = new Map<number, number>()
    const positionIds = new Map<string, number>()
    const positionOf: number[] = []
    for (let i = 0; i < l.count; i++) {
      if (!firstEntry.has(l.node[i])) firstEntry.set(l.node[i], i)
      const key = `${l.scriptId[i]}:${l.line[i]}:${l.column[i]}`
      if (!positionIds.has(key)) positionIds.set(key, positionIds.size)
      positionOf.push(positionIds.get(key) as number)
    }
    const locations = sourceLocations(plain)
    assert.equal(locations.positionCount, positionIds.size)
    assert.ok(positionIds.size < l.count)
    for (let i = 0; i < l.count; i++) assert.equal(locations.positionOf(i), positionOf[i])
    const expected = (n: number): number => firstEntry.get(n) ?? -1
    // Every node in order, then by id (nearly in order), then backwards and in long jumps.
    const orders = [Array.from({ length: plain.nodeCount }, (_, n) => n), Array.from(plain.ordinalsById())]
    orders.push(
      orders[0].slice().reverse(),
      orders[0].filter((n) => n % 97 === 0),
      [...firstEntry.keys()].reverse(),
    )
    for (const order of orders) {
      const entryOf = locations.entryLookup()
      for (const n of order) assert.equal(entryOf(n), expected(n), `node ${n}`)
    }
    for (let n = 0; n < plain.nodeCount; n++) assert.equal(locations.entryOf(n), expected(n))
  })

  it('--by constructor groups closures by their function and objects by their constructor', async () => {
    const series = new GrowthSeries({ groupBy: 'constructor' })
    const snapshots = await Promise.all([1, 2].map((k) => openSnapshot(fixturePath(`growth-plain-${k}.heapsnapshot.gz`))))
    for (const s of [...snapshots, plain]) series.add(s)
    const g = series.finish(plain)
    const { line, column } = positionOf('function onEvent')
    const handlers = g.groups.find((group) => group.key.startsWith('Function onEvent ') && group.key.endsWith(`growth-app.js:${line}:${column}`))
    assert.deepEqual(handlers?.counts, [50, 100, 150])
    const audit = positionOf('constructor(sessionId, action)')
    assert.deepEqual(g.groups.find((group) => group.key.endsWith(`growth-app.js:${audit.line}:${audit.column}`))?.counts, [100, 200, 300])
  })
})

describe('allocation stacks', () => {
  it('inspect shows the allocation stack, innermost first, as DevTools has it', async () => {
    const file = fixturePath('growth-traced-2.heapsnapshot.gz')
    const s = await openSnapshot(file)
    const n = firstNode(s, 'object', 'AuditEntry')
    const dev = await loadFileWithDevTools(file)
    // DevTools' stack ends with the trace tree's top, "(root)", which names no code: we leave it out.
    const expected = (dev.allocationStack(n * dev.nodeFieldCount) ?? [])
      .filter((f) => f.functionName !== '(root)')
      .map((f) => ({
        functionName: f.functionName || '(anonymous)',
        scriptName: f.scriptName,
        line: f.line,
        column: f.column,
      }))
    assert.ok(expected.length >= 3)
    assert.deepEqual(allocationStackOf(s, n), expected)
    const r = runCli(['inspect', file, String(s.nodeId[n]), '--json'])
    assert.equal(r.code, 0, r.stderr)
    const doc = JSON.parse(r.stdout)
    // (where the program's .js is on disk, its map adds `original` positions: compared in the source-map tests)
    assert.deepEqual(
      doc.object.allocationStack.map(({ original, ...frame }: { original?: unknown }) => frame),
      expected,
    )
    assert.equal(doc.object.location.line, positionOf('constructor(sessionId, action)').line)
  })
})

describe('source maps', () => {
  const ts = readFileSync(fixturePath('programs/growth-app/growth-app.ts'), 'utf8').split('\n')
  /** 1-based line and column of the first `(` after `text` in the TypeScript source. */
  const tsPositionOf = (text: string) => {
    const line = ts.findIndex((l) => l.includes(text))
    assert.ok(line >= 0, text)
    return { line: line + 1, column: ts[line].indexOf('(', ts[line].indexOf(text)) + 1 }
  }
  const maps = fixturePath('programs/growth-app/build')

  it('maps allocation sites and definition sites of the built program back to the .ts lines', async () => {
    const s = await openSnapshot(fixturePath('growth-traced-2.heapsnapshot.gz'))
    const mapPosition = createSourceMapper({ dirs: [maps] })
    const keys = new GroupKeys()
    const grouper = new Grouper(s, 'site', keys, { mapPosition })
    for (let n = 0; n < s.nodeCount; n++) grouper.groupOf(n)
    for (const fn of ['recordSession', 'audit', 'makeHandler', 'refreshFrames']) {
      const site = keys.groups.find((g) => g.site?.functionName === fn)?.site
      assert.ok(site?.original !== undefined, fn)
      // Both positions: V8's in the built .js, and the original in the .ts.
      assert.deepEqual({ line: site.line, column: site.column }, positionOf(`function ${fn}`))
      assert.match(site.original.source, /growth-app\/growth-app\.ts$/)
      assert.deepEqual({ line: site.original.line, column: site.original.column }, tsPositionOf(`function ${fn}`), fn)
    }
    // Definition sites: a closure, and the class grouping's constructor location.
    const onEvent = firstNode(s, 'closure', 'onEvent')
    assert.match(nodeLabel(s, onEvent, { mapPosition }), new RegExp(`^onEvent \\S*growth-app\\.ts:${tsPositionOf('function onEvent').line}:\\d+ @\\d+$`))
    const classKeys = new GroupKeys()
    const byClass = new Grouper(s, 'class', classKeys, { mapPosition })
    const audit = byClass.groupOf(firstNode(s, 'object', 'AuditEntry'))
    assert.equal(classKeys.groups[audit].location?.original?.line, ts.findIndex((l) => l.includes('class AuditEntry')) + 2)
  })

  it('reads a map from a data: URL and leaves scripts without a map as they are', () => {
    const map = readFileSync(fixturePath('programs/growth-app/build/growth-app.js.map'))
    const inline = `code\n//# sourceMappingURL=data:application/json;base64,${map.toString('base64')}\n`
    const files = new Map([
      ['/bundle/app.js', inline],
      ['/bundle/other.js', 'no map here\n'],
    ])
    const mapPosition = createSourceMapper({ readFile: (path) => files.get(path) ?? null })
    const { line, column } = positionOf('function audit')
    assert.equal(mapPosition('/bundle/app.js', line, column)?.line, tsPositionOf('function audit').line)
    assert.equal(mapPosition('/bundle/other.js', line, column), undefined)
    assert.equal(mapPosition('node:internal/timers', 1, 1), undefined)
  })
})
