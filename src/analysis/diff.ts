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
import { allocationTraceOf, formatSite, traceSite, traceStack, type AllocationSite } from './sites.js'
import { computeClassNames } from './class-names.js'

export type DiffGrouping = 'site' | 'stack' | 'class' | 'script'

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

/** Group keys of one snapshot's nodes, computed once per class or trace node, not per node. */
class Grouper {
  private readonly classOf: Uint32Array
  private readonly classNames: string[]
  private readonly byClass: Int32Array
  private readonly byTrace: Int32Array

  constructor(
    private readonly s: Snapshot,
    private readonly groupBy: DiffGrouping,
    private readonly registry: GroupRegistry,
  ) {
    const { classIndex, names } = computeClassNames(s)
    this.classOf = classIndex
    this.classNames = names
    this.byClass = new Int32Array(names.length).fill(-1)
    this.byTrace = new Int32Array(s.traceTree?.count ?? 0).fill(-1)
  }

  groupOf(n: number): number {
    if (this.groupBy === 'class') {
      const c = this.classOf[n]
      if (this.byClass[c] < 0) this.byClass[c] = this.registry.id(this.classNames[c])
      return this.byClass[c]
    }
    const t = allocationTraceOf(this.s, n)
    if (t < 0) return this.registry.id('(no allocation trace)')
    if (this.byTrace[t] < 0) {
      const site = traceSite(this.s, t)
      if (this.groupBy === 'site') this.byTrace[t] = this.registry.id(formatSite(site), { site })
      else if (this.groupBy === 'script') this.byTrace[t] = this.registry.id(site.scriptName === '' ? '(no script)' : site.scriptName, { site: { functionName: '', scriptName: site.scriptName, line: 0, column: 0 } })
      else {
        const stack = traceStack(this.s, t)
        this.byTrace[t] = this.registry.id(stack.map(formatSite).join(' <- '), { site, stack })
      }
    }
    return this.byTrace[t]
  }
}

class GroupRegistry {
  readonly groups: DiffGroup[] = []
  private readonly index = new Map<string, number>()

  id(key: string, extra: { site?: AllocationSite; stack?: AllocationSite[] } = {}): number {
    let g = this.index.get(key)
    if (g === undefined) {
      g = this.groups.length
      this.groups.push({ key, ...extra, newCount: 0, newSize: 0, freedCount: 0, freedSize: 0, netSize: 0, retainedSize: 0, largestNew: [] })
      this.index.set(key, g)
    }
    return g
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
  const registry = new GroupRegistry()
  const groupsAfter = new Grouper(after, groupBy, registry)
  const groupsBefore = new Grouper(before, groupBy === 'class' || before.hasAllocationTraces ? groupBy : 'class', registry)
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
      registry.groups[g].newCount++
      registry.groups[g].newSize += after.v8SelfSize[n]
    }
    for (let n = 0; n < before.nodeCount; n++) {
      if (isFreed[n] === 0) continue
      const g = groupsBefore.groupOf(n)
      registry.groups[g].freedCount++
      registry.groups[g].freedSize += before.v8SelfSize[n]
    }
  } else {
    // Different processes: per group, the change of count and size.
    const countA = countByGroup(before, groupsBefore)
    const countB = countByGroup(after, groupsAfter)
    registry.groups.forEach((group, g) => {
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
    const retained = sumOutermostRetained(after, tree, groupOfNew, registry.groups.length, analysis.retainedSize)
    registry.groups.forEach((group, g) => (group.retainedSize = retained[g]))
    // The largest new objects of each group, by retained size.
    const r = analysis.retainedSize
    for (let n = 0; n < after.nodeCount; n++) {
      const g = groupOfNew[n]
      if (g < 0) continue
      const list = registry.groups[g].largestNew
      if (list.length === keepPerGroup && r[list[list.length - 1]] >= r[n]) continue
      let k = list.length
      while (k > 0 && r[list[k - 1]] < r[n]) k--
      list.splice(k, 0, n)
      if (list.length > keepPerGroup) list.pop()
    }
  }

  const totals: DiffTotals = { newCount: 0, newSize: 0, freedCount: 0, freedSize: 0, netSize: 0 }
  for (const group of registry.groups) {
    group.netSize = group.newSize - group.freedSize
    totals.newCount += group.newCount
    totals.newSize += group.newSize
    totals.freedCount += group.freedCount
    totals.freedSize += group.freedSize
  }
  totals.netSize = totals.newSize - totals.freedSize
  const groups = registry.groups
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
