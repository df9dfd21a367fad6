/**
 * The loading thread of the terminal UI (load.ts does the work): Ctrl-C
 * ends the load at once (the UI stops this thread). The models come back as
 * parts: the parser's columns and string bytes are shared memory, the
 * analysis's arrays are transferred; nothing big is copied. The analysis
 * itself uses a helper thread of its own (analyzeHeapAsync).
 */
import { serveThread } from '../threads/worker.js'
import { transferList, type HeapAnalysis, type SnapshotDiff, type SnapshotGrowth, type SnapshotParts } from '../index.js'
import { loadSnapshots, type LoadProgress, type LoadRequest } from './load.js'
import type { HeapIndexes } from './screen.js'

export type LoadReply =
  | LoadProgress
  | { type: 'done'; parts: SnapshotParts[]; analysis: HeapAnalysis; indexes: HeapIndexes; diff: SnapshotDiff | null; growth: SnapshotGrowth | null }

serveThread<LoadRequest, LoadReply>(async (inbox, reply) => {
  const { snapshots, analysis, indexes, diff, growth } = await loadSnapshots(await inbox.next(), reply)
  const done: LoadReply = { type: 'done', parts: snapshots.map((s) => s.parts()), analysis, indexes, diff, growth }
  reply(done, transferList(done))
})
