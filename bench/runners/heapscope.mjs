// heapscope, from the built library: the package's main entry, ../../dist/heapscope.js (one
// bundled module; `npm run build` in the repo first), or $HEAPSCOPE_DIST/heapscope.js.
//
// parse:   openSnapshot(file): the streaming parser into the columnar Snapshot.
// analyze: openSnapshot, then analyzeRetainedSizes(s): dominators, DevTools' shallow sizes and
//          retained sizes (what the peers compute), with shallow sizes and the essential retainers
//          on a helper thread while this one computes the rest of the dominators. `check.phases`
//          gives the seconds of each step.
//
// A mode is one small function of the files it reads; to add one (cycles, diff), write it here,
// say in its comment which library calls it times, and add it to `modes`. run.mjs passes the
// mode's name and the snapshot file(s) after it.
import { pathToFileURL } from 'node:url'
import { NotAvailable, runMode } from './common.mjs'

// HEAPSCOPE_DIST (a folder holding heapscope.js) pins a copy of the build, so that a rebuild in the
// work tree during a long benchmark does not change what is measured halfway through.
const dist = process.env.HEAPSCOPE_DIST ? pathToFileURL(`${process.env.HEAPSCOPE_DIST}/`) : new URL('../../dist/', import.meta.url)
const heapscope = await import(new URL('heapscope.js', dist).href)

/** Times `f()` into `phases[name]` (seconds) and returns its result. */
async function timed(phases, name, f) {
  const started = process.hrtime.bigint()
  const result = await f()
  phases[name] = Number(process.hrtime.bigint() - started) / 1e9
  return result
}

function need(...names) {
  const missing = names.filter((name) => typeof heapscope[name] !== 'function')
  if (missing.length > 0) throw new NotAvailable(`dist/heapscope.js does not export ${missing.join(', ')}`)
}

const modes = {
  /** `diff <before> <after>`: both parsed one after the other, the after analysed, then diffSnapshots. */
  async diff(before, after) {
    need('openSnapshot', 'analyzeHeap', 'diffSnapshots')
    const phases = {}
    const a = await timed(phases, 'parseBefore', () => heapscope.openSnapshot(before))
    const b = await timed(phases, 'parseAfter', () => heapscope.openSnapshot(after))
    const analysis = await timed(phases, 'analyzeAfter', () => heapscope.analyzeHeap(b))
    const d = await timed(phases, 'diff', () => heapscope.diffSnapshots(a, b, { afterAnalysis: analysis, groupBy: 'class' }))
    return { newCount: d.totals.newCount, freedCount: d.totals.freedCount, netSize: d.totals.netSize, phases }
  },

  async parse(file) {
    need('openSnapshot')
    const phases = {}
    const s = await timed(phases, 'parse', () => heapscope.openSnapshot(file))
    return { nodeCount: s.nodeCount, edgeCount: s.edgeCount, phases }
  },

  async analyze(file) {
    need('openSnapshot', 'analyzeRetainedSizes')
    const phases = {}
    const s = await timed(phases, 'parse', () => heapscope.openSnapshot(file))
    const a = await timed(phases, 'analyze', () => heapscope.analyzeRetainedSizes(s))
    return { nodeCount: s.nodeCount, rootRetainedSize: a.retainedSize[s.rootOrdinal], phases }
  },
}

await runMode(modes)
