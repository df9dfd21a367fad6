/**
 * heapscope's public API. The CLI and the TUI use only what is exported here
 * (and the renderers in src/report/).
 */
export { Snapshot } from './snapshot/snapshot.js'
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
} from './snapshot/errors.js'
export type { HeapscopeErrorCode } from './snapshot/errors.js'
export { openSnapshot, parseSnapshotChunks } from './snapshot/open.js'
export type { OpenOptions, ProgressInfo } from './snapshot/open.js'
export {
  computeSnapshotSummary,
  computeClassNames,
  detectSnapshotKind,
  compareClassesBySize,
  compareClassesByCount,
} from './analysis/summary.js'
export type { SnapshotSummary, SnapshotKind, ClassStats, ClassNames, SummaryOptions } from './analysis/summary.js'
