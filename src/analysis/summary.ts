/**
 * The cheap overview behind `heapscope summary`: counts, total size, what
 * produced the snapshot (browser, Node), and objects per class — one pass
 * over the nodes, no dominators unless an analysis is given.
 *
 * Class names are DevTools' Summary names (class-names.ts). Where we deviate
 * from DevTools' Summary, on purpose:
 * - Classes are keyed by name only (see class-names.ts).
 * - Sizes are the `shallowSize` the caller passes; by default V8's self sizes
 *   as written. DevTools first moves the size of `array`/`hidden` nodes owned
 *   by one object to that object (`calculateShallowSizes`); pass that result
 *   (computeShallowSizes, or an analysis) to get DevTools' numbers.
 * - As in DevTools, nodes whose size is 0 are not counted in any class.
 */
import { UsageError } from '../snapshot/errors.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import { computeClassRetainedSizes } from './aggregates.js'
import { computeClassNames, type ClassNames } from './class-names.js'
import { buildDominatorTree, type DominatorTree } from './dominator-tree.js'
import type { HeapAnalysis } from './heap-analysis.js'
import { detectSnapshotKind, type SnapshotKind } from './snapshot-kind.js'

/** Objects of one class. */
export interface ClassStats {
  /** DevTools class name: a constructor name, `(string)`, `Detached <div>`, `{x, y}`... */
  name: string
  /** number of nodes of this class with a non-zero size */
  count: number
  /** sum of their shallow sizes, bytes */
  selfSize: number
  /** retained size of the class (outermost instances only), when the heap was analysed */
  retainedSize?: number
}

export interface SnapshotSummary {
  nodeCount: number
  edgeCount: number
  /** sum of all self sizes plus `extraNativeBytes`, bytes: what DevTools shows as the total size */
  totalSelfSize: number
  /** `snapshot.extra_native_bytes` (native memory not in any node), 0 when absent */
  extraNativeBytes: number
  hasAllocationTraces: boolean
  kind: SnapshotKind
  /** every class, largest `selfSize` first (ties: larger count, then name) */
  classes: ClassStats[]
  /** the parser's non-fatal findings (`Snapshot.warnings`) */
  warnings: string[]
  /** DevTools' total size (root's retained size + extra_native_bytes), when the heap was analysed */
  totalSize?: number
}

export interface SummaryOptions {
  /**
   * Shallow size of node n in bytes, indexed by ordinal; default
   * `snapshot.v8SelfSize`. Only class sizes use it: `totalSelfSize` is the
   * same either way, since redistribution moves bytes without changing the sum.
   */
  shallowSize?: ArrayLike<number>
  /**
   * The heap's analysis: when given, classes use its shallow sizes and get
   * retained sizes, and the summary gets DevTools' total size.
   */
  analysis?: HeapAnalysis
  /** computeClassNames(s), when the caller has it already (it is reused, not recomputed) */
  classNames?: ClassNames
  /** buildDominatorTree(s, analysis…), when the caller has it already; used only with `analysis` */
  dominatorTree?: DominatorTree
}

const SUMMARY_OPTION_KEYS = new Set(['shallowSize', 'analysis', 'classNames', 'dominatorTree'])

/**
 * Counts, total size, kind and per-class statistics of a snapshot.
 *
 * @example
 *   const summary = computeSnapshotSummary(await openSnapshot('app.heapsnapshot.gz'))
 *   console.log(summary.kind, summary.nodeCount, summary.classes[0].name)
 */
export function computeSnapshotSummary(s: Snapshot, options: SummaryOptions = {}): SnapshotSummary {
  for (const key of Object.keys(options)) {
    if (!SUMMARY_OPTION_KEYS.has(key)) throw new UsageError(`computeSnapshotSummary: unknown option "${key}"`)
  }
  const analysis = options.analysis
  const shallowSize = options.shallowSize ?? analysis?.shallowSize ?? s.v8SelfSize
  if (shallowSize.length !== s.nodeCount) {
    throw new UsageError(`computeSnapshotSummary: shallowSize has ${shallowSize.length} entries, the snapshot ${s.nodeCount} nodes`)
  }
  const { classIndex, names } = options.classNames ?? computeClassNames(s)
  const count = new Float64Array(names.length)
  const size = new Float64Array(names.length)
  let selfSizeSum = 0
  const selfSize = s.v8SelfSize
  for (let n = 0; n < s.nodeCount; n++) {
    selfSizeSum += selfSize[n]
    const bytes = shallowSize[n]
    if (bytes === 0) continue
    const c = classIndex[n]
    count[c]++
    size[c] += bytes
  }
  const retained =
    analysis === undefined
      ? null
      : computeClassRetainedSizes(
          s,
          classIndex,
          names.length,
          options.dominatorTree ?? buildDominatorTree(s, analysis.dominators, analysis.retainedSize),
          analysis.shallowSize,
          analysis.retainedSize,
        )
  const classes: ClassStats[] = []
  for (let c = 0; c < names.length; c++) {
    if (count[c] === 0) continue
    const stats: ClassStats = { name: names[c], count: count[c], selfSize: size[c] }
    if (retained !== null) stats.retainedSize = retained[c]
    classes.push(stats)
  }
  classes.sort(compareClassesBySize)
  return {
    nodeCount: s.nodeCount,
    edgeCount: s.edgeCount,
    totalSelfSize: selfSizeSum + s.extraNativeBytes,
    extraNativeBytes: s.extraNativeBytes,
    hasAllocationTraces: s.hasAllocationTraces,
    kind: detectSnapshotKind(s),
    classes,
    warnings: s.warnings.slice(),
    ...(analysis === undefined ? {} : { totalSize: analysis.totalSize }),
  }
}

/**
 * Largest self size first; ties: larger count, then name (code unit order), so the order is total.
 *
 * @example
 *   const bySize = summary.classes.slice().sort(compareClassesBySize)
 */
export function compareClassesBySize(a: ClassStats, b: ClassStats): number {
  return b.selfSize - a.selfSize || b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

/**
 * Largest count first; ties: larger self size, then name.
 *
 * @example
 *   const byCount = summary.classes.slice().sort(compareClassesByCount)
 */
export function compareClassesByCount(a: ClassStats, b: ClassStats): number {
  return b.count - a.count || b.selfSize - a.selfSize || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}
