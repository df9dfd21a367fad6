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
  createSourceMapper,
  GrowthSeries,
  openSnapshot,
  UsageError,
  type DiffGrouping,
  type Grouping,
  type SnapshotGrowth,
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
  /**
   * A growth series instead (files[analyze] is the last): each snapshot but
   * the last is dropped once the series has taken what it needs from it.
   */
  growth?: { groupBy: Grouping | undefined; sourceMaps: string[] }
}

/** A growth series alone, by another grouping (the Growth view's `b`): no analysis, the models dropped. */
export interface GrowthRequest {
  files: string[]
  groupBy: Grouping
  sourceMaps: string[]
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
  /** the growth series asked for (LoadRequest.growth), with the group of each object of the last snapshot */
  growth: SnapshotGrowth | null
}

function growthSeries(growth: { groupBy: Grouping | undefined; sourceMaps: string[] }): GrowthSeries {
  return new GrowthSeries({
    members: true,
    mapPosition: createSourceMapper({ dirs: growth.sourceMaps }),
    ...(growth.groupBy === undefined ? {} : { groupBy: growth.groupBy }),
  })
}

/**
 * The growth series of `request.files` by `request.groupBy`, reading one
 * model at a time and keeping none: what the Growth view's `b` needs, the
 * last snapshot's analysis being the one the UI holds already (the parser
 * numbers its nodes the same on every read, so `groupOfLast` fits it).
 */
export async function loadGrowth(
  request: GrowthRequest,
  report: (progress: LoadProgress) => void,
  open: typeof openSnapshot = openSnapshot,
  signal?: AbortSignal,
): Promise<SnapshotGrowth> {
  const series = growthSeries(request)
  const { files } = request
  let last: Snapshot | null = null
  for (let i = 0; i < files.length; i++) {
    report({ type: 'phase', file: i, phase: 'reading' })
    last = null
    const s = await open(files[i], { signal, onProgress: (p) => report({ type: 'bytes', file: i, bytesRead: p.bytesRead, totalBytes: p.totalBytes }) })
    report({ type: 'phase', file: i, phase: 'growth' })
    await series.addAsync(s)
    last = s
  }
  if (last === null) throw new UsageError('a growth series needs at least 2 snapshots, got 0')
  return series.finish(last, { maxCollections: 200 })
}

/** Reads the files one after the other (the peak is about the models, not the reads) and analyses one. */
export async function loadSnapshots(
  request: LoadRequest,
  report: (progress: LoadProgress) => void,
  open: typeof openSnapshot = openSnapshot,
  signal?: AbortSignal,
): Promise<Loaded> {
  const snapshots: Snapshot[] = []
  const series = request.growth === undefined ? null : growthSeries(request.growth)
  for (let i = 0; i < request.files.length; i++) {
    report({ type: 'phase', file: i, phase: 'reading' })
    const s = await open(request.files[i], { signal, onProgress: (p) => report({ type: 'bytes', file: i, bytesRead: p.bytesRead, totalBytes: p.totalBytes }) })
    if (series !== null) {
      // A series keeps one model at a time: the earlier ones are reduced to what it needs.
      report({ type: 'phase', file: i, phase: 'growth' })
      await series.addAsync(s)
      snapshots.length = 0
    }
    snapshots.push(s)
    report({ type: 'phase', file: i, phase: 'read' })
  }
  const analysed = series === null ? snapshots[request.analyze] : snapshots[0]
  const analysis = await analyzeHeapAsync(analysed, { signal, onPhase: (phase) => report({ type: 'phase', file: request.analyze, phase }) })
  // What the first screens need too, while the UI's thread is still free to draw.
  report({ type: 'phase', file: request.analyze, phase: 'classes' })
  const indexes: HeapIndexes = { classes: computeClassNames(analysed), tree: buildDominatorTree(analysed, analysis.dominators, analysis.retainedSize) }
  let diff: SnapshotDiff | null = null
  if (request.diff !== undefined) {
    report({ type: 'phase', file: request.analyze, phase: 'diff' })
    diff = viewDiff(snapshots[0], analysed, analysis, request.diff.groupBy, snapshots[2])
  }
  let growth: SnapshotGrowth | null = null
  if (series !== null) {
    report({ type: 'phase', file: request.analyze, phase: 'growth' })
    growth = series.finish(analysed, { maxCollections: 200 })
  }
  return { snapshots, analysis, indexes, diff, growth }
}
