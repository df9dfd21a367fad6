import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root: the nearest folder above this file with a package.json (works from src and from dist). */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url))
    dir = up
  }
  return dir
})()

/** Absolute path of a file in fixtures/. */
export function fixturePath(name: string): string {
  return join(repoRoot, 'fixtures', name)
}

/** Absolute path of the built CLI launcher. */
export const cliPath: string = join(repoRoot, 'bin', 'heapscope.js')
