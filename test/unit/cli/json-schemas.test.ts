/**
 * Every command's `--json` output, on real snapshots, validates against its
 * JSON Schema in schemas/ (shipped in the package). The schemas close every
 * object (unevaluatedProperties: false): a field added to the output and not
 * to its schema fails here, naming the field and the file to add it to.
 *
 * Adding a command with --json: write schemas/<command>.schema.json (shared
 * parts are in schemas/common.schema.json) and add a case to CASES.
 *
 * Validated with Ajv (strict mode, JSON Schema 2020-12): it also checks the
 * schemas themselves, so a misspelt keyword fails instead of allowing all.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js'
import { commands } from '../../../src/cli/commands/index.js'
import type { CliContext } from '../../../src/cli/context.js'
import { main } from '../../../src/cli/main.js'
import { analyzeHeapAsync, openSnapshot, type HeapAnalysis, type Snapshot } from '../../../src/index.js'
import { fixturePath, repoRoot } from '../../helpers/paths.js'
import { Capture } from './io.js'

const SCHEMAS = join(repoRoot, 'schemas')
/** Commands whose --json is another command's document: `open --json` (and `heapscope <file> --json`) is the summary. */
const SAME_DOCUMENT: Record<string, string> = { open: 'summary' }
const fixture = (name: string): string => fixturePath(`${name}.heapsnapshot.gz`)

/** Each run of a command, chosen so that every field of its schema shows up in one of them. */
const CASES: { schema: string; argv: (ids: { object: number }) => string[] }[] = [
  { schema: 'summary', argv: () => ['summary', fixture('leak-traced-after'), '--top', '3', '--json'] },
  { schema: 'summary', argv: () => [fixture('leak-traced-after'), '--json', '--top', '2', '--sort', 'retained'] },
  { schema: 'top', argv: () => ['top', fixture('leak-traced-after'), '--top', '3', '--json'] },
  { schema: 'dominators', argv: () => ['dominators', fixture('leak-traced-after'), '--depth', '2', '--width', '2', '--json'] },
  { schema: 'retainers', argv: ({ object }) => ['retainers', fixture('leak-traced-after'), `@${object}`, '--json'] },
  { schema: 'retainers', argv: () => ['retainers', fixture('leak-traced-after'), '--class', 'LeakyThing', '--top', '2', '--json'] },
  { schema: 'inspect', argv: ({ object }) => ['inspect', fixture('leak-traced-after'), String(object), '--limit', '3', '--json'] },
  {
    schema: 'diff',
    argv: () => ['diff', fixture('leak-traced-before'), fixture('leak-traced-after'), '--by', 'stack', '--top', '2', '--fail-on-growth', '1GB', '--json'],
  },
  // Snapshots of two processes (groups compared by totals), grouped by constructor: className, location, countBefore...
  { schema: 'diff', argv: () => ['diff', fixture('twoproc-a'), fixture('twoproc-b'), '--by', 'constructor', '--top', '3', '--json'] },
  {
    schema: 'growth',
    argv: () => [
      'growth',
      fixture('leak-traced-before'),
      fixture('leak-traced-after'),
      fixture('leak-traced-final'),
      '--top',
      '2',
      '--fail-on-growth',
      '1GB',
      '--json',
    ],
  },
  { schema: 'cycles', argv: () => ['cycles', fixture('leak-traced-after'), '--top', '2', '--json'] },
  { schema: 'detached', argv: () => ['detached', fixture('chromium-detached'), '--top', '2', '--json'] },
]

/** One line per error; an undocumented field says which field and which schema file to add it to. */
function explain(schema: string, errors: ErrorObject[]): string {
  return errors
    .map((e) =>
      e.keyword === 'unevaluatedProperties'
        ? `${e.instancePath || '/'}: field "${String(e.params.unevaluatedProperty)}" is not in schemas/${schema}.schema.json: document it there (and in the README), or leave it out`
        : `${e.instancePath || '/'}: ${e.message ?? e.keyword} (${e.schemaPath})`,
    )
    .join('\n')
}

describe('--json output against schemas/', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true })
  const snapshots = new Map<string, Promise<Snapshot>>()
  const analyses = new Map<Snapshot, Promise<HeapAnalysis>>()
  // Each fixture is read and analysed once for all the runs.
  const io = (): Partial<CliContext> & { stdout: Capture; stderr: Capture } => ({
    stdout: new Capture(),
    stderr: new Capture(),
    openSnapshot: (file) => {
      const key = String(file)
      if (!snapshots.has(key)) snapshots.set(key, openSnapshot(key))
      return snapshots.get(key) as Promise<Snapshot>
    },
    analyze: (s, options) => {
      if (!analyses.has(s)) analyses.set(s, analyzeHeapAsync(s, options))
      return analyses.get(s) as Promise<HeapAnalysis>
    },
  })
  const run = async (argv: string[]): Promise<unknown> => {
    const out = io()
    assert.equal(await main(argv, out), 0, `${argv.join(' ')}: ${out.stderr.text}`)
    return JSON.parse(out.stdout.text)
  }

  before(() => {
    for (const file of readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'))) {
      ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')), file)
    }
  })

  it('every command with --json has a schema and a case here', async () => {
    for (const { name } of commands) {
      const help = io()
      await main([name, '--help'], help)
      if (!/^ +--json /m.test(help.stdout.text)) continue
      const schema = SAME_DOCUMENT[name] ?? name
      assert.ok(existsSync(join(SCHEMAS, `${schema}.schema.json`)), `heapscope ${name} --json has no schemas/${schema}.schema.json`)
      assert.ok(
        CASES.some((c) => c.schema === schema),
        `no run of heapscope ${name} --json in CASES (test/unit/cli/json-schemas.test.ts)`,
      )
    }
  })

  it('every run validates, and every documented top-level field is seen', async () => {
    // An object that holds others and is held (the third largest), for retainers and inspect.
    const top = (await run(['top', fixture('leak-traced-after'), '--top', '3', '--json'])) as { objects: { id: number }[] }
    const object = top.objects[2].id
    const seen = new Map<string, Set<string>>()
    for (const c of CASES) {
      const argv = c.argv({ object })
      const doc = await run(argv)
      const validate = ajv.getSchema(`${c.schema}.schema.json`)
      assert.ok(validate !== undefined, `schemas/${c.schema}.schema.json`)
      assert.ok(validate(doc), `heapscope ${argv.join(' ')}:\n${explain(c.schema, validate.errors ?? [])}`)
      const fields = seen.get(c.schema) ?? new Set<string>()
      for (const k of Object.keys(doc as object)) fields.add(k)
      seen.set(c.schema, fields)
    }
    // A documented field no run writes is misspelt, or needs a case that writes it.
    for (const [schema, fields] of seen) {
      const document: { properties: object; oneOf?: { properties: object }[] } = JSON.parse(readFileSync(join(SCHEMAS, `${schema}.schema.json`), 'utf8'))
      const documented = [document, ...(document.oneOf ?? [])].flatMap((part) => Object.keys(part.properties))
      for (const field of documented) assert.ok(fields.has(field), `schemas/${schema}.schema.json documents "${field}", which no case in CASES writes`)
    }
  })

  it('refuses an undocumented field, naming it and its schema file', () => {
    const validate = ajv.getSchema('top.schema.json')
    assert.ok(validate !== undefined)
    const doc = { schemaVersion: 1, command: 'top', heapscopeVersion: '0.1.0', file: 'a', totalSize: 0, objects: [] }
    assert.ok(validate(doc), explain('top', validate.errors ?? []))
    assert.equal(validate({ ...doc, surprise: 1 }), false)
    assert.match(explain('top', validate.errors ?? []), /^\/: field "surprise" is not in schemas\/top\.schema\.json/)
    const row = { id: 1, name: 'x', type: 'object', selfSize: 1, rawSelfSize: 1, retainedSize: 1, distance: 1, dominatorId: 1 }
    assert.equal(validate({ ...doc, objects: [{ ...row, extra: true }] }), false)
    assert.match(explain('top', validate.errors ?? []), /^\/objects\/0: field "extra"/)
  })
})
