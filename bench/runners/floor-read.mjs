// The floor for reading: the file's bytes through a 1 MB buffer, as fast as fs gives them.
// Every tool has to do at least this. The mode is ignored: parse and analyze do the same.
import { closeSync, openSync, readSync } from 'node:fs'
import { runMode } from './common.mjs'

function readAll(file) {
  const fd = openSync(file, 'r')
  const buffer = Buffer.allocUnsafe(1 << 20)
  let bytes = 0
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) bytes += n
  } finally {
    closeSync(fd)
  }
  return { bytes }
}

await runMode({ parse: readAll, analyze: readAll })
