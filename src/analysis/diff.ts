/**
 * What grew between two snapshots (or three), grouped by allocation site,
 * stack, class or script.
 *
 * Objects are matched by V8 node id, which is stable across snapshots of one
 * process: new = in `after` only, freed = in `before` only. Ids also collide
 * across processes (two runs of one script share most ids, but few of them
 * name the same object), so the shared ids are checked to agree on node type
 * and name; when fewer than MIN_AGREEMENT of them do, the snapshots come from
 * different processes and groups are compared as aggregates (counts and sizes
 * per group in each snapshot) instead, which the result says.
 *
 * With a third snapshot (`final`), the new objects of `after` that are still
 * alive in `final` are the leak candidates (the technique memlab uses).
 *
 * Sizes are V8's self sizes, as DevTools' Comparison view counts them; the
 * retained size of a group's new objects comes from `after`'s dominator
 * tree, each byte once (outermost new members of the group only). The walk is
 * a merge of the two id-sorted orders: linear, typed arrays, no Map per node.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { UsageError } from '../snapshot/errors.js'
import { sumOutermostRetained } from './aggregates.js'
import { buildDominatorTree } from './dominator-tree.js'
import type { HeapAnalysis } from './heap-analysis.js'
import type { AllocationSite } from './sites.js'
import { Grouper, GroupKeys, type Grouping } from './grouping.js'

/** How `diff` groups objects: the groupings of grouping.ts. */
export type DiffGrouping = Grouping

export interface DiffOptions {
  /** default: 'site' when both snapshots have allocation traces, else 'class' */
  groupBy?: DiffGrouping
  /** the analysis of `after`, for retained sizes (computed by the caller: it is the costly part) */
  afterAnalysis?: HeapAnalysis
  /** a third snapshot: only new objects still alive in it count (leak candidates) */
  final?: Snapshot
  /** largest new objects to keep per group (default 5) */
  largestPerGroup?: number
}

export interface DiffGroup {
  key: string
  /** the allocating frame, for site/stack/script grouping */
  site?: AllocationSite
  /** the whole allocation stack, innermost first (stack grouping) */
  stack?: AllocationSite[]
  newCount: number
  newSize: number
  freedCount: number
  freedSize: number
  /** newSize - freedSize */
  netSize: number
  /** retained size in `after` of the group's new objects, each byte once (0 when matched by aggregate) */
  retainedSize: number
  /** ordinals in `after` of the largest new objects, by retained size */
  largestNew: number[]
}

export interface DiffTotals {
  newCount: number
  newSize: number
  freedCount: number
  freedSize: number
  netSize: number
}

export interface SnapshotDiff {
  matchedBy: 'id' | 'aggregate'
  /** both snapshots carry allocation traces */
  allocationTraces: boolean
  groupBy: DiffGrouping
  /** the grouping asked for, when it could not be used (site/stack/script without traces) */
  requestedGroupBy: DiffGrouping
  /** ids present in both, and how many of them agree on type and name */
  sharedIds: number
  agreeingIds: number
  /** three-snapshot mode: new objects are those still alive in the final snapshot */
  leakCandidates: boolean
  totals: DiffTotals
  /** sorted by net growth, largest first */
  groups: DiffGroup[]
}

/** Below this share of shared ids agreeing on type and name, the snapshots are from different processes. */
export const MIN_AGREEMENT = 0.8

const OPTION_KEYS = new Set(['groupBy', 'afterAnalysis', 'final', 'largestPerGroup'])

function emptyGroup(key: string, info: { site?: AllocationSite; stack?: AllocationSite[] }): DiffGroup {
  // site and stack right after the key, as the JSON report lists them
  const { site, stack } = info
  return {
    key,
    ...(site === undefined ? {} : { site }),
    ...(stack === undefined ? {} : { stack }),
    ...{ newCount: 0, newSize: 0, freedCount: 0, freedSize: 0, netSize: 0, retainedSize: 0, largestNew: [] },
  }
}

/** Per group: [count, self size] of a snapshot's non-synthetic nodes. */
function countByGroup(s: Snapshot, grouper: Grouper): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>()
  const synthetic = s.nodeTypes.synthetic
  for (let n = 0; n < s.nodeCount; n++) {
    if (s.nodeType[n] === synthetic) continue
    const g = grouper.groupOf(n)
    const c = out.get(g) ?? [0, 0]
    c[0]++
    c[1] += s.v8SelfSize[n]
    out.set(g, c)
  }
  return out
}

function sameObject(a: Snapshot, na: number, b: Snapshot, nb: number): boolean {
  return a.nodeTypeName(na) === b.nodeTypeName(nb) && a.strings.get(a.nodeNameIndex[na]) === b.strings.get(b.nodeNameIndex[nb])
}

/**
 * Compares `before` with `after` (and, with options.final, keeps the new
 * objects still alive in it).
 *
 * @example
 *   const d = diffSnapshots(a, b, { afterAnalysis: analyzeHeap(b) })
 *   d.groups[0].key // 'leakSomeThings leaky-app.cjs:26:17'
 */
export function diffSnapshots(before: Snapshot, after: Snapshot, options: DiffOptions = {}): SnapshotDiff {
  for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw new UsageError(`diffSnapshots: unknown option "${key}"`)
  const traces = before.hasAllocationTraces && after.hasAllocationTraces && (options.final?.hasAllocationTraces ?? true)
  const requested = options.groupBy ?? (traces ? 'site' : 'class')
  const groupBy: DiffGrouping = requested !== 'class' && !after.hasAllocationTraces ? 'class' : requested
  const keys = new GroupKeys()
  const groupsAfter = new Grouper(after, groupBy, keys)
  const groupsBefore = new Grouper(before, groupBy === 'class' || before.hasAllocationTraces ? groupBy : 'class', keys)
  /** the group numbered g by `keys`, made when first asked for */
  const diffGroups: DiffGroup[] = []
  const group = (g: number): DiffGroup => {
    for (let k = diffGroups.length; k <= g; k++) diffGroups.push(emptyGroup(keys.groups[k].key, keys.groups[k]))
    return diffGroups[g]
  }
  const keepPerGroup = options.largestPerGroup ?? 5

  // Merge walk over both id orders: shared ids, and whether they agree.
  const orderA = before.ordinalsById()
  const orderB = after.ordinalsById()
  const idsA = before.nodeId
  const idsB = after.nodeId
  const syntheticA = before.nodeTypes.synthetic
  const syntheticB = after.nodeTypes.synthetic
  /** 1 for nodes of `after` that `before` does not have */
  const isNew = new Uint8Array(after.nodeCount)
  /** 1 for nodes of `before` that `after` does not have */
  const isFreed = new Uint8Array(before.nodeCount)
  let shared = 0
  let agreeing = 0
  let i = 0
  let j = 0
  while (i < orderA.length || j < orderB.length) {
    const na = i < orderA.length ? orderA[i] : -1
    const nb = j < orderB.length ? orderB[j] : -1
    if (nb < 0 || (na >= 0 && idsA[na] < idsB[nb])) {
      if (before.nodeType[na] !== syntheticA) isFreed[na] = 1
      i++
    } else if (na < 0 || idsB[nb] < idsA[na]) {
      if (after.nodeType[nb] !== syntheticB) isNew[nb] = 1
      j++
    } else {
      shared++
      if (sameObject(before, na, after, nb)) agreeing++
      i++
      j++
    }
  }
  const matchedBy: 'id' | 'aggregate' = shared === 0 || agreeing / shared >= MIN_AGREEMENT ? 'id' : 'aggregate'

  // Three snapshots: new objects must still be alive (same id, same object) in final.
  const final = options.final
  if (final !== undefined && matchedBy === 'id') {
    for (let n = 0; n < after.nodeCount; n++) {
      if (isNew[n] === 0) continue
      const m = final.ordinalOfId(idsB[n])
      if (m < 0 || !sameObject(after, n, final, m)) isNew[n] = 0
    }
  }

  const groupOfNew = new Int32Array(after.nodeCount).fill(-1)
  if (matchedBy === 'id') {
    for (let n = 0; n < after.nodeCount; n++) {
      if (isNew[n] === 0) continue
      const g = groupsAfter.groupOf(n)
      groupOfNew[n] = g
      group(g).newCount++
      group(g).newSize += after.v8SelfSize[n]
    }
    for (let n = 0; n < before.nodeCount; n++) {
      if (isFreed[n] === 0) continue
      const g = groupsBefore.groupOf(n)
      group(g).freedCount++
      group(g).freedSize += before.v8SelfSize[n]
    }
  } else {
    // Different processes: per group, the change of count and size.
    const countA = countByGroup(before, groupsBefore)
    const countB = countByGroup(after, groupsAfter)
    group(keys.groups.length - 1)
    diffGroups.forEach((group, g) => {
      const [ca, sa] = countA.get(g) ?? [0, 0]
      const [cb, sb] = countB.get(g) ?? [0, 0]
      group.newCount = Math.max(0, cb - ca)
      group.freedCount = Math.max(0, ca - cb)
      group.newSize = Math.max(0, sb - sa)
      group.freedSize = Math.max(0, sa - sb)
    })
  }

  const analysis = options.afterAnalysis
  if (analysis !== undefined && matchedBy === 'id') {
    const tree = buildDominatorTree(after, analysis.dominators, analysis.retainedSize)
    const retained = sumOutermostRetained(after, tree, groupOfNew, keys.groups.length, analysis.retainedSize)
    group(keys.groups.length - 1)
    for (let g = 0; g < diffGroups.length; g++) diffGroups[g].retainedSize = retained[g]
    // The largest new objects of each group, by retained size.
    const r = analysis.retainedSize
    for (let n = 0; n < after.nodeCount; n++) {
      const g = groupOfNew[n]
      if (g < 0) continue
      const list = group(g).largestNew
      if (list.length === keepPerGroup && r[list[list.length - 1]] >= r[n]) continue
      let k = list.length
      while (k > 0 && r[list[k - 1]] < r[n]) k--
      list.splice(k, 0, n)
      if (list.length > keepPerGroup) list.pop()
    }
  }

  const totals: DiffTotals = { newCount: 0, newSize: 0, freedCount: 0, freedSize: 0, netSize: 0 }
  for (const group of diffGroups) {
    group.netSize = group.newSize - group.freedSize
    totals.newCount += group.newCount
    totals.newSize += group.newSize
    totals.freedCount += group.freedCount
    totals.freedSize += group.freedSize
  }
  totals.netSize = totals.newSize - totals.freedSize
  const groups = diffGroups
    .filter((g) => g.newCount > 0 || g.freedCount > 0)
    .sort((x, y) => y.netSize - x.netSize || y.newCount - x.newCount || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
  return {
    matchedBy,
    allocationTraces: traces,
    groupBy,
    requestedGroupBy: requested,
    sharedIds: shared,
    agreeingIds: agreeing,
    leakCandidates: final !== undefined && matchedBy === 'id',
    totals,
    groups,
  }
}
