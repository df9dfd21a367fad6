/**
 * The loading thread of the terminal UI: reads the snapshots and analyses
 * one of them off the UI's thread, so the loading screen keeps drawing
 * through the long synchronous phases (a 1 GB snapshot spends seconds in
 * dominators) and Ctrl-C ends the load at once (the UI terminates this
 * thread). The models come back as parts: the parser's columns and string
 * bytes are shared memory, the analysis's arrays are transferred; nothing
 * big is copied. The analysis itself uses a helper thread of its own
 * (analyzeHeapAsync).
 */
import { parentPort, workerData } from 'node:worker_threads'
import { viewDiff, type HeapIndexes } from './screens.js'
import {
  analyzeHeapAsync,
  buildDominatorTree,
  computeClassNames,
  HeapscopeError,
  openSnapshot,
  transferList,
  type DiffGrouping,
  type HeapAnalysis,
  type HeapscopeErrorCode,
  type Snapshot,
  type SnapshotDiff,
  type SnapshotParts,
} from '../index.js'

export interface LoadRequest {
  files: string[]
  /** the file whose snapshot is analysed */
  analyze: number
  /** also diff files[0] against files[analyze] (and files[2], the final one, if any), by this grouping */
  diff?: { groupBy: DiffGrouping | undefined }
}

export type LoadMessage =
  | { type: 'phase'; file: number; phase: string }
  | { type: 'bytes'; file: number; bytesRead: number; totalBytes: number | null }
  | { type: 'done'; parts: SnapshotParts[]; analysis: HeapAnalysis; indexes: HeapIndexes; diff: SnapshotDiff | null }
  | { type: 'error'; code: HeapscopeErrorCode | null; name: string; message: string; stack: string | undefined }

async function load(request: LoadRequest, post: (m: LoadMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
  const snapshots: Snapshot[] = []
  for (let i = 0; i < request.files.length; i++) {
    post({ type: 'phase', file: i, phase: 'reading' })
    snapshots.push(
      await openSnapshot(request.files[i], { onProgress: (p) => post({ type: 'bytes', file: i, bytesRead: p.bytesRead, totalBytes: p.totalBytes }) }),
    )
    post({ type: 'phase', file: i, phase: 'read' })
  }
  const analysed = snapshots[request.analyze]
  const analysis = await analyzeHeapAsync(analysed, { onPhase: (phase) => post({ type: 'phase', file: request.analyze, phase }) })
  // What the first screens need too, while the UI's thread is still free to draw.
  post({ type: 'phase', file: request.analyze, phase: 'classes' })
  const indexes: HeapIndexes = { classes: computeClassNames(analysed), tree: buildDominatorTree(analysed, analysis.dominators, analysis.retainedSize) }
  let diff: SnapshotDiff | null = null
  if (request.diff !== undefined) {
    post({ type: 'phase', file: request.analyze, phase: 'diff' })
    diff = viewDiff(snapshots[0], analysed, analysis, request.diff.groupBy, snapshots[2])
  }
  const message: LoadMessage = { type: 'done', parts: snapshots.map((s) => s.parts()), analysis, indexes, diff }
  post(message, transferList(message))
}

if (parentPort !== null) {
  const port = parentPort
  const post = (m: LoadMessage, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer)
  load(workerData as LoadRequest, post).catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err))
    post({ type: 'error', code: err instanceof HeapscopeError ? err.code : null, name: e.name, message: e.message, stack: e.stack })
  })
}
