/**
 * The CLI is a thin face: src/cli and src/report import only the public API
 * (src/index.ts), the report renderers, their own files, Node built-ins and
 * yargs — never src/snapshot or src/analysis directly, never the TUI (which
 * the CLI must load with a dynamic import, only when it opens the UI).
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { repoRoot } from '../../helpers/paths.js'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : []
  })
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return (
    [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)]
      // The CLI may load the UI's entry module lazily, and only that way.
      .filter((m) => !(m[2] !== undefined && /^(\.\.\/)+tui\/run\.js$/.test(m[2])))
      .map((m) => m[1] ?? m[2])
  )
}

describe('layers', () => {
  for (const [layer, allowed] of [
    ['src/cli', /^(node:|yargs$|\.\/|\.\.\/(index|context|exit|options|progress|load)\.js$|(\.\.\/)+index\.js$|(\.\.\/)+report\/)/],
    // graphology-gexf writes GEXF; graphology-types only types the graphs.
    ['src/report', /^(\.\/|\.\.\/index\.js$|graphology-gexf$|graphology-types$)/],
  ] as const) {
    it(`${layer} imports only the public API and its own layer`, () => {
      for (const file of sourceFiles(join(repoRoot, layer))) {
        for (const spec of importsOf(file)) {
          assert.match(spec, allowed, `${relative(repoRoot, file)} imports ${spec}`)
        }
      }
    })
  }
})
