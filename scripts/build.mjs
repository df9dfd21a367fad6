// npm run build: TypeScript (tsc), the parser's WebAssembly (build-wasm.mjs), the bundle
// (bundle.mjs), then a stamp in dist/. With --if-changed (npm start, and prepare: an install
// from git builds the package before npm packs it), nothing is done when the stamp is newer
// than every input: the sources, tests, scripts, tsconfig.json, package.json and the lock.
// Directories count with their own times, so a deleted or renamed file is a change too.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const stamp = join(root, 'dist', '.build-stamp')
const INPUTS = ['src', 'test', 'scripts', 'tsconfig.json', 'package.json', 'package-lock.json']

/** The newest modification time (ms) under `path`, the directories themselves included. */
function newest(path) {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let latest = st.mtimeMs
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)))
  return latest
}

if (process.argv.includes('--if-changed') && existsSync(stamp)) {
  const inputs = Math.max(...INPUTS.map((p) => newest(join(root, p))))
  if (inputs < statSync(stamp).mtimeMs) {
    console.log('heapscope: the build is up to date (dist/ is newer than every source)')
    process.exit(0)
  }
}

/**
 * Removes what tsc once wrote for a source that is gone (tsc never does): a
 * test deleted or moved would otherwise still run from dist/test.
 */
function removeOrphans(dir, sourceDir) {
  if (!existsSync(dir)) return
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      removeOrphans(path, join(sourceDir, name))
      continue
    }
    const m = /^(.*?)(\.d\.ts|\.js)(\.map)?$/.exec(name)
    if (m !== null && !existsSync(join(sourceDir, `${m[1]}.ts`)) && !existsSync(join(sourceDir, `${m[1]}.tsx`))) rmSync(path)
  }
}
removeOrphans(join(root, 'dist', 'src'), join(root, 'src'))
removeOrphans(join(root, 'dist', 'test'), join(root, 'test'))

try {
  // Each step prints its own errors; a failed one ends the build with its exit code, and no stamp.
  for (const args of [
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
    [join(root, 'scripts', 'build-wasm.mjs')],
    [join(root, 'scripts', 'bundle.mjs')],
  ]) {
    execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
  }
} catch (err) {
  process.exit(typeof err.status === 'number' ? err.status : 1)
}
writeFileSync(stamp, `built ${new Date().toISOString()}\n`)
