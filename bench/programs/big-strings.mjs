// Builds a heap holding many distinct ~1 KB strings, then writes a snapshot of it, so that the
// snapshot's `strings` section alone passes V8's maximum string length (2^29 - 24 characters on
// 64-bit, ~512 MiB). A tool that reads the file, or just that section, as one JS string fails on it.
//
//   node --max-old-space-size=16000 programs/big-strings.mjs <count> <out.heapsnapshot>
//
// V8 cuts each string in a snapshot's string table at 1024 characters (StringsStorage's
// kMaxNameSize), so the strings here are 1000 characters: each one reaches the file whole.
// They are flat (sequential one-byte, made by Buffer#toString), not concatenated or sliced,
// so each is one string node and one string table entry; letters only, so no JSON escapes.
//
// On its last stdout line it prints JSON: the count, the times, the file size.

import { statSync } from 'node:fs'
import { writeHeapSnapshot } from 'node:v8'

const count = Number(process.argv[2])
const out = process.argv[3]
if (!(count > 0) || !out) {
  console.error('usage: big-strings.mjs <count> <out.heapsnapshot>')
  process.exit(2)
}

const STRING_LENGTH = 1000
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
let seed = 12345
const started = process.hrtime.bigint()
const bytes = Buffer.alloc(STRING_LENGTH)
const strings = new Array(count)
for (let i = 0; i < count; i++) {
  const prefix = `s${i.toString(36)}_`
  bytes.write(prefix, 0, 'latin1')
  for (let b = prefix.length; b < STRING_LENGTH; b++) {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0
    bytes[b] = LETTERS.charCodeAt((seed >>> 16) % LETTERS.length)
  }
  strings[i] = bytes.toString('latin1')
}
globalThis.__benchStrings = strings
const built = process.hrtime.bigint()
writeHeapSnapshot(out)
const written = process.hrtime.bigint()
console.log(
  JSON.stringify({
    count,
    buildSeconds: Number(built - started) / 1e9,
    snapshotSeconds: Number(written - built) / 1e9,
    bytes: statSync(out).size,
  }),
)
