/**
 * Group keys for objects: by allocation site, whole allocation stack, class
 * or script. `diff` (two or three snapshots) and any analysis over a series
 * group objects the same way through these two classes.
 *
 * A key is computed once per class or per trace-tree node, not per object:
 * a snapshot has millions of objects but thousands of classes and trace
 * nodes. Groups of several snapshots share one GroupKeys, so the same key in
 * two snapshots is the same group index.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { computeClassNames, type ClassNames } from './class-names.js'
import { allocationTraceOf, formatSite, traceSite, traceStack, type AllocationSite } from './sites.js'

/** site: the allocating frame; stack: the whole allocation stack; class: DevTools' class name; script: the allocating script. */
export type Grouping = 'site' | 'stack' | 'class' | 'script'

/** What a group key stands for. */
export interface GroupInfo {
  key: string
  /** the allocating frame, for site/stack/script grouping */
  site?: AllocationSite
  /** the whole allocation stack, innermost first (stack grouping) */
  stack?: AllocationSite[]
}

/** Distinct group keys, numbered in the order they are first seen (0, 1, 2...). */
export class GroupKeys {
  readonly groups: GroupInfo[] = []
  private readonly index = new Map<string, number>()

  /** The number of the group `key` (a new one the first time). */
  id(key: string, extra: { site?: AllocationSite; stack?: AllocationSite[] } = {}): number {
    let g = this.index.get(key)
    if (g === undefined) {
      g = this.groups.length
      this.groups.push({ key, ...extra })
      this.index.set(key, g)
    }
    return g
  }
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
  private readonly byClass: Int32Array
  private readonly byTrace: Int32Array

  constructor(
    private readonly s: Snapshot,
    private readonly groupBy: Grouping,
    private readonly keys: GroupKeys,
    classNames: ClassNames = computeClassNames(s),
  ) {
    this.classOf = classNames.classIndex
    this.classNames = classNames.names
    this.byClass = new Int32Array(classNames.names.length).fill(-1)
    this.byTrace = new Int32Array(s.traceTree?.count ?? 0).fill(-1)
  }

  groupOf(n: number): number {
    if (this.groupBy === 'class') {
      const c = this.classOf[n]
      if (this.byClass[c] < 0) this.byClass[c] = this.keys.id(this.classNames[c])
      return this.byClass[c]
    }
    const t = allocationTraceOf(this.s, n)
    if (t < 0) return this.keys.id('(no allocation trace)')
    if (this.byTrace[t] < 0) {
      const site = traceSite(this.s, t)
      if (this.groupBy === 'site') this.byTrace[t] = this.keys.id(formatSite(site), { site })
      else if (this.groupBy === 'script') {
        const scriptSite = { functionName: '', scriptName: site.scriptName, line: 0, column: 0 }
        this.byTrace[t] = this.keys.id(site.scriptName === '' ? '(no script)' : site.scriptName, { site: scriptSite })
      } else {
        const stack = traceStack(this.s, t)
        this.byTrace[t] = this.keys.id(stack.map(formatSite).join(' <- '), { site, stack })
      }
    }
    return this.byTrace[t]
  }
}
