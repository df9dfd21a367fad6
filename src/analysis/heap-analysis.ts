/**
 * All the whole-heap passes the CLI and the TUI need, in one call, with
 * progress by phase. Each pass is also exported on its own.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { computeDistances } from './distances.js'
import { computeDominators, type Dominators } from './dominators.js'
import { computeEssentialEdges, computePageOwned } from './essential-edges.js'
import { computeRetainedSizes, computeShallowSizes } from './retained-size.js'

export interface HeapAnalysis {
  dominators: Dominators
  /** DevTools' shallow size of each node (after redistribution) */
  shallowSize: Uint32Array
  /** retained size of each node, bytes */
  retainedSize: Float64Array
  /** DevTools' distance of each node (NO_DISTANCE when unreachable) */
  distance: Int32Array
  /** the root's retained size plus extra_native_bytes: DevTools' total */
  totalSize: number
}

export type AnalysisPhase = 'dominators' | 'shallow sizes' | 'retained sizes' | 'distances'

export interface AnalyzeOptions {
  onPhase?: (phase: AnalysisPhase) => void
}

/**
 * @example
 *   const a = analyzeHeap(await openSnapshot('app.heapsnapshot'))
 *   console.log(a.totalSize, a.retainedSize[n])
 */
export function analyzeHeap(s: Snapshot, options: AnalyzeOptions = {}): HeapAnalysis {
  const phase = options.onPhase ?? (() => {})
  phase('dominators')
  const dominators = computeDominators(s, computeEssentialEdges(s, computePageOwned(s)))
  phase('shallow sizes')
  const shallowSize = computeShallowSizes(s)
  phase('retained sizes')
  const retainedSize = computeRetainedSizes(s, dominators, shallowSize)
  phase('distances')
  const distance = computeDistances(s)
  return {
    dominators,
    shallowSize,
    retainedSize,
    distance,
    totalSize: retainedSize[s.rootOrdinal] + s.extraNativeBytes,
  }
}
