/**
 * The layers (DESIGN.md, COORDINATION.md): imports point downward only.
 *
 *   src/snapshot   the format                   imports nothing above it
 *   src/analysis   pure functions over a model  no report, cli, tui; no terminal
 *   src/capture    taking snapshots (library    no report, cli, tui; no terminal: the CLI
 *                  I/O: inspector, files)       draws its progress from callbacks
 *   src/index.ts   the public API               the library layers only
 *   src/report     results → strings            no cli, tui; no I/O at all
 *   src/cli        yargs commands               only src/index.ts and src/report (and the
 *   src/tui        Ink views                    UI's entry, lazily, from the CLI)
 *   src/threads    the thread helper            below every layer: any may import it, and it
 *                                               imports only Node (no layer's code)
 *
 * Each file's imports (static, dynamic, `export … from`, type-only alike) are
 * resolved to the folder they land in and checked against LAYERS. A new folder
 * under src/ fails here until it is given a row: say there what it may import.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { repoRoot } from '../helpers/paths.js'

interface Layer {
  /** a folder under src/, or src/index.ts */
  path: string
  /** the folders (and src/index.ts) its files may import, besides its own */
  imports: string[]
  /** packages it must not import: the terminal's (ink, react, yargs) and, for renderers, Node's I/O */
  forbiddenPackages: RegExp
  /** whether it may write to the terminal or end the process (process.stdout, console, process.exit) */
  terminal: boolean
  /** what the layer is, for the failure message */
  role: string
}

const TERMINAL_PACKAGES = /^(ink|ink-.*|react|react-.*|yargs|yargs-.*)$/
// Node modules that read or write files, processes, sockets or terminals.
const IO_MODULES = /^node:(fs|fs\/promises|child_process|net|http|https|http2|dgram|dns|tls|tty|readline|inspector|worker_threads|cluster|process)$/

/** Belongs to no layer (src/threads/worker.ts: start a thread, send a job, get typed replies or a typed error): every layer may import it. */
const BELOW_EVERY_LAYER = 'src/threads'

const LAYERS: Layer[] = [
  {
    path: BELOW_EVERY_LAYER,
    imports: [],
    forbiddenPackages: TERMINAL_PACKAGES,
    terminal: false,
    role: 'the thread helper every layer may use: it knows no snapshot, analysis or terminal',
  },
  { path: 'src/snapshot', imports: [], forbiddenPackages: TERMINAL_PACKAGES, terminal: false, role: 'the format, which knows no analysis' },
  {
    path: 'src/analysis',
    imports: ['src/snapshot'],
    forbiddenPackages: TERMINAL_PACKAGES,
    terminal: false,
    role: 'pure functions over a Snapshot that return data (no renderer, no terminal)',
  },
  {
    path: 'src/capture',
    imports: ['src/snapshot'],
    forbiddenPackages: TERMINAL_PACKAGES,
    terminal: false,
    role: 'library I/O below the CLI (inspector, files) that reports progress through callbacks, never to the terminal',
  },
  {
    path: 'src/index.ts',
    imports: ['src/snapshot', 'src/analysis', 'src/capture'],
    forbiddenPackages: TERMINAL_PACKAGES,
    terminal: false,
    role: 'the public API, made of the library layers',
  },
  {
    path: 'src/report',
    imports: ['src/index.ts', 'src/analysis', 'src/snapshot'],
    forbiddenPackages: new RegExp(`${TERMINAL_PACKAGES.source}|${IO_MODULES.source}`),
    terminal: false,
    role: 'renderers from results to strings (no I/O, no terminal)',
  },
  {
    path: 'src/cli',
    imports: ['src/index.ts', 'src/report'],
    forbiddenPackages: /^(ink|ink-.*|react|react-.*)$/,
    terminal: true,
    role: 'a thin face over the public API (src/index.ts) and the renderers (src/report)',
  },
  {
    path: 'src/tui',
    imports: ['src/index.ts', 'src/report'],
    forbiddenPackages: /^(yargs|yargs-.*)$/,
    terminal: true,
    role: 'a thin face over the public API (src/index.ts) and the renderers (src/report)',
  },
]

/** The CLI opens the UI with `await import('../tui/run.js')`, only when it opens it (so `summary --json` never loads Ink). */
const LAZY_UI_ENTRY = 'src/tui/run.ts'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : []
  })
}

/** The source without comments (TSDoc examples show `console.log` and `import('heapscope')`). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
}

interface Import {
  spec: string
  dynamic: boolean
}

function importsOf(source: string): Import[] {
  const found: Import[] = []
  for (const m of source.matchAll(
    /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\bfrom\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    if (m[1] !== undefined) found.push({ spec: m[1], dynamic: false })
    else if (m[2] !== undefined) found.push({ spec: m[2], dynamic: false })
    else found.push({ spec: m[3], dynamic: true })
  }
  return found
}

/** The repository path an import of `spec` from `file` lands on (`.js` written for a `.ts`/`.tsx` source). */
function resolveRelative(file: string, spec: string): string {
  const target = relative(repoRoot, join(dirname(file), spec)).replaceAll('\\', '/')
  for (const ext of ['.ts', '.tsx']) {
    const source = target.replace(/\.js$/, ext)
    if (statSync(join(repoRoot, source), { throwIfNoEntry: false })?.isFile()) return source
  }
  return target
}

/** The layer a repository path belongs to, if any. */
function layerOf(path: string): Layer | undefined {
  return LAYERS.find((l) => path === l.path || path.startsWith(`${l.path}/`))
}

describe('layers', () => {
  it('every folder under src/ (and src/index.ts) is a layer the table knows', () => {
    for (const name of readdirSync(join(repoRoot, 'src'))) {
      const path = `src/${name}`
      if (statSync(join(repoRoot, path)).isFile() && path !== 'src/index.ts') {
        assert.fail(`${path} is a file outside every layer: move it into the folder of its layer (src/snapshot, src/analysis, ...)`)
      }
      assert.ok(
        layerOf(path) !== undefined,
        `${path} is a folder test/unit/layers.test.ts does not know: add it to LAYERS there, with the folders it may import ` +
          '(imports point downward only: snapshot < analysis, capture < index.ts < report < cli, tui)',
      )
    }
  })

  for (const layer of LAYERS) {
    it(`${layer.path} imports only ${[layer.path, ...layer.imports].join(', ')}${layer.terminal ? '' : ', and writes nothing to the terminal'}`, () => {
      const root = join(repoRoot, layer.path)
      const stat = statSync(root, { throwIfNoEntry: false })
      const files = stat === undefined ? [] : stat.isDirectory() ? sourceFiles(root) : [root]
      const problems: string[] = []
      for (const file of files) {
        const where = relative(repoRoot, file)
        const source = code(readFileSync(file, 'utf8'))
        for (const { spec, dynamic } of importsOf(source)) {
          if (!spec.startsWith('.')) {
            if (layer.forbiddenPackages.test(spec)) problems.push(`${where} imports ${spec}: ${layer.path} is ${layer.role}`)
            continue
          }
          const target = resolveRelative(file, spec)
          const to = layerOf(target)
          if (to === layer) continue
          if (layer.path === 'src/cli' && dynamic && target === LAZY_UI_ENTRY) continue
          if (to !== undefined && (layer.imports.includes(to.path) || to.path === BELOW_EVERY_LAYER)) continue
          const lazyHint = layer.path === 'src/cli' && target.startsWith('src/tui/') ? ` (the UI only through \`await import('../tui/run.js')\`)` : ''
          problems.push(
            `${where} imports ${spec} (${to?.path ?? target}): ${layer.path} may import only ${[layer.path, ...layer.imports].join(', ')}${lazyHint}; it is ${layer.role}`,
          )
        }
        if (!layer.terminal) {
          const terminal = /\bprocess\.(stdout|stderr|exit)\b|\bconsole\.\w+|\bisTTY\b/.exec(source)
          if (terminal !== null)
            problems.push(`${where} uses ${terminal[0]}: ${layer.path} is ${layer.role}; return data or take a callback, and let the CLI or the UI show it`)
        }
      }
      if (problems.length > 0) assert.fail(problems.join('\n'))
    })
  }

  it('sees the imports it checks (a check that finds nothing would pass anything)', () => {
    const imports = importsOf(code(readFileSync(join(repoRoot, 'src/cli/commands/open.ts'), 'utf8')))
    assert.ok(imports.some((i) => i.dynamic && i.spec.endsWith('/tui/run.js')))
    const summary = importsOf(code(readFileSync(join(repoRoot, 'src/cli/commands/summary.ts'), 'utf8')))
    assert.ok(summary.some((i) => !i.dynamic && i.spec.endsWith('/index.js')))
    assert.ok(
      importsOf("import type { A } from '../x.js'\nexport { b } from './y.js'\nimport './z.js'")
        .map((i) => i.spec)
        .join() === '../x.js,./y.js,./z.js',
    )
    assert.equal(resolveRelative(join(repoRoot, 'src/cli/commands/open.ts'), '../../tui/run.js'), LAZY_UI_ENTRY)
  })
})
