// The floor for scanning: read the file through a 1 MB buffer and count its commas in a plain JS
// loop over the bytes. A parser that looks at every byte once does at least this much work.
// The mode is ignored: parse and analyze do the same.
import { closeSync, openSync, readSync } from 'node:fs'
import { runMode } from './common.mjs'

const COMMA = 0x2c

function countCommas(buffer, n) {
  let commas = 0
  for (let i = 0; i < n; i++) if (buffer[i] === COMMA) commas++
  return commas
}

function scanAll(file) {
  const fd = openSync(file, 'r')
  const buffer = Buffer.allocUnsafe(1 << 20)
  let bytes = 0
  let commas = 0
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      bytes += n
      commas += countCommas(buffer, n)
    }
  } finally {
    closeSync(fd)
  }
  return { bytes, commas }
}

await runMode({ parse: scanAll, analyze: scanAll })
