/**
 * What grew between two snapshots (or three), grouped by allocation site,
 * stack, class, script or constructor (grouping.ts).
 *
 * Objects are matched by V8 node id, which is stable across snapshots of one
 * process. Sizes are DevTools' shallow sizes (after it moves the size of
 * arrays owned by one object to that object, retained-size.ts), and objects
 * of shallow size 0 are left out on both sides, as DevTools' Comparison view
 * does (its `buildAggregates` skips them; they are the owned arrays whose
 * size their owner now carries, and synthetic nodes).
 *
 * - class and constructor grouping: DevTools' Comparison exactly
 *   (`calculateSnapshotDiff` / `calculateDiffForClass`): per class, new = ids
 *   of the class in `after` that the class does not have in `before`,
 *   deleted the other way, so an id whose class changed (a plain object that
 *   took a `{x, y}` shape, say) is deleted from one class and new in the
 *   other. `before`'s plain objects are named with `after`'s property shapes
 *   (`aggregatesForDiff(interfaceDefinitions)`), so a class means the same
 *   on both sides.
 * - site, stack and script grouping: an object keeps its allocation trace,
 *   so ids are matched across the whole heap: new = not in `before` at all,
 *   freed = not in `after`; a new object counts in its `after` group, a freed
 *   one in its `before` group.
 *
 * Ids also collide across processes (two runs of one script share most ids,
 * but few of them name the same object), so the shared ids are checked to
 * agree on node type and name; when fewer than MIN_AGREEMENT of them do, the
 * snapshots come from different processes and groups are compared as
 * aggregates (count and size per group in each snapshot) instead, which the
 * result says; then new/freed are the growth and shrinkage of each group's
 * count and size, not objects.
 *
 * With a third snapshot (`final`), the new objects of `after` that are still
 * alive in `final` are the leak candidates (the technique memlab uses).
 *
 * The retained size of a group's new objects comes from `after`'s dominator
 * tree, each byte once (outermost new members of the group only). The walk is
 * a merge of the two id-sorted orders: linear, typed arrays, no Map per node.
 *
 * With the analysis of `after`, each group also says what its new objects
 * are and why they are alive: a breakdown by class, ranked by retained size;
 * its retainer clusters (clusters.ts: the new objects by the shape of their
 * shortest retainer path, every reachable one in one); and its largest new
 * objects by retained size, V8's internals (code, feedback, maps, shared
 * function infos: node types code, hidden and object shape) left out unless
 * asked for, since they outgrow the leaked objects without being what
 * leaked. Retained sizes of groups, classes and clusters count each byte
 * once, in one sweep of the dominator tree's preorder.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { UsageError } from '../snapshot/errors.js'
import { findRetainerClustersByGroup, RetainerShapes, type RetainerCluster } from './clusters.js'
import type { HeapAnalysis } from './heap-analysis.js'
import { ABSENT, PairTable } from './pair-table.js'
import type { AllocationSite } from './sites.js'
import { computeClassNames, type ClassNames } from './class-names.js'
import { Grouper, GroupKeys, TRACE_GROUPINGS, type GroupInfo, type Grouping, type PositionMapper } from './grouping.js'
import type { SourceLocation } from './locations.js'
import { computeShallowSizes } from './retained-size.js'

/** How `diff` groups objects: the groupings of grouping.ts. */
export type DiffGrouping = Grouping

export interface DiffOptions {
  /** default: 'site' when both snapshots have allocation traces, else 'class' */
  groupBy?: DiffGrouping
  /** the analysis of `after`, for retained sizes (computed by the caller: it is the costly part) */
  afterAnalysis?: HeapAnalysis
  /** a third snapshot: only new objects still alive in it count (leak candidates) */
  final?: Snapshot
  /** largest new objects to keep per group (default 5; 0 = all) */
  largestPerGroup?: number
  /** positions in transpiled code to the original source (source maps) */
  mapPosition?: PositionMapper
  /** keep V8's internals (code, feedback, maps, shared function infos) among the largest new objects (default false) */
  internals?: boolean
  /** order of the groups: net growth (default) or the retained size of their new objects */
  sortBy?: DiffSort
  /** group the new objects by retainer path (default true; needs afterAnalysis) */
  clusters?: boolean
}

/** How `diff` ranks its groups. */
export type DiffSort = 'net' | 'retained'

/** New objects of one class inside a group. */
export interface DiffClass {
  /** DevTools' class name */
  name: string
  count: number
  /** DevTools' shallow sizes, bytes (as the group's newSize) */
  size: number
  /** retained in `after`, each byte once */
  retainedSize: number
}

export interface DiffGroup {
  key: string
  /** the allocating frame, for site/stack/script grouping */
  site?: AllocationSite
  /** the whole allocation stack, innermost first (stack grouping) */
  stack?: AllocationSite[]
  /** DevTools' class name (class and constructor grouping, and objects without a trace) */
  className?: string
  /** the constructor's (or closure's) definition site (class and constructor grouping) */
  location?: SourceLocation
  newCount: number
  newSize: number
  freedCount: number
  freedSize: number
  /** newSize - freedSize */
  netSize: number
  /** retained size in `after` of the group's new objects, each byte once (0 when matched by aggregate) */
  retainedSize: number
  /** ordinals in `after` of the largest new objects, by retained size (V8's internals left out unless asked) */
  largestNew: number[]
  /** the new objects by class, largest retained first (with afterAnalysis) */
  classes: DiffClass[]
  /** the new objects by shortest retainer path, largest retained first: every new object something holds, in one (with afterAnalysis) */
  retainerClusters: RetainerCluster[]
  /** matched by aggregate only: the group's count and size in each snapshot */
  countBefore?: number
  countAfter?: number
  sizeBefore?: number
  sizeAfter?: number
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
  /** sorted by net growth (or by retained size, with sortBy 'retained'), largest first */
  groups: DiffGroup[]
  /** the group (index in `groups`) of each new object of `after`, -1 for the others; null when matched by aggregate */
  newGroupOf: Int32Array | null
}

/** Below this share of shared ids agreeing on type and name, the snapshots are from different processes. */
export const MIN_AGREEMENT = 0.8

const OPTION_KEYS = new Set(['groupBy', 'afterAnalysis', 'final', 'largestPerGroup', 'mapPosition', 'internals', 'sortBy', 'clusters'])

/** V8's own structures (node types code, hidden and object shape): compiled code, feedback, maps, shared function infos. */
export function isV8Internal(s: Snapshot, n: number): boolean {
  const t = s.nodeType[n]
  const types = s.nodeTypes
  return t === types.code || t === types.hidden || t === types.objectShape
}

function emptyGroup(): DiffGroup {
  return { key: '', newCount: 0, newSize: 0, freedCount: 0, freedSize: 0, netSize: 0, retainedSize: 0, largestNew: [], classes: [], retainerClusters: [] }
}

/** The group's description (read at the end: a class key may gain its location when a second class of the name turns up). */
function describeGroup(group: DiffGroup, info: GroupInfo): DiffGroup {
  // site, stack, class and location right after the key, as the JSON report lists them
  const { site, stack, className, location } = info
  const described: DiffGroup = { ...group, key: info.key }
  const { key, ...counts } = described
  return {
    key,
    ...(site === undefined ? {} : { site }),
    ...(stack === undefined ? {} : { stack }),
    ...(className === undefined ? {} : { className }),
    ...(location === undefined ? {} : { location }),
    ...counts,
  }
}

/** Per group: [count, shallow size] of a snapshot's objects of non-zero shallow size. */
function countByGroup(s: Snapshot, grouper: Grouper, shallow: Uint32Array): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>()
  for (let n = 0; n < s.nodeCount; n++) {
    if (shallow[n] === 0) continue
    const g = grouper.groupOf(n)
    const c = out.get(g) ?? [0, 0]
    c[0]++
    c[1] += shallow[n]
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
  const groupBy: DiffGrouping = TRACE_GROUPINGS.includes(requested) && !after.hasAllocationTraces ? 'class' : requested
  /** class and constructor grouping match ids within each group (DevTools' Comparison); the others across the heap */
  const withinGroup = !TRACE_GROUPINGS.includes(groupBy)
  const keys = new GroupKeys()
  const mapPosition = options.mapPosition
  const classesAfter = computeClassNames(after)
  const classesBefore = computeClassNames(before, { interfaceDefinitions: classesAfter.interfaceDefinitions })
  const groupsAfter = new Grouper(after, groupBy, keys, { classNames: classesAfter, ...(mapPosition === undefined ? {} : { mapPosition }) })
  const groupsBefore = new Grouper(before, groupBy, keys, { classNames: classesBefore, ...(mapPosition === undefined ? {} : { mapPosition }) })
  const shallowAfter = options.afterAnalysis?.shallowSize ?? computeShallowSizes(after)
  const shallowBefore = computeShallowSizes(before)
  /** the group numbered g by `keys`, made when first asked for */
  const diffGroups: DiffGroup[] = []
  const group = (g: number): DiffGroup => {
    for (let k = diffGroups.length; k <= g; k++) diffGroups.push(emptyGroup())
    return diffGroups[g]
  }
  const keepPerGroup = options.largestPerGroup ?? 5

  // Merge walk over both id orders: shared ids, and whether they agree.
  const orderA = before.ordinalsById()
  const orderB = after.ordinalsById()
  const idsA = before.nodeId
  const idsB = after.nodeId
  /** 1 for counted nodes of `after` that `before` does not have (in their group, when matched within groups) */
  const isNew = new Uint8Array(after.nodeCount)
  /** 1 for counted nodes of `before` that `after` does not have (in their group, when matched within groups) */
  const isFreed = new Uint8Array(before.nodeCount)
  let shared = 0
  let agreeing = 0
  let i = 0
  let j = 0
  while (i < orderA.length || j < orderB.length) {
    const na = i < orderA.length ? orderA[i] : -1
    const nb = j < orderB.length ? orderB[j] : -1
    if (nb < 0 || (na >= 0 && idsA[na] < idsB[nb])) {
      if (shallowBefore[na] !== 0) isFreed[na] = 1
      i++
    } else if (na < 0 || idsB[nb] < idsA[na]) {
      if (shallowAfter[nb] !== 0) isNew[nb] = 1
      j++
    } else {
      shared++
      if (sameObject(before, na, after, nb)) agreeing++
      if (withinGroup) {
        // Counted on one side only (its size became or stopped being 0), or in another group: deleted and new.
        const inA = shallowBefore[na] !== 0
        const inB = shallowAfter[nb] !== 0
        if (inA !== inB || (inA && groupsBefore.groupOf(na) !== groupsAfter.groupOf(nb))) {
          if (inA) isFreed[na] = 1
          if (inB) isNew[nb] = 1
        }
      }
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
      group(g).newSize += shallowAfter[n]
    }
    for (let n = 0; n < before.nodeCount; n++) {
      if (isFreed[n] === 0) continue
      const g = groupsBefore.groupOf(n)
      group(g).freedCount++
      group(g).freedSize += shallowBefore[n]
    }
  } else {
    // Different processes: per group, the count and size in each snapshot; new and freed are their growth and shrinkage.
    const countA = countByGroup(before, groupsBefore, shallowBefore)
    const countB = countByGroup(after, groupsAfter, shallowAfter)
    group(keys.groups.length - 1)
    diffGroups.forEach((group, g) => {
      const [ca, sa] = countA.get(g) ?? [0, 0]
      const [cb, sb] = countB.get(g) ?? [0, 0]
      group.countBefore = ca
      group.countAfter = cb
      group.sizeBefore = sa
      group.sizeAfter = sb
      group.newCount = Math.max(0, cb - ca)
      group.freedCount = Math.max(0, ca - cb)
      group.newSize = Math.max(0, sb - sa)
      group.freedSize = Math.max(0, sa - sb)
    })
  }

  const analysis = options.afterAnalysis
  if (analysis !== undefined && matchedBy === 'id') {
    group(keys.groups.length - 1)
    describeNewObjects(after, analysis, diffGroups, groupOfNew, classesAfter, shallowAfter, {
      keep: keepPerGroup,
      internals: options.internals ?? false,
      clusters: options.clusters ?? true,
    })
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
  const byRetained = options.sortBy === 'retained'
  const order = diffGroups
    .map((g, index) => ({ g: describeGroup(g, keys.groups[index]), index }))
    .filter(({ g }) => g.newCount > 0 || g.freedCount > 0)
    .sort(
      ({ g: x }, { g: y }) =>
        (byRetained ? y.retainedSize - x.retainedSize : 0) || y.netSize - x.netSize || y.newCount - x.newCount || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0),
    )
  const groups = order.map(({ g }) => g)
  let newGroupOf: Int32Array | null = null
  if (matchedBy === 'id') {
    // Renumber the new objects' groups to their place in `groups`.
    const place = new Int32Array(diffGroups.length).fill(-1)
    order.forEach(({ index }, k) => {
      place[index] = k
    })
    newGroupOf = groupOfNew
    for (let n = 0; n < after.nodeCount; n++) if (newGroupOf[n] >= 0) newGroupOf[n] = place[newGroupOf[n]]
  }
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
    newGroupOf,
  }
}

/**
 * Each group's retained size, class breakdown, retainer clusters and largest
 * new objects, from the analysis of `after` (groupOf[n]: n's group, -1 for
 * objects that are not new).
 */
function describeNewObjects(
  after: Snapshot,
  a: HeapAnalysis,
  groups: DiffGroup[],
  groupOf: Int32Array,
  classNames: ClassNames,
  shallow: Uint32Array,
  options: { keep: number; internals: boolean; clusters: boolean },
): void {
  const shapes = new RetainerShapes(after, a, classNames)
  const { end, nodeAt } = shapes.dominatorIntervals()
  const r = a.retainedSize
  const ids = after.nodeId
  // (group, class) -> its row in `classes`.
  const rows = new PairTable()
  const classes: { group: number; stats: DiffClass }[] = []
  const classOpen: number[] = []
  const groupOpen = new Float64Array(groups.length)
  const candidates: number[][] = groups.map(() => [])
  // Walking the dominator tree in preorder: a member counts unless another of its group (or class) encloses it.
  for (let p = 0; p < after.nodeCount; p++) {
    const n = nodeAt[p]
    const g = groupOf[n]
    if (g < 0) continue
    const group = groups[g]
    if (p >= groupOpen[g]) {
      group.retainedSize += r[n]
      groupOpen[g] = end[n]
    }
    const c = classNames.classIndex[n]
    let row = rows.get(g, c)
    if (row === ABSENT) {
      row = classes.length
      classes.push({ group: g, stats: { name: classNames.names[c], count: 0, size: 0, retainedSize: 0 } })
      classOpen.push(0)
      rows.set(g, c, row)
    }
    const stats = classes[row].stats
    stats.count++
    stats.size += shallow[n]
    if (p >= classOpen[row]) {
      stats.retainedSize += r[n]
      classOpen[row] = end[n]
    }
    if (options.internals || !isV8Internal(after, n)) candidates[g].push(n)
  }
  for (const { group, stats } of classes) groups[group].classes.push(stats)
  const byRetained = (x: number, y: number): number => r[y] - r[x] || ids[x] - ids[y]
  groups.forEach((group, g) => {
    group.classes.sort((x, y) => y.retainedSize - x.retainedSize || y.count - x.count || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    group.largestNew = largest(candidates[g], options.keep, byRetained)
  })
  if (options.clusters) {
    const clusters = findRetainerClustersByGroup(after, a, groupOf, groups.length, { shapes })
    groups.forEach((group, g) => {
      group.retainerClusters = clusters[g]
    })
  }
}

/** The `keep` first of `items` in `order` (0 = all, sorted): a partial selection when it is small. */
function largest(items: number[], keep: number, order: (x: number, y: number) => number): number[] {
  if (keep === 0 || items.length <= keep) return items.sort(order)
  const best: number[] = []
  for (const n of items) {
    if (best.length === keep && order(n, best[keep - 1]) >= 0) continue
    let k = best.length
    while (k > 0 && order(n, best[k - 1]) < 0) k--
    best.splice(k, 0, n)
    if (best.length > keep) best.pop()
  }
  return best
}
