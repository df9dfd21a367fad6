/**
 * What grows across a series of snapshots of one process (s1, s2, ... sN):
 * per group (grouping.ts: site, stack, class, script, constructor), the live
 * count and size in every snapshot, the new objects of every interval, and
 * whether the group grew in every interval; and the collections (Map, Set,
 * Array, objects used as dictionaries) that grew in every interval, matched
 * by id, with their entry counts. memlab's unbound-object and unbound-shape
 * analyses ask the same question of class shapes and object sizes; this
 * groups by allocation site as well, exactly and in one pass per snapshot.
 *
 * Memory: a series never holds two models. `add(s)` reduces a snapshot to
 * what the series needs from it — per-group totals (a few numbers per
 * group), its ids as an IdSet (a bit per id: to tell the next snapshot's new objects),
 * a sample of ids with a hash of their type and name (to check that the next
 * snapshot comes from the same process), and the entry counts of the
 * collections still growing — and keeps no reference to it, so the caller
 * can drop it before parsing the next. Only the last snapshot is kept, by the
 * caller, for the retainer paths of the collections (`finish`).
 *
 * Counting follows diff: DevTools' shallow sizes (after the array-size
 * redistribution), objects of shallow size 0 left out; each snapshot's own
 * class names (what its Summary shows). New in an interval = counted in the
 * later snapshot with an id the earlier one does not have at all.
 *
 * Entry counts are what the snapshot records: references to heap objects.
 * V8 writes no edge for a small integer (a Smi) or an unboxed double, so a
 * `Map<number, number>` or an array of numbers shows no entries. A Map's
 * entries are (key, value, chain) slots of its `table`, a Set's (key, chain):
 * an entry counts once whether its key, its value or both are objects.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { InputError, UsageError } from '../snapshot/errors.js'
import { computeClassNames } from './class-names.js'
import { startShallowSizes } from './heap-analysis.js'
import { MIN_AGREEMENT } from './diff.js'
import { Grouper, GroupKeys, TRACE_GROUPINGS, type GroupInfo, type Grouping, type PositionMapper } from './grouping.js'
import { IdSet, ordinalsByRank } from './id-set.js'
import { computeShallowSizes } from './retained-size.js'
import { buildRetainers, findRetainerPaths, type RetainerPath } from './retainers.js'

export interface GrowthOptions {
  /** default: 'site' when the first snapshot has allocation traces, else 'class' */
  groupBy?: Grouping
  /** positions in transpiled code to the original source (source maps) */
  mapPosition?: PositionMapper
  /**
   * Also note the group of every object of the last snapshot added
   * (`SnapshotGrowth.groupOfLast`), for a caller that lists a group's
   * objects (the terminal UI): one Int32Array of the last snapshot's node
   * count, replaced at each `add`.
   */
  members?: boolean
  /**
   * addAsync: compute shallow sizes on a helper thread. Default: for
   * snapshots of HELPER_MIN_NODES nodes or more. The results are the same
   * either way.
   */
  helperThread?: boolean
}

/** One group over the series. Arrays have one entry per snapshot (`newPerInterval`: one per interval). */
export interface GrowthGroup extends GroupInfo {
  /** live objects of the group in each snapshot */
  counts: number[]
  /** their shallow sizes, bytes */
  sizes: number[]
  /** objects of the group in snapshot k + 1 whose ids snapshot k does not have */
  newPerInterval: number[]
  /** the count grew in every interval */
  monotonic: boolean
  /** size in the last snapshot minus size in the first, bytes */
  growth: number
}

/** What kind of collection. */
export type CollectionKind = 'Map' | 'Set' | 'Array' | 'Object'

/** A collection that grew in every interval. */
export interface GrowingCollection {
  /** V8 id (the same in every snapshot) */
  id: number
  /** its ordinal in the last snapshot */
  ordinal: number
  /** the constructor name: Map, Set, Array, Object, or a class */
  name: string
  kind: CollectionKind
  /** entries in each snapshot (see the file comment for what counts) */
  lengths: number[]
  /** always true: only collections that grew in every interval are kept */
  monotonic: boolean
  /** the shortest path from the roots that holds it, in the last snapshot (null: held only weakly) */
  retainerPath: RetainerPath | null
}

export interface SnapshotGrowth {
  snapshotCount: number
  groupBy: Grouping
  /** the grouping asked for, when it could not be used (site/stack/script without traces) */
  requestedGroupBy: Grouping
  /** every snapshot carries allocation traces */
  allocationTraces: boolean
  /** monotonic groups first, then by growth in bytes, largest first */
  groups: GrowthGroup[]
  /** by growth in entries, largest first */
  collections: GrowingCollection[]
  /**
   * With the `members` option: the group of each node of the last snapshot,
   * as an index into `groups` (-1: in none, e.g. of shallow size 0).
   */
  groupOfLast?: Int32Array
  totals: {
    /** live objects (of non-zero shallow size) in each snapshot */
    counts: number[]
    sizes: number[]
    /** growth in bytes (first to last) of the groups that grew in every interval */
    monotonicGrowth: number
  }
}

/** Ids sampled per snapshot to check the next comes from the same process. */
const PROCESS_SAMPLE = 16384
/** Objects used as dictionaries count from this many entries in the last snapshot. */
const MIN_DICTIONARY_ENTRIES = 8

const OPTION_KEYS = new Set(['groupBy', 'mapPosition', 'members', 'helperThread'])

/** FNV-1a of node n's type and name: equal for the same object in two snapshots of one process. */
function identityHash(s: Snapshot, n: number): number {
  const text = `${s.nodeType[n]}\u0000${s.nodeTypeName(n)}\u0000${s.nodeName(n)}`
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** String indices collectionOf compares with (looked up once per snapshot: a lookup scans the string table). */
interface CollectionNames {
  table: number
  mapName: number
  setName: number
  arrayName: number
  proto: number
}

function collectionNames(s: Snapshot): CollectionNames {
  const [table, mapName, setName, arrayName, proto] = ['table', 'Map', 'Set', 'Array', '__proto__'].map((name) => s.strings.indexOf(name))
  return { table, mapName, setName, arrayName, proto }
}

/** A collection candidate's kind and entry count, or null for objects that are no collection. */
function collectionOf(s: Snapshot, n: number, names: CollectionNames): [CollectionKind, number] | null {
  const { firstEdge, edgeType, edgeNameOrIndex, edgeTarget, nodeNameIndex, strings } = s
  const { table, mapName, setName, arrayName, proto } = names
  const types = s.edgeTypes
  const name = nodeNameIndex[n]
  if (name === mapName || name === setName) {
    // Entries of the table: slots of (key, value, chain) for a Map, (key, chain) for a Set; an
    // entry counts once, whichever of its slots hold objects (their indices share a residue).
    const stride = name === mapName ? 3 : 2
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e++) {
      if (edgeType[e] !== types.internal || edgeNameOrIndex[e] !== table) continue
      const t = edgeTarget[e]
      const residues = new Uint32Array(stride)
      for (let f = firstEdge[t]; f < firstEdge[t + 1]; f++) {
        const slot = s.edgeHasIndex(f) ? edgeNameOrIndex[f] : Number(strings.get(edgeNameOrIndex[f]))
        if (Number.isInteger(slot)) residues[slot % stride]++
      }
      return [name === mapName ? 'Map' : 'Set', Math.max(...residues)]
    }
    return null
  }
  let entries = 0
  for (let e = firstEdge[n]; e < firstEdge[n + 1]; e++) {
    const type = edgeType[e]
    if (type === types.element || (type === types.property && edgeNameOrIndex[e] !== proto)) entries++
  }
  return [name === arrayName ? 'Array' : 'Object', entries]
}

/**
 * Follows a series of snapshots of one process, one at a time.
 *
 * @example
 *   const series = new GrowthSeries({ groupBy: 'class' })
 *   for (const file of files.slice(0, -1)) series.add(await openSnapshot(file)) // each dropped after add
 *   const last = await openSnapshot(files[files.length - 1])
 *   series.add(last)
 *   const growth = series.finish(last)
 *   growth.groups[0].counts // [200, 400, 600]
 */
export class GrowthSeries {
  private readonly keys = new GroupKeys()
  private readonly counts: number[][] = []
  private readonly sizes: number[][] = []
  private readonly newPer: number[][] = []
  private groupBy: Grouping | null
  private requested: Grouping | null
  private traces = true
  private readonly mapPosition: PositionMapper | undefined
  /** with the members option: the group (GroupKeys' number) of each node of the last snapshot added, -1 for none */
  private lastGroupOf: Int32Array | null = null
  private readonly members: boolean
  private readonly helperThread: boolean | undefined
  /** the previous snapshot's ids */
  private previousIds: IdSet | null = null
  private previousFile = ''
  /** sampled ids of the previous snapshot and the identity hash of each */
  private sampleIds = new Uint32Array(0)
  private sampleHashes = new Uint32Array(0)
  /** collections still growing: ids (sorted), and their entries in each snapshot so far (one column per snapshot) */
  private collectionIds = new Uint32Array(0)
  private collectionLengths: Uint32Array[] = []
  /** their ordinals in the snapshot added last */
  private collectionOrdinals = new Uint32Array(0)
  private snapshotCount = 0

  constructor(options: GrowthOptions = {}) {
    for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw new UsageError(`GrowthSeries: unknown option "${key}"`)
    this.requested = options.groupBy ?? null
    this.groupBy = null
    this.mapPosition = options.mapPosition
    this.members = options.members === true
    this.helperThread = options.helperThread
  }

  /** Takes what the series needs from the next snapshot; keeps no reference to it. */
  add(s: Snapshot): void {
    this.prepare(s)(computeShallowSizes(s))
  }

  /**
   * add, with DevTools' shallow sizes computed on a helper thread (for
   * snapshots of HELPER_MIN_NODES nodes or more) while this thread takes
   * the snapshot's ids, class names, definition sites and collections: on
   * two cores a big snapshot is added in about the time of the longer of
   * the two. The same result as add.
   *
   * @example
   *   for (const file of files) await series.addAsync(await openSnapshot(file))
   */
  async addAsync(s: Snapshot): Promise<void> {
    const job = startShallowSizes(s, this.helperThread === undefined ? {} : { helperThread: this.helperThread })
    let count: (shallow: Uint32Array) => void
    try {
      count = this.prepare(s)
    } catch (e) {
      job.stop()
      throw e
    }
    count(await job.sizes)
  }

  /**
   * What add does before it needs the shallow sizes (checks, ids, groups,
   * collections); the function returned counts the groups with them and
   * ends the snapshot's turn.
   */
  private prepare(s: Snapshot): (shallow: Uint32Array) => void {
    const ids = s.nodeId
    // The id order through the ids' ranks: linear, where a sort of them cost as much as a third of the parse.
    const idSet = IdSet.of(ids)
    const byRank = ordinalsByRank(ids, idSet)
    const order = byRank ?? s.ordinalsById()
    const ordinalOfId = byRank === null ? (id: number) => s.ordinalOfId(id) : (id: number) => (idSet.has(id) ? byRank[idSet.rank(id)] : -1)
    if (this.snapshotCount > 0) this.checkSameProcess(s, ordinalOfId)
    if (this.groupBy === null) {
      this.requested ??= s.hasAllocationTraces ? 'site' : 'class'
      this.groupBy = TRACE_GROUPINGS.includes(this.requested) && !s.hasAllocationTraces ? 'class' : this.requested
    }
    this.traces &&= s.hasAllocationTraces
    const grouper = new Grouper(s, this.groupBy, this.keys, {
      classNames: computeClassNames(s),
      ...(this.mapPosition ? { mapPosition: this.mapPosition } : {}),
    })
    this.followCollections(s, order)
    return (shallow) => this.count(s, grouper, order, idSet, shallow)
  }

  /** Counts the groups of snapshot s (prepared) and keeps what the next snapshot is compared with. */
  private count(s: Snapshot, grouper: Grouper, order: Uint32Array, idSet: IdSet, shallow: Uint32Array): void {
    const ids = s.nodeId
    const k = this.snapshotCount
    const counts: number[] = []
    const sizes: number[] = []
    const fresh: number[] = []
    const previous = this.previousIds
    this.lastGroupOf = null
    const groupOf = this.members ? new Int32Array(s.nodeCount).fill(-1) : null
    for (let i = 0; i < order.length; i++) {
      const n = order[i]
      if (shallow[n] === 0) continue
      const g = grouper.groupOf(n)
      while (counts.length <= g) {
        counts.push(0)
        sizes.push(0)
        fresh.push(0)
      }
      counts[g]++
      if (groupOf !== null) groupOf[n] = g
      sizes[g] += shallow[n]
      if (previous !== null && !previous.has(ids[n])) fresh[g]++
    }
    this.counts.push(counts)
    this.sizes.push(sizes)
    if (k > 0) this.newPer.push(fresh)
    this.lastGroupOf = groupOf
    // What the next snapshot is compared with.
    this.previousIds = idSet
    this.previousFile = s.file
    const stride = Math.max(1, Math.floor(order.length / PROCESS_SAMPLE))
    const sampled = Math.ceil(order.length / stride)
    this.sampleIds = new Uint32Array(sampled)
    this.sampleHashes = new Uint32Array(sampled)
    for (let i = 0, j = 0; i < order.length; i += stride, j++) {
      this.sampleIds[j] = ids[order[i]]
      this.sampleHashes[j] = identityHash(s, order[i])
    }
    this.snapshotCount++
  }

  /** Refuses a snapshot whose shared ids name other objects (another process). */
  private checkSameProcess(s: Snapshot, ordinalOfId: (id: number) => number): void {
    let shared = 0
    let agreeing = 0
    for (let j = 0; j < this.sampleIds.length; j++) {
      const n = ordinalOfId(this.sampleIds[j])
      if (n < 0) continue
      shared++
      if (identityHash(s, n) === this.sampleHashes[j]) agreeing++
    }
    if (shared > 0 && agreeing / shared < MIN_AGREEMENT) {
      throw new InputError(
        s.file,
        `not a snapshot of the process that wrote ${this.previousFile} (only ${agreeing} of ${shared} sampled shared ids name the same object): growth follows one process; compare snapshots of two processes with diff`,
      )
    }
  }

  /** Keeps the collections present in every snapshot so far whose entries grew in every interval. */
  private followCollections(s: Snapshot, order: Uint32Array): void {
    const objectType = s.nodeTypes.object
    const strings = s.strings
    const names = collectionNames(s)
    const ids = s.nodeId
    const systemName = (n: number): boolean => strings.get(s.nodeNameIndex[n]).startsWith('system / ')
    if (this.snapshotCount === 0) {
      // Every JS object is a candidate: columns sized for all, cut to those found.
      const keptIds = new Uint32Array(order.length)
      const lengths = new Uint32Array(order.length)
      const ordinals = new Uint32Array(order.length)
      let kept = 0
      for (let i = 0; i < order.length; i++) {
        const n = order[i]
        if (s.nodeType[n] !== objectType) continue
        const c = collectionOf(s, n, names)
        if (c === null || systemName(n)) continue
        keptIds[kept] = ids[n]
        ordinals[kept] = n
        lengths[kept++] = c[1]
      }
      this.collectionIds = keptIds.slice(0, kept)
      this.collectionLengths = [lengths.slice(0, kept)]
      this.collectionOrdinals = ordinals.slice(0, kept)
      return
    }
    const previous = this.collectionLengths[this.collectionLengths.length - 1]
    const keep = new Uint8Array(this.collectionIds.length)
    const now = new Uint32Array(this.collectionIds.length)
    const ordinals = new Uint32Array(this.collectionIds.length)
    let kept = 0
    let i = 0
    for (let j = 0; j < this.collectionIds.length; j++) {
      const id = this.collectionIds[j]
      while (i < order.length && ids[order[i]] < id) i++
      if (i === order.length) break
      const n = order[i]
      if (ids[n] !== id || s.nodeType[n] !== objectType) continue
      const c = collectionOf(s, n, names)
      if (c === null || c[1] <= previous[j]) continue
      keep[j] = 1
      now[j] = c[1]
      ordinals[j] = n
      kept++
    }
    const compact = (column: Uint32Array): Uint32Array<ArrayBuffer> => {
      const out = new Uint32Array(kept)
      for (let j = 0, k = 0; j < column.length; j++) if (keep[j] === 1) out[k++] = column[j]
      return out
    }
    this.collectionIds = compact(this.collectionIds)
    this.collectionLengths = [...this.collectionLengths.map(compact), compact(now)]
    this.collectionOrdinals = compact(ordinals)
  }

  /**
   * The series' result. `last` is the snapshot added last (kept by the
   * caller): the retainer paths of the `maxCollections` collections that
   * grew most are found in it.
   */
  finish(last: Snapshot, options: { maxCollections?: number } = {}): SnapshotGrowth {
    const count = this.snapshotCount
    if (count < 2) throw new UsageError(`a growth series needs at least 2 snapshots, got ${count}`)
    const groupCount = this.keys.groups.length
    const totals = {
      counts: this.counts.map((c) => c.reduce((x, y) => x + y, 0)),
      sizes: this.sizes.map((c) => c.reduce((x, y) => x + y, 0)),
      monotonicGrowth: 0,
    }
    const groups: GrowthGroup[] = []
    /** GroupKeys' number of each group, to renumber groupOfLast */
    const numberOf = new Map<GrowthGroup, number>()
    for (let g = 0; g < groupCount; g++) {
      const counts = this.counts.map((c) => c[g] ?? 0)
      const sizes = this.sizes.map((c) => c[g] ?? 0)
      const newPerInterval = this.newPer.map((c) => c[g] ?? 0)
      if (counts.every((c) => c === 0)) continue
      let monotonic = true
      for (let k = 1; k < count; k++) if (counts[k] <= counts[k - 1]) monotonic = false
      const growth = sizes[count - 1] - sizes[0]
      if (monotonic) totals.monotonicGrowth += growth
      const group: GrowthGroup = { ...this.keys.groups[g], counts, sizes, newPerInterval, monotonic, growth }
      groups.push(group)
      numberOf.set(group, g)
    }
    groups.sort((x, y) => Number(y.monotonic) - Number(x.monotonic) || y.growth - x.growth || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))

    const collections: GrowingCollection[] = []
    const columns = this.collectionLengths
    const names = collectionNames(last)
    for (let j = 0; j < this.collectionIds.length; j++) {
      if (columns.length !== count) break
      const lengths = columns.map((column) => column[j])
      const ordinal = this.collectionOrdinals[j]
      const c = collectionOf(last, ordinal, names)
      if (c === null || (c[0] === 'Object' && lengths[count - 1] < MIN_DICTIONARY_ENTRIES)) continue
      collections.push({ id: this.collectionIds[j], ordinal, name: last.nodeName(ordinal), kind: c[0], lengths, monotonic: true, retainerPath: null })
    }
    const grown = (c: GrowingCollection) => c.lengths[count - 1] - c.lengths[0]
    collections.sort((x, y) => grown(y) - grown(x) || x.id - y.id)
    collections.length = Math.min(collections.length, options.maxCollections ?? 20)
    if (collections.length > 0) {
      const retainers = buildRetainers(last)
      for (const c of collections) c.retainerPath = findRetainerPaths(last, retainers, c.ordinal)[0] ?? null
    }
    const groupBy = this.groupBy as Grouping
    let groupOfLast: Int32Array | undefined
    if (this.lastGroupOf !== null) {
      const renumber = new Int32Array(groupCount).fill(-1)
      groups.forEach((group, i) => {
        renumber[numberOf.get(group) as number] = i
      })
      groupOfLast = this.lastGroupOf
      for (let n = 0; n < groupOfLast.length; n++) if (groupOfLast[n] >= 0) groupOfLast[n] = renumber[groupOfLast[n]]
      this.lastGroupOf = null
    }
    return {
      snapshotCount: count,
      groupBy,
      requestedGroupBy: this.requested ?? groupBy,
      allocationTraces: this.traces,
      groups,
      collections,
      ...(groupOfLast === undefined ? {} : { groupOfLast }),
      totals,
    }
  }
}
