/**
 * All the whole-heap passes the CLI and the TUI need, in one call, with
 * progress by phase. Each pass is a function of its own module (they are not
 * part of the public API: a caller wants their results together).
 *
 * analyzeHeapAsync uses both cores: shallow sizes and distances need no
 * dominator tree, and the essential retainers need only the essential
 * edges, so a helper thread (helper-thread.ts) computes them while this
 * thread computes the rest of the dominators.
 */
import type { Snapshot, SnapshotParts } from '../snapshot/snapshot.js'
import { deferred, startThread } from '../threads/worker.js'
import { computeDistanceTree, type DistanceTree } from './distances.js'
import { computeDominators, searchFromRoot, type Dominators, type EssentialRetainers } from './dominators.js'
import { computeEssentialEdges, computePageOwned, markEssentialEdges, newEdgeBits, type EdgeBits } from './essential-edges.js'
import type { HelperMessage, HelperReply } from './helper-thread.js'
import { computeRetainedSizes, computeShallowSizes } from './retained-size.js'
import { firstAtLeast } from './sorted.js'

/** Dominators and retained sizes: what a retained-size view needs. */
export interface RetainedSizes {
  dominators: Dominators
  /** DevTools' shallow size of each node (after redistribution) */
  shallowSize: Uint32Array
  /** retained size of each node, bytes */
  retainedSize: Float64Array
  /** the root's retained size plus extra_native_bytes: DevTools' total */
  totalSize: number
}

export interface HeapAnalysis extends RetainedSizes, DistanceTree {}

export type AnalysisPhase = 'dominators' | 'shallow sizes' | 'retained sizes' | 'distances'

export interface AnalyzeOptions {
  onPhase?: (phase: AnalysisPhase) => void
}

export interface AnalyzeAsyncOptions extends AnalyzeOptions {
  /** checked between phases; the promise rejects with the signal's reason */
  signal?: AbortSignal
  /**
   * Compute shallow sizes, the essential retainers and distances on a
   * helper thread while this one computes the rest of the dominators.
   * Default: for snapshots of HELPER_MIN_NODES nodes or more (below that,
   * starting the thread costs more than it saves). The results are the
   * same either way.
   */
  helperThread?: boolean
}

/**
 * From this many nodes the async analyses use a helper thread by default: it takes ~60 ms to
 * start, and measured at 179k nodes it was slower, at 321k even, at 1.3M ~0.3 s faster.
 */
export const HELPER_MIN_NODES = 400_000

/** What the steps compute: distances only when asked. */
type Passes = RetainedSizes & { distances: DistanceTree | null }

function retainedSizes(s: Snapshot, dominators: Dominators, shallowSize: Uint32Array): Passes {
  const retainedSize = computeRetainedSizes(s, dominators, shallowSize)
  return { dominators, shallowSize, retainedSize, distances: null, totalSize: retainedSize[s.rootOrdinal] + s.extraNativeBytes }
}

/** The passes in order, on this thread: yields each phase's name before running it. */
function* analysisSteps(s: Snapshot, distances: boolean): Generator<AnalysisPhase, Passes> {
  yield 'dominators'
  const dominators = computeDominators(s, computeEssentialEdges(s, computePageOwned(s)))
  yield 'shallow sizes'
  const shallowSize = computeShallowSizes(s)
  yield 'retained sizes'
  const passes = retainedSizes(s, dominators, shallowSize)
  if (!distances) return passes
  yield 'distances'
  return { ...passes, distances: computeDistanceTree(s) }
}

function withDistance(p: Passes): HeapAnalysis {
  const { distances, ...sizes } = p
  if (distances === null) throw new Error('internal: the analysis computed no distances')
  return { ...sizes, ...distances }
}

/**
 * Every node's immediate dominator, shallow size, retained size and distance,
 * and the total size, equal to what DevTools computes for the same file; on
 * this thread (`analyzeHeapAsync` uses a second core).
 *
 * @example
 *   const a = analyzeHeap(await openSnapshot('app.heapsnapshot'))
 *   console.log(a.totalSize, a.retainedSize[n])
 */
export function analyzeHeap(s: Snapshot, options: AnalyzeOptions = {}): HeapAnalysis {
  const steps = analysisSteps(s, true)
  for (;;) {
    const step = steps.next()
    if (step.done === true) return withDistance(step.value)
    options.onPhase?.(step.value)
  }
}

/** A started helper thread (helper-thread.ts): its results as they come, and a way to end it early. */
interface Helper {
  /** the essential edges of the nodes from `from` on, once sendOwned has been called */
  essential: Promise<EdgeBits>
  shallowSize: Promise<Uint32Array>
  retainers: Promise<EssentialRetainers>
  distances: Promise<DistanceTree>
  /** hands it page ownership, to mark the essential edges of nodes from `from` on */
  sendOwned: (pageOwned: Uint8Array, from: number) => void
  /** hands it all the essential edges (shared memory: not copied) */
  sendEdges: (essential: EdgeBits) => void
  stop: () => void
}

/** The parts the helper needs: the allocation traces stay here (they may be big and are not shared). */
function helperParts(s: Snapshot): SnapshotParts {
  return { ...s.parts(), traceFunctionInfos: null, traceTree: null, locations: null, samples: null, warnings: [] }
}

/** The helper thread could not start, or failed: the analysis runs again on this thread. */
class HelperFailed extends Error {}

/** A helper thread, or null if none can start (a resource limit). */
function startHelper(s: Snapshot, distances: boolean): Helper | null {
  const essential = deferred<EdgeBits>()
  const shallowSize = deferred<Uint32Array>()
  const retainers = deferred<EssentialRetainers>()
  const distanceTree = deferred<DistanceTree>()
  // Next to this module: dist/src/analysis/ for the modules, dist/ for the bundle (scripts/bundle.mjs).
  const thread = startThread<HelperMessage, HelperReply>(new URL('./helper-thread.js', import.meta.url), {
    onReply: (reply) => {
      if (reply.type === 'essential') essential.resolve(reply.bits)
      else if (reply.type === 'shallow') shallowSize.resolve(reply.shallowSize)
      else if (reply.type === 'retainers') retainers.resolve({ first: reply.first, from: reply.from })
      else distanceTree.resolve({ distance: reply.distance, predecessorEdge: reply.predecessorEdge })
    },
    // A result already in stays as it is (a settled promise does not change).
    onFailure: (error) => {
      const failed = new HelperFailed(`the analysis thread failed: ${error.message}`, { cause: error })
      for (const d of [essential, shallowSize, retainers, distanceTree]) d.reject(failed)
    },
  })
  if (thread === null) return null
  thread.send({ type: 'job', parts: helperParts(s), distances })
  return {
    essential: essential.promise,
    shallowSize: shallowSize.promise,
    retainers: retainers.promise,
    distances: distanceTree.promise,
    sendOwned: (pageOwned, from) => thread.send({ type: 'owned', pageOwned, from }),
    sendEdges: (bits) => thread.send({ type: 'edges', essential: bits }),
    stop: () => thread.stop(),
  }
}

/** DevTools' shallow sizes being computed (startShallowSizes). */
export interface ShallowSizesJob {
  /** the sizes, from the helper thread, or from this one if the helper could not start or failed */
  sizes: Promise<Uint32Array>
  /** ends the helper thread early (when the caller no longer needs the sizes) */
  stop(): void
}

/**
 * Starts DevTools' shallow sizes (computeShallowSizes) on a helper thread,
 * so that this thread can do other work until it awaits them: a growth
 * series counts a snapshot by class while the helper redistributes the
 * sizes. Below HELPER_MIN_NODES nodes, or when no thread can start, they
 * are computed here, now. The sizes are the same either way.
 *
 * @example
 *   const job = startShallowSizes(s)
 *   const names = computeClassNames(s) // meanwhile
 *   const shallow = await job.sizes
 */
export function startShallowSizes(s: Snapshot, options: { helperThread?: boolean } = {}): ShallowSizesJob {
  const here = (): ShallowSizesJob => ({ sizes: Promise.resolve(computeShallowSizes(s)), stop: () => undefined })
  if (!(options.helperThread ?? s.nodeCount >= HELPER_MIN_NODES)) return here()
  const result = deferred<Uint32Array>()
  const thread = startThread<HelperMessage, HelperReply>(new URL('./helper-thread.js', import.meta.url), {
    onReply: (reply) => {
      if (reply.type === 'shallow') result.resolve(reply.shallowSize)
    },
    // Slower, never wrong: a thread that could not run is not the input's fault.
    onFailure: () => result.resolve(computeShallowSizes(s)),
  })
  if (thread === null) return here()
  thread.send({ type: 'job', parts: helperParts(s), distances: false, shallowOnly: true })
  return { sizes: result.promise, stop: () => thread.stop() }
}

/** `promise`, or a rejection with the signal's reason as soon as it is aborted. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort))
  })
}

/**
 * The same passes as analysisSteps, with a helper thread: after page
 * ownership, each thread marks the essential edges of half the edges' nodes;
 * this thread runs the DFS while the helper builds the essential retainers,
 * then the rest of the dominators while the helper computes shallow sizes
 * (and distances, if asked).
 */
async function* helpedSteps(s: Snapshot, helper: Helper, distances: boolean, signal: AbortSignal | undefined): AsyncGenerator<AnalysisPhase, Passes> {
  yield 'dominators'
  const pageOwned = computePageOwned(s)
  // The first node whose edges start in the second half.
  const half = firstAtLeast(s.firstEdge.subarray(0, s.nodeCount), s.edgeCount >>> 1)
  helper.sendOwned(pageOwned, half)
  const essential = markEssentialEdges(s, pageOwned, newEdgeBits(s), 0, half)
  const theirs = await untilAborted(helper.essential, signal)
  for (let w = s.firstEdge[half] >>> 5; w < essential.length; w++) essential[w] |= theirs[w]
  helper.sendEdges(essential)
  const search = searchFromRoot(s, essential)
  const dominators = search.finish(await untilAborted(helper.retainers, signal))
  yield 'shallow sizes'
  const shallowSize = await untilAborted(helper.shallowSize, signal)
  yield 'retained sizes'
  const passes = retainedSizes(s, dominators, shallowSize)
  if (!distances) return passes
  yield 'distances'
  return { ...passes, distances: await untilAborted(helper.distances, signal) }
}

/** Runs the steps, on a helper thread too when asked or big enough, letting the event loop run between phases. */
async function runAsync(s: Snapshot, distances: boolean, options: AnalyzeAsyncOptions): Promise<Passes> {
  options.signal?.throwIfAborted()
  const helper = (options.helperThread ?? s.nodeCount >= HELPER_MIN_NODES) ? startHelper(s, distances) : null
  try {
    return await runSteps(helper === null ? analysisSteps(s, distances) : helpedSteps(s, helper, distances, options.signal), options)
  } catch (e) {
    // Slower, never wrong: a thread that could not run is not the input's fault.
    if (!(e instanceof HelperFailed)) throw e
    return await runSteps(analysisSteps(s, distances), options)
  } finally {
    helper?.stop()
  }
}

async function runSteps(steps: Generator<AnalysisPhase, Passes> | AsyncGenerator<AnalysisPhase, Passes>, options: AnalyzeAsyncOptions): Promise<Passes> {
  for (;;) {
    options.signal?.throwIfAborted()
    const step = await steps.next()
    if (step.done === true) return step.value
    options.onPhase?.(step.value)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/**
 * analyzeHeap for an interactive caller, and the fastest way to analyse a
 * big snapshot: it uses a helper thread (see `helperThread`). Between
 * phases it lets the event loop run (a UI redraws, a key press is read) and
 * stops if `signal` is aborted. Each phase itself still runs to its end.
 *
 * @example
 *   const a = await analyzeHeapAsync(s, { onPhase: show, signal: controller.signal })
 */
export async function analyzeHeapAsync(s: Snapshot, options: AnalyzeAsyncOptions = {}): Promise<HeapAnalysis> {
  return withDistance(await runAsync(s, true, options))
}

/**
 * Dominators, DevTools' shallow sizes and retained sizes, without
 * distances: analyzeHeapAsync for a caller that needs only those (the
 * benchmark's "analyze").
 *
 * @example
 *   const { retainedSize, totalSize } = await analyzeRetainedSizes(s)
 */
export async function analyzeRetainedSizes(s: Snapshot, options: AnalyzeAsyncOptions = {}): Promise<RetainedSizes> {
  const { distances: _, ...sizes } = await runAsync(s, false, options)
  return sizes
}
