// Chrome DevTools' heap snapshot model, as bundled by heap-snapshot-toolkit (DevTools frontend code
// run in one thread: the toolkit plays both of DevTools' workers through a MessageChannel).
//
// parse:   DevToolsAPI.HeapSnapshotLoader.HeapSnapshotLoader: write() each UTF-8 chunk of the
//          file, close(), await parsingComplete. This fills the raw node/edge arrays and the
//          strings, and stops before JSHeapSnapshot is built.
// analyze: the toolkit's parse(createReadStream(file, 'utf-8')): the loader, then
//          loader.buildSnapshot() → JSHeapSnapshot.initialize(), which computes everything at
//          load: retainers, essential edges, dominators, retained sizes, dominated nodes,
//          distances, class aggregates' prerequisites. DevTools cannot do less.
import { createReadStream } from 'node:fs'
import { DevToolsAPI, diff, parse } from 'heap-snapshot-toolkit'
import { runMode } from './common.mjs'

async function parseOnly(file) {
  const loader = new DevToolsAPI.HeapSnapshotLoader.HeapSnapshotLoader()
  let chars = 0
  await new Promise((resolve, reject) => {
    const stream = createReadStream(file, 'utf-8')
    stream.on('error', reject)
    stream.on('end', resolve)
    stream.on('data', (chunk) => {
      chars += chunk.length
      loader.write(chunk)
    })
  })
  loader.close()
  await loader.parsingComplete
  return { chars }
}

async function analyze(file) {
  const snapshot = await parse(createReadStream(file, 'utf-8'))
  const rootOrdinal = snapshot.rootNodeIndex / snapshot.nodeFieldCount
  return { nodeCount: snapshot.nodeCount, rootRetainedSize: snapshot.retainedSizes[rootOrdinal], totalSize: snapshot.totalSize }
}

/** `diff <before> <after>`: DevTools' Comparison view (by class), both models loaded one after the other. */
async function compare(before, after) {
  const a = await parse(createReadStream(before, 'utf-8'))
  const b = await parse(createReadStream(after, 'utf-8'))
  const result = await diff(a, b)
  let added = 0
  for (const entry of Object.values(result)) added += entry.addedCount ?? 0
  return { classes: Object.keys(result).length, addedCount: added }
}

await runMode({ parse: parseOnly, analyze, diff: compare })
