// Bundles the library's entry (dist/src/index.js, compiled by tsc) into one file,
// dist/heapscope.js, the package's "main": one module loads in ~12 ms and ~43 MiB where the
// ~20 modules it is made of take ~30 ms and ~49 MiB, and Node's start-up is most of what a
// small snapshot costs. The CLI and the terminal UI keep the separate modules (the UI's
// loading thread is a module file of its own). Part of `npm run build`; esbuild is a
// devDependency, the bundle is build output (not committed).
import { copyFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

await build({
  // The helper threads (the parser's, analyzeHeapAsync's) are module files of
  // their own, found next to the bundle.
  entryPoints: [
    { in: join(dist, 'src', 'index.js'), out: 'heapscope' },
    { in: join(dist, 'src', 'analysis', 'helper-thread.js'), out: 'helper-thread' },
    { in: join(dist, 'src', 'snapshot', 'rest-thread.js'), out: 'rest-thread' },
  ],
  outdir: dist,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Loaded on first use (graph export), from the installed packages; ws
  // (capture) has optional native add-ons it looks for at run time.
  external: ['graphology', 'graphology-*', 'ws'],
  logLevel: 'warning',
})
// The parser's WebAssembly is read next to the module that loads it.
copyFileSync(join(dist, 'src', 'snapshot', 'records.wasm'), join(dist, 'records.wasm'))
