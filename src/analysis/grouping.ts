/**
 * Group keys for objects: by allocation site, whole allocation stack, class,
 * script or constructor. `diff` (two or three snapshots) and `growth` (a
 * series) group objects the same way through these two classes.
 *
 * - class: DevTools' class key (`classKeyInternal`): the Summary's class
 *   name, plus for objects (type `object`) the location of their
 *   constructor when V8 wrote one — two classes `Foo` from two files are two
 *   groups. The key people read is the class name; when two groups share a
 *   name, each shows its location (`Foo /app/a.js:3:14`).
 * - constructor: where the code that made the object is defined, for
 *   snapshots taken without allocation tracking: an object's constructor
 *   (`Foo /app/a.js:3:14`), a closure's own function
 *   (`Function onData /app/server.js:27:5`); objects without a location by
 *   class name.
 * - site: the allocating function with its script position, credited to the
 *   nearest caller with a script when a builtin allocated (sites.ts
 *   `actionableTrace`); stack: the whole allocation stack; script: the
 *   allocating function's script. Objects without a trace (allocated before
 *   tracking started, or by V8 itself) are broken down by class:
 *   `(no allocation trace) Foo`.
 *
 * A key is computed once per class, location or trace-tree node, not per
 * object: a snapshot has millions of objects but thousands of classes and
 * trace nodes. Groups of several snapshots share one GroupKeys, so the same
 * key in two snapshots is the same group index.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { computeClassNames, type ClassNames } from './class-names.js'
import { formatLocation, sourceLocations, type OriginalPosition, type SourceLocation, type SourceLocations } from './locations.js'
import { actionableTrace, allocationTraceOf, formatSite, traceSite, traceStack, type AllocationSite } from './sites.js'

/** site: the allocating frame; stack: the whole allocation stack; class: DevTools' class; script: the allocating script; constructor: the definition site. */
export type Grouping = 'site' | 'stack' | 'class' | 'script' | 'constructor'

/**
 * The groupings that need allocation traces.
 *
 * @example
 *   TRACE_GROUPINGS.includes('site') // true
 */
export const TRACE_GROUPINGS: readonly Grouping[] = ['site', 'stack', 'script']

/** What a group key stands for. */
export interface GroupInfo {
  key: string
  /** the allocating frame, for site/stack/script grouping */
  site?: AllocationSite
  /** the whole allocation stack, innermost first (stack grouping) */
  stack?: AllocationSite[]
  /** DevTools' class name (class and constructor grouping, and objects without a trace) */
  className?: string
  /** where the constructor (or, for a closure, its function) is defined (class and constructor grouping) */
  location?: SourceLocation
}

/** Maps a generated position (1-based line and column) to the original source, or undefined. */
export type PositionMapper = (scriptName: string, line: number, column: number) => OriginalPosition | undefined

/**
 * Distinct group keys, numbered in the order they are first seen (0, 1, 2...).
 *
 * @example
 *   const keys = new GroupKeys()
 *   keys.id('leakSomeThings /app/a.js:3:10') // 0
 */
export class GroupKeys {
  readonly groups: GroupInfo[] = []
  private readonly index = new Map<string, number>()
  /** class groups by the name they show, to tell apart two classes of one name */
  private readonly byClassName = new Map<string, number[]>()

  /**
   * The number of the group `identity` (a new one the first time). `info.key`
   * is what people read; it defaults to the identity.
   */
  id(identity: string, info: Partial<GroupInfo> = {}): number {
    let g = this.index.get(identity)
    if (g === undefined) {
      g = this.groups.length
      this.groups.push({ key: identity, ...info })
      this.index.set(identity, g)
    }
    return g
  }

  /** A class group: DevTools' class name plus the constructor's location when known. */
  classId(className: string, location: SourceLocation | null): number {
    const identity = location === null ? className : `${className}\u0000${location.scriptId}:${location.line}:${location.column}`
    const known = this.index.get(identity)
    if (known !== undefined) return known
    const g = this.id(identity, { key: className, className, ...(location === null ? {} : { location }) })
    const same = this.byClassName.get(className)
    if (same === undefined) this.byClassName.set(className, [g])
    else {
      // Two classes of one name: each located one shows where it is defined.
      same.push(g)
      for (const h of same) {
        const where = this.groups[h].location
        if (where !== undefined) this.groups[h].key = `${className} ${formatLocation(where)}`
      }
    }
    return g
  }
}

export interface GrouperOptions {
  /** computeClassNames(s), when the caller has it (else computed here) */
  classNames?: ClassNames
  /** positions in transpiled code to the original source (source maps) */
  mapPosition?: PositionMapper
}

/**
 * The group of each node of one snapshot, under one grouping.
 *
 * @example
 *   const keys = new GroupKeys()
 *   const g = new Grouper(s, 'site', keys).groupOf(n)
 *   keys.groups[g].key // 'leakSomeThings /app/leaky-app.cjs:24:24'
 */
export class Grouper {
  private readonly classOf: Uint32Array
  private readonly classNames: string[]
  /** class grouping, objects without a location, and objects without a trace: the group of each class */
  private readonly byClass: Int32Array
  private readonly byTrace: Int32Array
  /** location-keyed groups by location entry (class and constructor grouping) */
  private readonly byLocation: Int32Array
  /** location-keyed groups by position and class: position * classCount + class */
  private readonly byPosition = new Map<number, number>()
  /**
   * The last class seen at each position, and its group: instances of one
   * constructor almost always share a class, so byPosition is asked only
   * when the class changes (-1: none yet).
   */
  private readonly positionClass: Int32Array
  private readonly positionGroup: Int32Array
  private readonly locations: SourceLocations | null
  /** the locations' entryOf, fast for nodes asked about in increasing order */
  private readonly entryOf: (n: number) => number
  private readonly mapPosition: PositionMapper | undefined
  private readonly object: number
  private readonly closure: number

  constructor(
    private readonly s: Snapshot,
    private readonly groupBy: Grouping,
    private readonly keys: GroupKeys,
    options: GrouperOptions = {},
  ) {
    const classNames = options.classNames ?? computeClassNames(s)
    this.classOf = classNames.classIndex
    this.classNames = classNames.names
    this.byClass = new Int32Array(classNames.names.length).fill(-1)
    this.byTrace = new Int32Array(s.traceTree?.count ?? 0).fill(-1)
    const located = groupBy === 'class' || groupBy === 'constructor'
    this.locations = located ? sourceLocations(s) : null
    this.byLocation = new Int32Array(located ? (s.locations?.count ?? 0) : 0).fill(-1)
    this.entryOf = this.locations === null ? () => -1 : this.locations.entryLookup()
    const positions = this.locations === null ? 0 : this.locations.positionCount
    this.positionClass = new Int32Array(positions).fill(-1)
    this.positionGroup = new Int32Array(positions)
    this.mapPosition = options.mapPosition
    this.object = s.nodeTypes.object
    this.closure = s.nodeTypes.closure
  }

  /** The class name of node n (DevTools' Summary name). */
  className(n: number): string {
    return this.classNames[this.classOf[n]]
  }

  groupOf(n: number): number {
    const groupBy = this.groupBy
    if (groupBy === 'class' || groupBy === 'constructor') return this.locatedGroupOf(n)
    const t = allocationTraceOf(this.s, n)
    if (t < 0) {
      const c = this.classOf[n]
      if (this.byClass[c] < 0) {
        const className = this.classNames[c]
        this.byClass[c] = this.keys.id(`(no allocation trace) ${className}`, { className })
      }
      return this.byClass[c]
    }
    if (this.byTrace[t] < 0) {
      const site = this.mapSite(traceSite(this.s, actionableTrace(this.s, t)))
      if (groupBy === 'site') this.byTrace[t] = this.keys.id(formatSite(site), { site })
      else if (groupBy === 'script') {
        const scriptSite: AllocationSite = { functionName: '', scriptName: site.scriptName, line: 0, column: 0 }
        const source = site.original?.source
        const key = source ?? (site.scriptName === '' ? '(no script)' : site.scriptName)
        this.byTrace[t] = this.keys.id(key, { site: scriptSite })
      } else {
        const stack = traceStack(this.s, t).map((frame) => this.mapSite(frame))
        this.byTrace[t] = this.keys.id(stack.map(formatSite).join(' <- '), { site, stack })
      }
    }
    return this.byTrace[t]
  }

  /** Class and constructor grouping: by class name and definition site. */
  private locatedGroupOf(n: number): number {
    const type = this.s.nodeType[n]
    const locations = this.locations as SourceLocations
    // DevTools splits only objects by location; constructor grouping splits closures too.
    const i = type === this.object || (this.groupBy === 'constructor' && type === this.closure) ? this.entryOf(n) : -1
    if (i >= 0) {
      if (this.byLocation[i] < 0) {
        // Every instance of a constructor has an entry of its own: key by position and class, not by entry.
        const c = this.classOf[n]
        const position = locations.positionOf(i)
        if (this.positionClass[position] === c) {
          this.byLocation[i] = this.positionGroup[position]
          return this.byLocation[i]
        }
        const k = position * this.classNames.length + c
        let g = this.byPosition.get(k)
        if (g === undefined) {
          const location = this.mapLocation(locations.of(n) as SourceLocation)
          const className = this.classNames[c]
          if (this.groupBy === 'class') g = this.keys.classId(className, location)
          else {
            const what = type === this.closure ? `Function ${this.s.nodeName(n) || '(anonymous)'}` : className
            g = this.keys.id(`${what} ${formatLocation(location)}`, { className, location })
          }
          this.byPosition.set(k, g)
        }
        this.positionClass[position] = c
        this.positionGroup[position] = g
        this.byLocation[i] = g
      }
      return this.byLocation[i]
    }
    const c = this.classOf[n]
    if (this.byClass[c] < 0) {
      const className = this.classNames[c]
      this.byClass[c] = this.groupBy === 'class' ? this.keys.classId(className, null) : this.keys.id(className, { className })
    }
    return this.byClass[c]
  }

  private mapSite(site: AllocationSite): AllocationSite {
    if (this.mapPosition === undefined || site.scriptName === '' || site.line === 0) return site
    const original = this.mapPosition(site.scriptName, site.line, site.column)
    return original === undefined ? site : { ...site, original }
  }

  private mapLocation(location: SourceLocation): SourceLocation {
    if (this.mapPosition === undefined || location.scriptName === '') return location
    const original = this.mapPosition(location.scriptName, location.line, location.column)
    return original === undefined ? location : { ...location, original }
  }
}
