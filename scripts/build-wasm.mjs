// Assembles the WebAssembly text files under src/ (*.wat) into dist/, next to the compiled JS
// that loads them (src/snapshot/records.wat → dist/src/snapshot/records.wasm). Part of
// `npm run build`; wabt is a devDependency, the .wasm files are build output (not committed).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import initWabt from 'wabt'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const wabt = await initWabt()

function* watFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* watFiles(path)
    else if (entry.name.endsWith('.wat')) yield path
  }
}

for (const source of watFiles(join(root, 'src'))) {
  const name = relative(root, source)
  const module = wabt.parseWat(name, readFileSync(source, 'utf8'))
  try {
    module.validate()
    const { buffer } = module.toBinary({})
    const out = join(root, 'dist', name.replace(/\.wat$/, '.wasm'))
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, buffer)
  } finally {
    module.destroy()
  }
}
