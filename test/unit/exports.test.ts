/**
 * The public API (src/index.ts) is what a library user needs, each name
 * documented: every runtime export's declaration has a TSDoc comment with an
 * `@example`, so a new export keeps the bar. The test reads each `export { … }
 * from './module.js'` of src/index.ts, finds the declaration in that module
 * and the comment right above it, and checks the built module really exports
 * the list (nothing more: internals stay inside).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { repoRoot } from '../helpers/paths.js'

interface Export {
  name: string
  /** the module it is declared in, relative to the repository */
  module: string
}

/** The runtime names src/index.ts re-exports (type-only exports aside), with their modules. */
function runtimeExports(): Export[] {
  const index = readFileSync(join(repoRoot, 'src/index.ts'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')
  const found: Export[] = []
  for (const m of index.matchAll(/^export\s+(type\s+)?\{([^}]*)\}\s*from\s*'([^']+)'/gm)) {
    if (m[1] !== undefined) continue
    const module = join('src', m[3]).replace(/\.js$/, '.ts')
    for (const part of m[2].split(',')) {
      const name = part.trim()
      if (name === '' || name.startsWith('type ')) continue
      assert.ok(!/\s/.test(name), `src/index.ts: re-export "${name}" under its own name (no \`as\`), so that its declaration can be found`)
      found.push({ name, module })
    }
  }
  return found
}

/** The TSDoc comment right above `name`'s declaration in `source`, or null (no comment, or a // comment). */
function docComment(source: string, name: string): string | null {
  const declaration = new RegExp(`^export\\s+(?:declare\\s+)?(?:abstract\\s+)?(?:async\\s+)?(?:function\\*?|class|const|let|enum)\\s+${name}\\b`, 'm').exec(
    source,
  )
  if (declaration === null) return null
  const before = source.slice(0, declaration.index).trimEnd()
  if (!before.endsWith('*/')) return ''
  const start = before.lastIndexOf('/**')
  return start < 0 ? '' : before.slice(start)
}

describe('the public API (src/index.ts)', () => {
  const exports = runtimeExports()

  it('re-exports names that exist, and the built module has exactly them', async () => {
    assert.ok(exports.length >= 10, `found only ${exports.map((e) => e.name).join(', ')}`)
    const built = await import('../../src/index.js')
    assert.deepEqual(Object.keys(built).sort(), exports.map((e) => e.name).sort())
  })

  for (const { name, module } of exports) {
    it(`${name} has TSDoc with an @example (${module})`, () => {
      const doc = docComment(readFileSync(join(repoRoot, module), 'utf8'), name)
      assert.ok(
        doc !== null,
        `${module} does not declare \`export function|class|const ${name}\`: declare it there (or point src/index.ts at the module that does)`,
      )
      assert.ok(doc !== '', `${name} (${module}) has no /** TSDoc */ comment right above its declaration: say what it is for and show it in use with @example`)
      const text = doc
        .split('\n')
        .map((line) => line.replace(/^\s*\/?\*+\/?\s?/, '').trimEnd())
        .filter((line) => line !== '' && line !== '/')
      const exampleAt = text.findIndex((line) => line.startsWith('@example'))
      assert.ok(
        exampleAt > 0,
        `${name} (${module}): its TSDoc needs a sentence on what it is, then an @example, a line or two of code a library user would write`,
      )
      const code = text.slice(exampleAt + 1).filter((line) => !line.startsWith('@'))
      assert.ok(code.length >= 1, `${name} (${module}): its @example has no code`)
    })
  }
})
