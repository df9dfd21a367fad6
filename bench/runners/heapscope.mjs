// heapscope, from the built library: the package's main entry, ../../dist/heapscope.js (one
// bundled module; `npm run build` in the repo first), or $HEAPSCOPE_DIST/heapscope.js.
//
// parse:   openSnapshot(file): the streaming parser into the columnar Snapshot.
// analyze: openSnapshot, then analyzeRetainedSizes(s): dominators, DevTools' shallow sizes and
//          retained sizes (what the peers compute), with shallow sizes and the essential retainers
//          on a helper thread while this one computes the rest of the dominators. `check.phases`
//          gives the seconds of each step.
//
// retainers-class, cycles: parse and analyzeHeapAsync, then the command's own work (see each).
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

  /**
   * `retainers <file> --class NAME` for the snapshot's most common class, as the CLI runs it:
   * openSnapshot, analyzeHeapAsync (distances and their shortest-path tree included), then
   * computeClassNames, findClassInstances and findRetainerClusters (`clusters` in phases).
   */
  async 'retainers-class'(file) {
    need('openSnapshot', 'analyzeHeapAsync', 'computeClassNames', 'findClassInstances', 'findRetainerClusters')
    const phases = {}
    const s = await timed(phases, 'parse', () => heapscope.openSnapshot(file))
    const a = await timed(phases, 'analyze', () => heapscope.analyzeHeapAsync(s))
    const classNames = await timed(phases, 'classNames', () => heapscope.computeClassNames(s))
    const counts = new Uint32Array(classNames.names.length)
    for (let n = 0; n < s.nodeCount; n++) counts[classNames.classIndex[n]]++
    let common = 0
    for (let c = 1; c < counts.length; c++) if (counts[c] > counts[common]) common = c
    const name = classNames.names[common]
    const clusters = await timed(phases, 'clusters', () =>
      heapscope.findRetainerClusters(s, a, heapscope.findClassInstances(s, classNames, name), { classNames }),
    )
    return { className: name, instances: counts[common], clusterCount: clusters.length, phases }
  },

  /** `cycles <file>` as the CLI runs it: openSnapshot, analyzeHeapAsync, then findCycles (top 10, no reverse index). */
  async cycles(file) {
    need('openSnapshot', 'analyzeHeapAsync', 'findCycles')
    const phases = {}
    const s = await timed(phases, 'parse', () => heapscope.openSnapshot(file))
    const a = await timed(phases, 'analyze', () => heapscope.analyzeHeapAsync(s))
    const report = await timed(phases, 'cycles', () => heapscope.findCycles(s, a, null, { top: 10 }))
    return { componentCount: report.componentCount, groupCount: report.groupCount, phases }
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
