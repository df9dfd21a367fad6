/**
 * Loading for the terminal UI: read the snapshots, analyse one, and build
 * what the first screens need. It runs in the loading thread
 * (load-worker.ts), so the loading screen keeps drawing through the long
 * synchronous phases, or on the UI's thread when a test passes its own
 * openSnapshot (run.ts); the same steps either way.
 */
import type { HeapIndexes } from './screen.js'
import { viewDiff } from './views/diff.js'
import {
  analyzeHeapAsync,
  buildDominatorTree,
  computeClassNames,
  openSnapshot,
  type DiffGrouping,
  type HeapAnalysis,
  type Snapshot,
  type SnapshotDiff,
} from '../index.js'

export interface LoadRequest {
  files: string[]
  /** the file whose snapshot is analysed */
  analyze: number
  /** also diff files[0] against files[analyze] (and files[2], the final one, if any), by this grouping */
  diff?: { groupBy: DiffGrouping | undefined }
}

/** How far loading has got: a file's phase, or the bytes read of it. */
export type LoadProgress = { type: 'phase'; file: number; phase: string } | { type: 'bytes'; file: number; bytesRead: number; totalBytes: number | null }

export interface Loaded {
  snapshots: Snapshot[]
  /** the analysis of snapshots[analyze] */
  analysis: HeapAnalysis
  indexes: HeapIndexes
  /** the diff asked for (LoadRequest.diff) */
  diff: SnapshotDiff | null
}

/** Reads the files one after the other (the peak is about the models, not the reads) and analyses one. */
export async function loadSnapshots(
  request: LoadRequest,
  report: (progress: LoadProgress) => void,
  open: typeof openSnapshot = openSnapshot,
  signal?: AbortSignal,
): Promise<Loaded> {
  const snapshots: Snapshot[] = []
  for (let i = 0; i < request.files.length; i++) {
    report({ type: 'phase', file: i, phase: 'reading' })
    snapshots.push(
      await open(request.files[i], { signal, onProgress: (p) => report({ type: 'bytes', file: i, bytesRead: p.bytesRead, totalBytes: p.totalBytes }) }),
    )
    report({ type: 'phase', file: i, phase: 'read' })
  }
  const analysed = snapshots[request.analyze]
  const analysis = await analyzeHeapAsync(analysed, { signal, onPhase: (phase) => report({ type: 'phase', file: request.analyze, phase }) })
  // What the first screens need too, while the UI's thread is still free to draw.
  report({ type: 'phase', file: request.analyze, phase: 'classes' })
  const indexes: HeapIndexes = { classes: computeClassNames(analysed), tree: buildDominatorTree(analysed, analysis.dominators, analysis.retainedSize) }
  let diff: SnapshotDiff | null = null
  if (request.diff !== undefined) {
    report({ type: 'phase', file: request.analyze, phase: 'diff' })
    diff = viewDiff(snapshots[0], analysed, analysis, request.diff.groupBy, snapshots[2])
  }
  return { snapshots, analysis, indexes, diff }
}
