/**
 * The loading thread of the terminal UI (load.ts does the work): Ctrl-C
 * ends the load at once (the UI stops this thread). The models come back as
 * parts: the parser's columns and string bytes are shared memory, the
 * analysis's arrays are transferred; nothing big is copied. The analysis
 * itself uses a helper thread of its own (analyzeHeapAsync). A growth
 * request (the Growth view's `b`) reads the series again by another
 * grouping and sends back the growth alone.
 */
import { serveThread } from '../threads/worker.js'
import { transferList, type HeapAnalysis, type SnapshotDiff, type SnapshotGrowth, type SnapshotParts } from '../index.js'
import { loadGrowth, loadSnapshots, type GrowthRequest, type LoadProgress, type LoadRequest } from './load.js'
import type { HeapIndexes } from './screen.js'

export type LoadThreadRequest = ({ type: 'load' } & LoadRequest) | ({ type: 'growth' } & GrowthRequest)

export type LoadReply =
  | LoadProgress
  | { type: 'done'; parts: SnapshotParts[]; analysis: HeapAnalysis; indexes: HeapIndexes; diff: SnapshotDiff | null; growth: SnapshotGrowth | null }
  | { type: 'growth'; growth: SnapshotGrowth }

serveThread<LoadThreadRequest, LoadReply>(async (inbox, reply) => {
  const request = await inbox.next()
  if (request.type === 'growth') {
    const done: LoadReply = { type: 'growth', growth: await loadGrowth(request, reply) }
    return reply(done, transferList(done))
  }
  const { snapshots, analysis, indexes, diff, growth } = await loadSnapshots(request, reply)
  const done: LoadReply = { type: 'done', parts: snapshots.map((s) => s.parts()), analysis, indexes, diff, growth }
  reply(done, transferList(done))
})
