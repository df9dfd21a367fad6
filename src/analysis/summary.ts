/**
 * The cheap overview behind `heapscope summary`: counts, total size, what
 * produced the snapshot (browser, Node), and objects per class — one pass
 * over the nodes and one over the edges of plain objects, no dominators.
 *
 * Class names follow the current DevTools heap snapshot worker
 * (front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.ts), so names
 * read the same as its Summary view:
 * - `calculateObjectNames`: hidden → `(system)`, code → `(compiled code)`,
 *   closure → `Function`, regexp → `RegExp`, object and native → the node
 *   name with HTML attributes dropped (`<div id="a">` → `<div>`), every
 *   other type → `(type)`: `(string)`, `(array)`, `(concatenated string)`...
 * - `propagateDOMState`: native nodes V8 marks detached, and native nodes
 *   reached from them over non-weak, non-hidden edges (unless reached from an
 *   attached one first), are named `Detached <name>`.
 * - `inferInterfaceDefinitions` / `applyInterfaceDefinitions`: plain
 *   `Object`s are named by their property shape, `{x, y}`, for shapes shared
 *   by at least 2 objects and at least 1 in 1000 plain objects; an object
 *   takes the longest (then the most common) shape whose properties it has.
 *
 * Where we deviate from DevTools' Summary, on purpose:
 * - Classes are keyed by name only; DevTools also splits objects by their
 *   constructor's location (two classes `Foo` from two files are one row here).
 * - Sizes are the `shallowSize` the caller passes; by default V8's self sizes
 *   as written. DevTools first moves the size of `array`/`hidden` nodes owned
 *   by one object to that object (`calculateShallowSizes`); pass that result
 *   (computeShallowSizes) to get DevTools' numbers for every class.
 * - As in DevTools, nodes whose size is 0 are not counted in any class.
 */
import { UsageError } from '../snapshot/errors.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import { computeClassRetainedSizes } from './aggregates.js'
import { buildDominatorTree, type DominatorTree } from './dominator-tree.js'
import type { HeapAnalysis } from './heap-analysis.js'

/** What produced the snapshot: a browser renderer (Chrome, Edge, Electron renderer), Node.js, or unknown (e.g. Deno, d8). */
export type SnapshotKind = 'browser' | 'node' | 'unknown'

/** Objects of one class. */
export interface ClassStats {
  /** DevTools class name: a constructor name, `(string)`, `Detached <div>`, `{x, y}`... */
  name: string
  /** number of nodes of this class with a non-zero size */
  count: number
  /** sum of their shallow sizes, bytes */
  selfSize: number
  /** retained size of the class (outermost instances only), when the heap was analysed */
  retainedSize?: number
}

export interface SnapshotSummary {
  nodeCount: number
  edgeCount: number
  /** sum of all self sizes plus `extraNativeBytes`, bytes: what DevTools shows as the total size */
  totalSelfSize: number
  /** `snapshot.extra_native_bytes` (native memory not in any node), 0 when absent */
  extraNativeBytes: number
  hasAllocationTraces: boolean
  kind: SnapshotKind
  /** every class, largest `selfSize` first (ties: larger count, then name) */
  classes: ClassStats[]
  /** the parser's non-fatal findings (`Snapshot.warnings`) */
  warnings: string[]
  /** DevTools' total size (root's retained size + extra_native_bytes), when the heap was analysed */
  totalSize?: number
}

export interface SummaryOptions {
  /**
   * Shallow size of node n in bytes, indexed by ordinal; default
   * `snapshot.nodeSelfSize`. Only class sizes use it: `totalSelfSize` is the
   * same either way, since redistribution moves bytes without changing the sum.
   */
  shallowSize?: ArrayLike<number>
  /**
   * The heap's analysis: when given, classes use its shallow sizes and get
   * retained sizes, and the summary gets DevTools' total size.
   */
  analysis?: HeapAnalysis
  /** computeClassNames(s), when the caller has it already (it is reused, not recomputed) */
  classNames?: ClassNames
  /** buildDominatorTree(s, analysis…), when the caller has it already; used only with `analysis` */
  dominatorTree?: DominatorTree
}

/** Per-node DevTools class names, as an index into a small table of names. */
export interface ClassNames {
  /** class of node n: an index into `names` */
  classIndex: Uint32Array
  /** distinct class names */
  names: string[]
}

// Limits of interface inference, as in DevTools' HeapSnapshot.ts.
/** An interface name may pass MAX_INTERFACE_NAME_LENGTH only with this few properties. */
const MIN_INTERFACE_PROPERTY_COUNT = 1
const MAX_INTERFACE_NAME_LENGTH = 120
/** An interface must match at least this many objects... */
const MIN_OBJECT_COUNT_PER_INTERFACE = 2
/** ...and at least 1 in this many plain objects. */
const MIN_OBJECT_PROPORTION_PER_INTERFACE = 1000
/**
 * Our own cap on distinct candidate shapes, so a heap of millions of
 * differently-shaped dictionaries cannot grow the candidate Map past V8's
 * 2^24 limit. Shapes first seen after the cap are not counted; a shape that
 * rare cannot reach the 1-in-1000 threshold unless the heap has more than
 * ~4 billion plain objects.
 */
const MAX_INTERFACE_CANDIDATES = 1 << 22

/** DOM link states, as in V8's `detachedness` node field. */
const DOM_ATTACHED = 1
const DOM_DETACHED = 2

/** DevTools' `formatPropertyName`: quote names that would make an interface name ambiguous. */
function formatPropertyName(name: string): string {
  if (/[,'"{}]/.test(name)) {
    const json = JSON.stringify({ [name]: 0 })
    return json.substring(1, json.length - 3)
  }
  return name
}

/** DevTools' class name for an object or native node named `name`. */
function objectClassName(name: string): string {
  // '<div id="a">' → '<div>'; 'Detached <div id="a">' → 'Detached <div>'.
  if (name.startsWith('<')) {
    const space = name.indexOf(' ')
    return space === -1 ? name : name.substring(0, space) + '>'
  }
  if (name.startsWith('Detached <')) {
    const space = name.indexOf(' ', 10)
    return space === -1 ? name : name.substring(0, space) + '>'
  }
  return name
}

/**
 * Which native nodes DevTools names `Detached ...` (its `propagateDOMState`):
 * 1 for node n when it is. All zeros when the snapshot has no detachedness field.
 */
export function computeDetachedNames(s: Snapshot): Uint8Array {
  const nodeCount = s.nodeCount
  const detachedName = new Uint8Array(nodeCount)
  const given = s.nodeDetachedness
  if (given === null) return detachedName
  // Node and most non-DOM snapshots have the field but no state anywhere:
  // skip the 10 bytes per node of working arrays below.
  let anyState = false
  for (let n = 0; n < nodeCount && !anyState; n++) anyState = given[n] !== 0
  if (!anyState) return detachedName
  const nativeType = s.nodeTypes.native
  const hiddenEdge = s.edgeTypes.hidden
  const weakEdge = s.edgeTypes.weak
  const invisibleEdge = s.edgeTypeNames.indexOf('invisible')
  const { nodeType, firstEdge, edgeType, edgeTarget } = s
  const state = Uint8Array.from(given)
  const visited = new Uint8Array(nodeCount)
  // Each node enters at most one stack at most once (guarded by visited).
  const attached = new Uint32Array(nodeCount)
  const detached = new Uint32Array(nodeCount)
  let attachedTop = 0
  let detachedTop = 0

  // DevTools' processNode: only native nodes take a state (every entry from
  // JS into embedder code is a native node that knows its own state).
  const processNode = (n: number, newState: number): void => {
    if (visited[n]) return
    visited[n] = 1
    if (nodeType[n] !== nativeType) return
    state[n] = newState
    if (newState === DOM_ATTACHED) attached[attachedTop++] = n
    else if (newState === DOM_DETACHED) {
      detachedName[n] = 1
      detached[detachedTop++] = n
    }
  }
  for (let n = 0; n < nodeCount; n++) {
    if (state[n] !== 0) processNode(n, state[n])
  }
  // A child of an attached node is attached...
  while (attachedTop > 0) {
    const n = attached[--attachedTop]
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      const t = edgeType[e]
      if (t !== hiddenEdge && t !== invisibleEdge && t !== weakEdge) processNode(edgeTarget[e], DOM_ATTACHED)
    }
  }
  // ...and a child of a detached node not reached from an attached one is detached.
  while (detachedTop > 0) {
    const n = detached[--detachedTop]
    if (state[n] === DOM_ATTACHED) continue
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      const t = edgeType[e]
      if (t !== hiddenEdge && t !== invisibleEdge && t !== weakEdge) processNode(edgeTarget[e], DOM_DETACHED)
    }
  }
  return detachedName
}

/** One node of DevTools' interface property tree (sorted property names → interface). */
interface PropertyTreeNode {
  next: Map<string, PropertyTreeNode>
  match: InterfaceMatch | null
  /** the greatest property name in `next`, to stop following a branch early */
  greatestNext: string | null
}

interface InterfaceMatch {
  classIndex: number
  propertyCount: number
  /** position in the definition list: earlier (more common) wins ties */
  index: number
}

function betterMatch(a: InterfaceMatch, b: InterfaceMatch | null): InterfaceMatch {
  if (b === null || a.propertyCount > b.propertyCount) return a
  if (b.propertyCount > a.propertyCount) return b
  return a.index <= b.index ? a : b
}

/**
 * Every node's class name as DevTools' Summary shows it (see the rules at the
 * top of this file). One pass over the nodes, plus two over the property
 * edges of plain `Object`s.
 *
 * @example
 *   const { classIndex, names } = computeClassNames(s)
 *   console.log(names[classIndex[n]]) // 'Function', '(string)', '{x, y}', 'Detached <div>'...
 */
export function computeClassNames(s: Snapshot): ClassNames {
  const nodeCount = s.nodeCount
  const types = s.nodeTypes
  const { nodeType, nodeName, strings, firstEdge, edgeType, edgeNameOrIndex } = s
  const classIndex = new Uint32Array(nodeCount)
  const names: string[] = []
  const indexOfName = new Map<string, number>()
  const intern = (name: string): number => {
    let i = indexOfName.get(name)
    if (i === undefined) {
      i = names.length
      names.push(name)
      indexOfName.set(name, i)
    }
    return i
  }
  // Class of an object/native node by its name's string index: one Map lookup
  // per distinct name, not per node. -1 = not seen yet.
  const byName = new Int32Array(strings.length).fill(-1)
  let byDetachedName: Int32Array | null = null
  const byType = new Int32Array(s.nodeTypeNames.length).fill(-1)
  const detachedName = computeDetachedNames(s)

  for (let n = 0; n < nodeCount; n++) {
    const type = nodeType[n]
    if (type === types.object || type === types.native) {
      const nameIndex = nodeName[n]
      if (detachedName[n]) {
        byDetachedName ??= new Int32Array(strings.length).fill(-1)
        let c = byDetachedName[nameIndex]
        if (c === -1) c = byDetachedName[nameIndex] = intern(objectClassName('Detached ' + strings.get(nameIndex)))
        classIndex[n] = c
      } else {
        let c = byName[nameIndex]
        if (c === -1) c = byName[nameIndex] = intern(objectClassName(strings.get(nameIndex)))
        classIndex[n] = c
      }
    } else {
      let c = byType[type]
      if (c === -1) {
        let name: string
        if (type === types.hidden) name = '(system)'
        else if (type === types.code) name = '(compiled code)'
        else if (type === types.closure) name = 'Function'
        else if (type === types.regexp) name = 'RegExp'
        else name = `(${s.nodeTypeNames[type] ?? 'unknown'})`
        c = byType[type] = intern(name)
      }
      classIndex[n] = c
    }
  }

  applyInterfaceNames(s, classIndex, intern, firstEdge, edgeType, edgeNameOrIndex)
  return { classIndex, names }
}

/**
 * DevTools' interface inference: names plain `Object`s by property shape.
 * First collects candidate shapes (property names in edge order, without
 * `__proto__`, cut at MAX_INTERFACE_NAME_LENGTH), keeps the popular ones,
 * then gives each plain object the best shape its sorted properties contain.
 */
function applyInterfaceNames(
  s: Snapshot,
  classIndex: Uint32Array,
  intern: (name: string) => number,
  firstEdge: Uint32Array,
  edgeType: Uint8Array,
  edgeNameOrIndex: Uint32Array,
): void {
  const objectType = s.nodeTypes.object
  const propertyEdge = s.edgeTypes.property
  const { nodeType, nodeName, strings } = s
  const objectName = strings.indexOf('Object')
  if (objectName === -1 || propertyEdge === -1) return
  // Only the string 'Object' at objectName is compared by index; V8 dedupes
  // its strings table, but check by content too in case a writer did not.
  const isPlainObject = (n: number): boolean =>
    nodeType[n] === objectType && (nodeName[n] === objectName || strings.get(nodeName[n]) === 'Object')

  interface Candidate {
    name: string
    properties: string[]
    count: number
  }
  const candidates = new Map<string, Candidate>()
  let plainObjectCount = 0
  for (let n = 0; n < s.nodeCount; n++) {
    if (!isPlainObject(n)) continue
    plainObjectCount++
    let name = '{'
    const properties: string[] = []
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      if (edgeType[e] !== propertyEdge) continue
      const property = strings.get(edgeNameOrIndex[e])
      if (property === '__proto__') continue
      const formatted = formatPropertyName(property)
      if (name.length > MIN_INTERFACE_PROPERTY_COUNT && name.length + formatted.length > MAX_INTERFACE_NAME_LENGTH) break
      if (name.length !== 1) name += ', '
      name += formatted
      properties.push(property)
    }
    // The empty interface would read as "objects with no properties", which they are not.
    if (properties.length === 0) continue
    name += '}'
    const candidate = candidates.get(name)
    if (candidate !== undefined) candidate.count++
    else if (candidates.size < MAX_INTERFACE_CANDIDATES) candidates.set(name, { name, properties, count: 1 })
  }
  // Most common first; Array#sort is stable, so ties keep first-seen order, as in DevTools.
  const sorted = Array.from(candidates.values()).sort((a, b) => b.count - a.count)
  const minCount = Math.max(MIN_OBJECT_COUNT_PER_INTERFACE, plainObjectCount / MIN_OBJECT_PROPORTION_PER_INTERFACE)
  const definitions: Candidate[] = []
  for (const c of sorted) {
    if (c.count < minCount) break
    definitions.push(c)
  }
  if (definitions.length === 0) return

  // The property tree: a path of sorted property names leads to an interface.
  const root: PropertyTreeNode = { next: new Map(), match: null, greatestNext: null }
  for (let index = 0; index < definitions.length; index++) {
    const definition = definitions[index]
    const properties = definition.properties.slice().sort()
    let node = root
    for (const property of properties) {
      let next = node.next.get(property)
      if (next === undefined) {
        next = { next: new Map(), match: null, greatestNext: null }
        node.next.set(property, next)
        if (node.greatestNext === null || node.greatestNext < property) node.greatestNext = property
      }
      node = next
    }
    // Earlier (more common) definitions keep priority for the same property set.
    node.match ??= { classIndex: intern(definition.name), propertyCount: properties.length, index }
  }

  const states = new Set<PropertyTreeNode>()
  const properties: string[] = []
  for (let n = 0; n < s.nodeCount; n++) {
    if (!isPlainObject(n)) continue
    properties.length = 0
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      if (edgeType[e] === propertyEdge) properties.push(strings.get(edgeNameOrIndex[e]))
    }
    properties.sort()
    states.clear()
    states.add(root)
    // The fallback: no interface matched, the object keeps its name 'Object'.
    const initial: InterfaceMatch = { classIndex: classIndex[n], propertyCount: 0, index: Infinity }
    let match = betterMatch(initial, root.match)
    for (const property of properties) {
      // Only the states that existed before this property, not the ones added below.
      for (const state of Array.from(states)) {
        if (state.greatestNext === null || property >= state.greatestNext) states.delete(state)
        const next = state.next.get(property)
        if (next !== undefined) {
          states.add(next)
          match = betterMatch(match, next.match)
        }
      }
    }
    classIndex[n] = match.classIndex
  }
}

/**
 * What produced the snapshot, from what its root holds:
 * - 'browser': the root has a `(Document DOM trees)` child, or a global
 *   object named `Window` / `Window / <url>` (Chrome, Edge, Electron renderers);
 * - 'node': the root has Node's embedder roots (`Node / Environment` and other
 *   `Node / ...` synthetic children), or a global object named `global` with a
 *   `process` property; failing both, any native or synthetic node named
 *   `Node / Environment` (e.g. a snapshot written from a worker thread);
 * - else 'unknown' (Deno, d8, hand-made snapshots).
 *
 * @example
 *   detectSnapshotKind(await openSnapshot('app.heapsnapshot')) // 'node'
 */
export function detectSnapshotKind(s: Snapshot): SnapshotKind {
  const root = s.rootOrdinal
  if (s.nodeCount === 0) return 'unknown'
  const { firstEdge, edgeTarget, nodeType } = s
  const types = s.nodeTypes
  let node = false
  for (let e = firstEdge[root], end = firstEdge[root + 1]; e < end; e++) {
    const target = edgeTarget[e]
    const name = s.nodeNameOf(target)
    const type = nodeType[target]
    if (name === '(Document DOM trees)') return 'browser'
    if (type === types.object || type === types.native) {
      if (name === 'Window' || name.startsWith('Window /') || name.startsWith('Window (')) return 'browser'
      if (name === 'global' && hasPropertyNamed(s, target, 'process')) node = true
    }
    if ((type === types.synthetic || type === types.native) && name.startsWith('Node / ')) node = true
  }
  if (node) return 'node'
  const environment = s.strings.indexOf('Node / Environment')
  if (environment !== -1) {
    for (let n = 0; n < s.nodeCount; n++) {
      if (s.nodeName[n] === environment && (nodeType[n] === types.synthetic || nodeType[n] === types.native)) return 'node'
    }
  }
  // Recent headless Chromium writes no Window shortcut under the root; its
  // Blink objects (native nodes named HTMLDocument, blink::...) still say browser.
  for (let n = 0; n < s.nodeCount; n++) {
    if (nodeType[n] !== types.native) continue
    const name = s.strings.get(s.nodeName[n])
    if (name === 'HTMLDocument' || name.startsWith('blink::')) return 'browser'
  }
  return 'unknown'
}

function hasPropertyNamed(s: Snapshot, n: number, property: string): boolean {
  const propertyEdge = s.edgeTypes.property
  for (let e = s.firstEdge[n], end = s.firstEdge[n + 1]; e < end; e++) {
    if (s.edgeType[e] === propertyEdge && s.strings.get(s.edgeNameOrIndex[e]) === property) return true
  }
  return false
}

const SUMMARY_OPTION_KEYS = new Set(['shallowSize', 'analysis', 'classNames', 'dominatorTree'])

/**
 * Counts, total size, kind and per-class statistics of a snapshot.
 *
 * @example
 *   const summary = computeSnapshotSummary(await openSnapshot('app.heapsnapshot.gz'))
 *   console.log(summary.kind, summary.nodeCount, summary.classes[0].name)
 */
export function computeSnapshotSummary(s: Snapshot, options: SummaryOptions = {}): SnapshotSummary {
  for (const key of Object.keys(options)) {
    if (!SUMMARY_OPTION_KEYS.has(key)) throw new UsageError(`computeSnapshotSummary: unknown option "${key}"`)
  }
  const analysis = options.analysis
  const shallowSize = options.shallowSize ?? analysis?.shallowSize ?? s.nodeSelfSize
  if (shallowSize.length !== s.nodeCount) {
    throw new UsageError(`computeSnapshotSummary: shallowSize has ${shallowSize.length} entries, the snapshot ${s.nodeCount} nodes`)
  }
  const { classIndex, names } = options.classNames ?? computeClassNames(s)
  const count = new Float64Array(names.length)
  const size = new Float64Array(names.length)
  let selfSizeSum = 0
  const selfSize = s.nodeSelfSize
  for (let n = 0; n < s.nodeCount; n++) {
    selfSizeSum += selfSize[n]
    const bytes = shallowSize[n]
    if (bytes === 0) continue
    const c = classIndex[n]
    count[c]++
    size[c] += bytes
  }
  const retained =
    analysis === undefined
      ? null
      : computeClassRetainedSizes(
          s,
          classIndex,
          names.length,
          options.dominatorTree ?? buildDominatorTree(s, analysis.dominators, analysis.retainedSize),
          analysis.shallowSize,
          analysis.retainedSize,
        )
  const classes: ClassStats[] = []
  for (let c = 0; c < names.length; c++) {
    if (count[c] === 0) continue
    const stats: ClassStats = { name: names[c], count: count[c], selfSize: size[c] }
    if (retained !== null) stats.retainedSize = retained[c]
    classes.push(stats)
  }
  classes.sort(compareClassesBySize)
  return {
    nodeCount: s.nodeCount,
    edgeCount: s.edgeCount,
    totalSelfSize: selfSizeSum + s.extraNativeBytes,
    extraNativeBytes: s.extraNativeBytes,
    hasAllocationTraces: s.hasAllocationTraces,
    kind: detectSnapshotKind(s),
    classes,
    warnings: s.warnings.slice(),
    ...(analysis === undefined ? {} : { totalSize: analysis.totalSize }),
  }
}

/**
 * Largest self size first; ties: larger count, then name (code unit order), so the order is total.
 *
 * @example
 *   const bySize = summary.classes.slice().sort(compareClassesBySize)
 */
export function compareClassesBySize(a: ClassStats, b: ClassStats): number {
  return b.selfSize - a.selfSize || b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

/**
 * Largest count first; ties: larger self size, then name.
 *
 * @example
 *   const byCount = summary.classes.slice().sort(compareClassesByCount)
 */
export function compareClassesByCount(a: ClassStats, b: ClassStats): number {
  return b.count - a.count || b.selfSize - a.selfSize || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}
