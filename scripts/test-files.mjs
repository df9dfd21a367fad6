// The test files `npm test` runs, one a line, the longest first. `node --test --test-concurrency=2`
// starts the files in the order given, two at a time, and the suite ends when its last file does:
// in name order, fixtures-devtools (~20 s on a loaded 2-core machine) and the thread tests started
// last and ran alone at the end. Longest first (the LPT rule) keeps both slots busy to the end.
// The list is a hint, measured with `node --test --test-reporter=tap` (each file's duration_ms):
// a file not named here runs after these, in name order; a name that no longer exists is skipped.
import { readdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const tests = join(root, 'dist', 'test')

/** Files that take longest, longest first (their paths under dist/test, without .test.js). */
const LONGEST = [
  'unit/analysis/fixtures-devtools',
  'unit/snapshot/threads',
  'unit/snapshot/parse',
  'e2e/python',
  'e2e/cli-bad-input',
  'e2e/python-record',
  'e2e/diff',
  'e2e/tui',
  'e2e/cli-objects',
  'e2e/cli',
  'e2e/record',
  'unit/analysis/dominators',
  'e2e/growth',
  'e2e/capture',
  'unit/tui/app',
  'e2e/capture-chromium',
]

function list(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? list(join(dir, d.name)) : d.name.endsWith('.test.js') ? [join(dir, d.name)] : [],
  )
}

const files = list(tests)
  .map((f) => relative(root, f))
  .sort()
const rank = (f) => {
  const i = LONGEST.indexOf(relative('dist/test', f).replace(/\.test\.js$/, ''))
  return i < 0 ? LONGEST.length : i
}
for (const f of files.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))) console.log(f)
