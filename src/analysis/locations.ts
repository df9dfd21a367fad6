/**
 * Where objects were defined, from the snapshot's `locations` section: V8
 * writes one entry per closure (the position of its function) and per object
 * whose constructor it knows (the constructor's position), as
 * `object_index, script_id, line, column` with 0-based line and column
 * (HeapSnapshotGenerator's `ExtractLocation`). DevTools keys its classes by
 * that location (`classKeyInternal`) and links it to the script through the
 * live debugger; a snapshot read from a file has no debugger, so script ids
 * are named from the snapshot itself:
 * - `trace_function_infos` (allocation tracking) pairs script ids with names;
 * - a closure with a location reaches its script through
 *   `shared` -> `script` (`script_or_debug_info` in older V8) -> the Script
 *   node, named by the script's name (`system / Script / <name>` in newer V8).
 *
 * Positions here are 1-based, as people and editors count, and as
 * `trace_function_infos` already are.
 *
 * The index is built once per snapshot and remembered in a WeakMap keyed by
 * the snapshot (a snapshot never changes, so it cannot go stale, and it goes
 * with the snapshot): reports ask for one object's location at a time.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { orderByKey } from '../snapshot/key-order.js'
import { firstAtLeast } from './sorted.js'

/** A definition position in a script. */
export interface SourceLocation {
  /** V8's script id (stable within a process) */
  scriptId: number
  /** the script's name or URL as V8 knows it, '' when the snapshot does not say */
  scriptName: string
  /** 1-based */
  line: number
  /** 1-based */
  column: number
  /** the position in the original source, when a source map was found */
  original?: OriginalPosition
}

/** A position in an original (pre-transpile, pre-bundle) source file, from a source map. */
export interface OriginalPosition {
  /** the original file, resolved against the map's location */
  source: string
  /** 1-based */
  line: number
  /** 1-based */
  column: number
}

/**
 * `script:line:column`, the original position when there is one.
 *
 * @example
 *   formatLocation({ scriptId: 82, scriptName: '/app/server.js', line: 27, column: 5 }) // '/app/server.js:27:5'
 */
export function formatLocation(location: SourceLocation): string {
  const o = location.original
  if (o !== undefined) return `${o.source}:${o.line}:${o.column}`
  return `${location.scriptName === '' ? `(script ${location.scriptId})` : location.scriptName}:${location.line}:${location.column}`
}

/**
 * The locations of one snapshot, indexed by node; get it with sourceLocations(s).
 *
 * @example
 *   sourceLocations(s).of(n) // { scriptId: 82, scriptName: '/app/server.js', line: 27, column: 5 }
 */
export class SourceLocations {
  /** location entries sorted by node ordinal: the node, then its entry in `s.locations` */
  private readonly nodes: Uint32Array
  private readonly entries: Uint32Array
  private readonly scriptNames = new Map<number, string>()
  private resolvedFromClosures = false
  /** per entry, the number of its distinct position (script, line, column); built on first use */
  private positionIds: Int32Array | null = null
  private distinctPositions = 0

  constructor(private readonly s: Snapshot) {
    const l = s.locations
    const count = l?.count ?? 0
    const order = l === null ? new Uint32Array(0) : orderByKey(l.node.subarray(0, count))
    this.entries = order
    this.nodes = new Uint32Array(count)
    for (let i = 0; i < count; i++) this.nodes[i] = (l as NonNullable<typeof l>).node[order[i]]
    const infos = s.traceFunctionInfos
    if (infos !== null) {
      for (let f = 0; f < infos.count; f++) {
        const name = s.strings.get(infos.scriptName[f])
        if (name !== '' && !this.scriptNames.has(infos.scriptId[f])) this.scriptNames.set(infos.scriptId[f], name)
      }
    }
  }

  /** How many objects have a location. */
  get count(): number {
    return this.nodes.length
  }

  /** Node n's entry in `s.locations` (its first, should V8 write two), or -1. */
  entryOf(n: number): number {
    const at = firstAtLeast(this.nodes, n, 0)
    return at < this.nodes.length && this.nodes[at] === n ? this.entries[at] : -1
  }

  /**
   * entryOf for a caller that asks about nodes in increasing order, or
   * nearly: a step forward from the previous node asked about walks on from
   * where that one was found, so a pass over every node costs O(nodes +
   * entries) where a binary search per node cost a few seconds on 5 million.
   *
   * @example
   *   const entryOf = sourceLocations(s).entryLookup()
   *   for (let n = 0; n < s.nodeCount; n++) if (entryOf(n) >= 0) located++
   */
  entryLookup(): (n: number) => number {
    const { nodes, entries } = this
    /** where the last search ended: nodes[at - 1] < the node asked about then <= nodes[at] */
    let at = 0
    return (n) => {
      if (at > 0 && nodes[at - 1] >= n) at = firstAtLeast(nodes, n, 0)
      else {
        // A few steps, then a binary search of the rest (a jump far ahead).
        const end = Math.min(nodes.length, at + 8)
        while (at < end && nodes[at] < n) at++
        if (at === end && at < nodes.length && nodes[at] < n) at = firstAtLeast(nodes, n, at)
      }
      return at < nodes.length && nodes[at] === n ? entries[at] : -1
    }
  }

  /** Node n's definition position (a closure's function, an object's constructor), or null. */
  of(n: number): SourceLocation | null {
    const i = this.entryOf(n)
    if (i < 0) return null
    const l = this.s.locations as NonNullable<Snapshot['locations']>
    const scriptId = l.scriptId[i]
    return { scriptId, scriptName: this.scriptName(scriptId), line: l.line[i] + 1, column: l.column[i] + 1 }
  }

  /**
   * Entry i's position as a small number (0, 1, 2... in the order of the
   * entries): entries at the same script, line and column (every instance
   * of one constructor) share it. Lets a caller key per position without a
   * string per object.
   */
  positionOf(i: number): number {
    return (this.positionIds ?? this.numberPositions())[i]
  }

  /** How many distinct positions the entries have (positionOf is below it). */
  get positionCount(): number {
    if (this.positionIds === null) this.numberPositions()
    return this.distinctPositions
  }

  /**
   * Numbers the positions in one pass, through an open-addressing table of
   * the first entry of each position (a Map of Maps per entry cost ~1 s on
   * the 1.5 million entries of a 600 MB snapshot).
   */
  private numberPositions(): Int32Array {
    const l = this.s.locations
    const count = l?.count ?? 0
    const ids = new Int32Array(count)
    this.positionIds = ids
    if (l === null) return ids
    const { scriptId, line, column } = l
    // A power of two at least twice the entries: probes stay short.
    let size = 16
    while (size < count * 2) size *= 2
    const mask = size - 1
    /** first entry of the position in slot, + 1 (0: empty) */
    const table = new Int32Array(size)
    let distinct = 0
    for (let e = 0; e < count; e++) {
      const script = scriptId[e]
      const ln = line[e]
      const col = column[e]
      let slot = (Math.imul(script, 0x9e3779b1) ^ Math.imul(ln, 0x85ebca6b) ^ Math.imul(col, 0xc2b2ae35)) & mask
      for (;;) {
        const first = table[slot] - 1
        if (first < 0) {
          table[slot] = e + 1
          ids[e] = distinct++
          break
        }
        if (scriptId[first] === script && line[first] === ln && column[first] === col) {
          ids[e] = ids[first]
          break
        }
        slot = (slot + 1) & mask
      }
    }
    this.distinctPositions = distinct
    return ids
  }

  /** The name of script `scriptId`, '' when the snapshot does not name it. */
  scriptName(scriptId: number): string {
    let name = this.scriptNames.get(scriptId)
    if (name === undefined && !this.resolvedFromClosures) {
      this.nameScriptsFromClosures()
      name = this.scriptNames.get(scriptId)
    }
    return name ?? ''
  }

  /** Names every script that some located closure belongs to (once per snapshot). */
  private nameScriptsFromClosures(): void {
    this.resolvedFromClosures = true
    const s = this.s
    const l = s.locations
    if (l === null) return
    const closure = s.nodeTypes.closure
    for (let i = 0; i < l.count; i++) {
      const n = l.node[i]
      if (s.nodeType[n] !== closure || this.scriptNames.has(l.scriptId[i])) continue
      const shared = edgeTo(s, n, 'shared')
      if (shared < 0) continue
      const script = edgeTo(s, shared, 'script', 'script_or_debug_info')
      if (script < 0) continue
      const name = scriptNodeName(s.nodeName(script))
      if (name !== null) this.scriptNames.set(l.scriptId[i], name)
    }
  }
}

/** The target of n's first edge named `name` (or `alias`), or -1. */
function edgeTo(s: Snapshot, n: number, name: string, alias?: string): number {
  for (let e = s.firstEdge[n]; e < s.firstEdge[n + 1]; e++) {
    if (s.edgeHasIndex(e)) continue
    const edgeName = s.edgeName(e)
    if (edgeName === name || edgeName === alias) return s.edgeTarget[e]
  }
  return -1
}

/** A Script node's name as the script's name: `system / Script / x.js` (newer V8) or `x.js`; null for other nodes. */
function scriptNodeName(nodeName: string): string | null {
  const prefix = 'system / Script / '
  if (nodeName.startsWith(prefix)) return nodeName.slice(prefix.length)
  // A DebugInfo or another system object in the slot, not the script.
  if (nodeName.startsWith('system / ') || nodeName === '') return null
  return nodeName
}

const cache = new WeakMap<Snapshot, SourceLocations>()

/**
 * The definition positions of a snapshot's closures and objects (built once
 * per snapshot, then remembered).
 *
 * @example
 *   const where = sourceLocations(s).of(n)
 *   where && formatLocation(where) // '/app/server.js:27:5'
 */
export function sourceLocations(s: Snapshot): SourceLocations {
  let l = cache.get(s)
  if (l === undefined) {
    l = new SourceLocations(s)
    cache.set(s, l)
  }
  return l
}
