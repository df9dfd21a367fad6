/**
 * heapscope's public API: what a library user needs, each runtime export
 * with TSDoc and an example (test/unit/exports.test.ts checks it). The CLI
 * and the TUI use only what is exported here and the renderers in
 * src/report/; the steps the analyses are made of (essential edges, page
 * ownership, shallow sizes, distances one by one, class aggregates) stay
 * inside, where tests import them from their modules.
 */

// Reading a snapshot: the model, and the errors every function throws.
export { Snapshot, transferList } from './snapshot/snapshot.js'
export type { StringTable } from './snapshot/strings.js'
export type {
  SnapshotParts,
  NodeTypeIds,
  EdgeTypeIds,
  TraceFunctionInfos,
  TraceTree,
  Locations,
  Samples,
} from './snapshot/snapshot.js'
export { openSnapshot, parseSnapshotChunks } from './snapshot/open.js'
export type { OpenOptions, ProgressInfo } from './snapshot/open.js'
export { HeapscopeError, InputError, SnapshotFormatError, GzipError, UsageError, CancelledError } from './snapshot/errors.js'
export type { HeapscopeErrorCode } from './snapshot/errors.js'

// The whole-heap analysis: dominators, shallow and retained sizes, distances, as DevTools computes them.
export { analyzeHeap, analyzeHeapAsync, analyzeRetainedSizes } from './analysis/heap-analysis.js'
export type { HeapAnalysis, RetainedSizes, AnalysisPhase, AnalyzeOptions, AnalyzeAsyncOptions } from './analysis/heap-analysis.js'
export type { Dominators } from './analysis/dominators.js'
export { NO_DISTANCE, NO_PREDECESSOR, SYSTEM_DISTANCE } from './analysis/distances.js'
export type { DistanceTree } from './analysis/distances.js'

// The questions people bring to a snapshot.
export { computeSnapshotSummary } from './analysis/summary.js'
export type { SnapshotSummary, ClassStats, SummaryOptions } from './analysis/summary.js'
export { computeClassNames } from './analysis/class-names.js'
export type { ClassNames, ClassNameOptions, InterfaceDefinition } from './analysis/class-names.js'
export { detectSnapshotKind } from './analysis/snapshot-kind.js'
export type { SnapshotKind } from './analysis/snapshot-kind.js'
export { buildRetainers, findRetainerPaths, shortestRetainerPath } from './analysis/retainers.js'
export { findClassInstances, findRetainerClusters, findRetainerClustersByGroup, RetainerShapes } from './analysis/clusters.js'
export type { RetainerCluster, ClusterStep, RetainerClusterOptions } from './analysis/clusters.js'
export type { Retainers, RetainerPath, RetainerPathOptions } from './analysis/retainers.js'
export { buildDominatorTree, dominatorChain } from './analysis/dominator-tree.js'
export type { DominatorTree } from './analysis/dominator-tree.js'
export { retainerSubgraph, dominatedSubgraph } from './analysis/subgraph.js'
export type { SubgraphOptions } from './analysis/subgraph.js'
export { allocationTraceOf, traceSite, traceStack, formatSite, allocationStackOf } from './analysis/sites.js'
export type { AllocationSite } from './analysis/sites.js'
export { diffSnapshots } from './analysis/diff.js'
export { sourceLocations, formatLocation } from './analysis/locations.js'
export type { SourceLocation, OriginalPosition } from './analysis/locations.js'
export type { Grouping, GroupInfo, PositionMapper } from './analysis/grouping.js'
export { GrowthSeries } from './analysis/growth.js'
export { createSourceMapper } from './analysis/source-maps.js'
export type { SourceMapOptions } from './analysis/source-maps.js'
export type { GrowthOptions, GrowthGroup, GrowingCollection, CollectionKind, SnapshotGrowth } from './analysis/growth.js'
export type { DiffGrouping, DiffOptions, DiffGroup, DiffTotals, SnapshotDiff, DiffSort, DiffClass } from './analysis/diff.js'
export { findDetachedTrees } from './analysis/detached.js'
export type { DetachedTree, DetachedReport, DetachedGroup, DetachedOptions } from './analysis/detached.js'
export { findCycles, DEFAULT_CYCLE_EDGE_TYPES } from './analysis/cycles.js'
export type { Cycle, CycleGroup, CycleReport, CycleOptions, CycleStep, ExternalRetainer } from './analysis/cycles.js'

// Taking snapshots: of a running process or a DevTools-protocol target (HeapProfilerSession), in a
// series, or of a program started for it (recordTargetFor). The protocol client, target picking,
// the loopback policy and file naming stay inside.
export { CaptureError } from './capture/errors.js'
export { listTargets } from './capture/targets.js'
export type { InspectorTarget } from './capture/targets.js'
export { HeapProfilerSession } from './capture/heap-profiler.js'
export type { ConnectOptions, SnapshotFile, SnapshotProgress, TakeSnapshotOptions } from './capture/heap-profiler.js'
export { takeSnapshotSeries } from './capture/series.js'
export type { SnapshotSource, SeriesOptions } from './capture/series.js'
export { recordTargetFor } from './capture/record-target.js'
export type { RecordTarget, RecordTargetKind, RecordTargetOptions, ProgramExit } from './capture/record-target.js'
export { describeExit } from './capture/node-target.js'
