/**
 * Makes every `new Worker(...)` fail, for the tests of the helper threads'
 * fallbacks: `mode` 'throws' throws from the constructor (as when no thread
 * can be created); 'missing' starts a thread on a module that does not exist
 * (it fails with an 'error' event). Node's builtin ES module bindings follow
 * the CommonJS exports after syncBuiltinESMExports(), so the library's own
 * `import { Worker }` sees the change. Returns the function that undoes it.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module'

const require = createRequire(import.meta.url)
const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads')

export function breakWorkers(mode: 'throws' | 'missing'): () => void {
  const original = workerThreads.Worker
  class Broken extends original {
    constructor(_url: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      if (mode === 'throws') throw new Error('no threads here')
      super(new URL('./no-such-module.js', import.meta.url), options)
    }
  }
  workerThreads.Worker = Broken
  syncBuiltinESMExports()
  return () => {
    workerThreads.Worker = original
    syncBuiltinESMExports()
  }
}
