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
import { allocationStackOf, GrowthSeries, openSnapshot, sourceLocations, type Snapshot } from '../../../src/index.js'
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
    assert.deepEqual(doc.object.allocationStack, expected)
    assert.equal(doc.object.location.line, positionOf('constructor(sessionId, action)').line)
  })
})
