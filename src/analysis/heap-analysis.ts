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

export interface AnalyzeAsyncOptions extends AnalyzeOptions {
  /** checked between phases; the promise rejects with the signal's reason */
  signal?: AbortSignal
}

/** The passes in order: yields each phase's name before running it. */
function* analysisSteps(s: Snapshot): Generator<AnalysisPhase, HeapAnalysis> {
  yield 'dominators'
  const dominators = computeDominators(s, computeEssentialEdges(s, computePageOwned(s)))
  yield 'shallow sizes'
  const shallowSize = computeShallowSizes(s)
  yield 'retained sizes'
  const retainedSize = computeRetainedSizes(s, dominators, shallowSize)
  yield 'distances'
  const distance = computeDistances(s)
  return {
    dominators,
    shallowSize,
    retainedSize,
    distance,
    totalSize: retainedSize[s.rootOrdinal] + s.extraNativeBytes,
  }
}

/**
 * @example
 *   const a = analyzeHeap(await openSnapshot('app.heapsnapshot'))
 *   console.log(a.totalSize, a.retainedSize[n])
 */
export function analyzeHeap(s: Snapshot, options: AnalyzeOptions = {}): HeapAnalysis {
  const steps = analysisSteps(s)
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
    options.onPhase?.(step.value)
  }
}

/**
 * analyzeHeap for an interactive caller: between phases it lets the event
 * loop run (a UI redraws, a key press is read) and stops if `signal` is
 * aborted. Each phase itself still runs to its end.
 *
 * @example
 *   const a = await analyzeHeapAsync(s, { onPhase: show, signal: controller.signal })
 */
export async function analyzeHeapAsync(s: Snapshot, options: AnalyzeAsyncOptions = {}): Promise<HeapAnalysis> {
  const steps = analysisSteps(s)
  for (;;) {
    options.signal?.throwIfAborted()
    const step = steps.next()
    if (step.done === true) return step.value
    options.onPhase?.(step.value)
    await new Promise((resolve) => setImmediate(resolve))
    options.signal?.throwIfAborted()
  }
}
