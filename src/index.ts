/**
 * heapscope's public API. The CLI and the TUI use only what is exported here
 * (and the renderers in src/report/).
 */
export { Snapshot, transferList } from './snapshot/snapshot.js'
export { StringTable } from './snapshot/strings.js'
export type { StringTableParts } from './snapshot/strings.js'
export type {
  SnapshotParts,
  NodeTypeIds,
  EdgeTypeIds,
  TraceFunctionInfos,
  TraceTree,
  Locations,
  Samples,
} from './snapshot/snapshot.js'
export {
  HeapscopeError,
  InputError,
  SnapshotFormatError,
  GzipError,
  NodeNotFoundError,
  UsageError,
  CancelledError,
} from './snapshot/errors.js'
export type { HeapscopeErrorCode } from './snapshot/errors.js'
export { openSnapshot, parseSnapshotChunks } from './snapshot/open.js'
export type { OpenOptions, ProgressInfo } from './snapshot/open.js'
export { computeSnapshotSummary, compareClassesBySize, compareClassesByCount } from './analysis/summary.js'
export type { SnapshotSummary, ClassStats, SummaryOptions } from './analysis/summary.js'
export { computeClassNames } from './analysis/class-names.js'
export type { ClassNames } from './analysis/class-names.js'
export { detectSnapshotKind } from './analysis/snapshot-kind.js'
export type { SnapshotKind } from './analysis/snapshot-kind.js'
export { computePageOwned, computeEssentialEdges, hasBit, EphemeronNames } from './analysis/essential-edges.js'
export type { EdgeBits } from './analysis/essential-edges.js'
export { computeDominators } from './analysis/dominators.js'
export type { Dominators } from './analysis/dominators.js'
export { computeShallowSizes, computeRetainedSizes, hasUserRoots, isUserRoot } from './analysis/retained-size.js'
export { computeDistances, NO_DISTANCE, SYSTEM_DISTANCE } from './analysis/distances.js'
export { buildRetainers, findRetainerPaths } from './analysis/retainers.js'
export type { Retainers, RetainerPath, RetainerPathOptions } from './analysis/retainers.js'
export { analyzeHeap, analyzeHeapAsync, analyzeRetainedSizes, HELPER_MIN_NODES } from './analysis/heap-analysis.js'
export type { HeapAnalysis, RetainedSizes, AnalysisPhase, AnalyzeOptions, AnalyzeAsyncOptions } from './analysis/heap-analysis.js'
export { buildDominatorTree, dominatorChain } from './analysis/dominator-tree.js'
export type { DominatorTree } from './analysis/dominator-tree.js'
export { computeClassRetainedSizes } from './analysis/aggregates.js'
export { retainerSubgraph, dominatedSubgraph } from './analysis/subgraph.js'
export type { SubgraphOptions } from './analysis/subgraph.js'
export { sumOutermostRetained } from './analysis/aggregates.js'
export { traceSite, traceStack, formatSite, allocationTraceOf } from './analysis/sites.js'
export type { AllocationSite } from './analysis/sites.js'
export { diffSnapshots, MIN_AGREEMENT } from './analysis/diff.js'
export type { DiffGrouping, DiffOptions, DiffGroup, DiffTotals, SnapshotDiff } from './analysis/diff.js'
export { computeDetachedNodes, findDetachedTrees } from './analysis/detached.js'
export type { DetachedTree, DetachedReport } from './analysis/detached.js'
export { findCycles, stronglyConnectedComponents, DEFAULT_CYCLE_EDGE_TYPES } from './analysis/cycles.js'
export type { Cycle, CycleReport, CycleOptions, CycleStep, ExternalRetainer } from './analysis/cycles.js'
export { CaptureError } from './capture/errors.js'
export { InspectorClient, DEFAULT_TIMEOUT_MS } from './capture/inspector.js'
export type { InspectorClientOptions, SendOptions } from './capture/inspector.js'
export { listTargets, pickTarget, isLoopbackHost, checkHostAllowed } from './capture/targets.js'
export type { InspectorTarget } from './capture/targets.js'
export { HeapProfilerSession, takeHeapSnapshot } from './capture/heap-profiler.js'
export type { ConnectOptions, SnapshotFile, SnapshotProgress, TakeSnapshotOptions } from './capture/heap-profiler.js'
export { SnapshotFileWriter, snapshotFileName, nextSnapshotPath, PARTIAL_SUFFIX } from './capture/snapshot-file.js'
export { takeSnapshotSeries } from './capture/series.js'
export type { SnapshotSource, SeriesOptions } from './capture/series.js'
export { recordTargetFor, recordTargetKinds } from './capture/record-target.js'
export type { RecordTarget, RecordTargetKind, RecordTargetOptions, ProgramExit } from './capture/record-target.js'
export { NodeTarget, describeExit } from './capture/node-target.js'
