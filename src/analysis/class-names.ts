/**
 * Every node's class name as DevTools' Summary view shows it, after the
 * current DevTools heap snapshot worker
 * (front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.ts):
 * - `calculateObjectNames`: hidden → `(system)`, code → `(compiled code)`,
 *   closure → `Function`, regexp → `RegExp`, object and native → the node
 *   name with HTML attributes dropped (`<div id="a">` → `<div>`), every
 *   other type → `(type)`: `(string)`, `(array)`, `(concatenated string)`...
 * - `propagateDOMState` (dom-state.ts): detached native nodes are named
 *   `Detached <name>`.
 * - `inferInterfaceDefinitions` / `applyInterfaceDefinitions`: plain
 *   `Object`s are named by their property shape, `{x, y}`, for shapes shared
 *   by at least 2 objects and at least 1 in 1000 plain objects; an object
 *   takes the longest (then the most common) shape whose properties it has.
 *
 * Where we deviate: classes are keyed by name only; DevTools also splits
 * objects by their constructor's location (two classes `Foo` from two files
 * are one class here).
 *
 * Computed once per snapshot and passed to every analysis that groups by
 * class (summary, diff, cycles, detached, clusters), which take it as an
 * option rather than computing it again.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { computeDetachedNames } from './dom-state.js'

/** Per-node DevTools class names, as an index into a small table of names. */
export interface ClassNames {
  /** class of node n: an index into `names` */
  classIndex: Uint32Array
  /** distinct class names */
  names: string[]
  /** the property shapes that named plain objects (`{x, y}`), most common first */
  interfaceDefinitions: InterfaceDefinition[]
}

/** A property shape that names plain `Object`s, as DevTools' `interfaceDefinitions()` lists them. */
export interface InterfaceDefinition {
  /** `{x, y}` */
  name: string
  /** the property names, in the order of the first object seen with them */
  properties: string[]
}

export interface ClassNameOptions {
  /**
   * Name plain objects with these shapes instead of the ones inferred from
   * this snapshot. DevTools' Comparison view names the base snapshot's
   * objects with the other snapshot's shapes (`aggregatesForDiff`), so the
   * same class means the same thing on both sides.
   */
  interfaceDefinitions?: readonly InterfaceDefinition[]
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

/** At most this many shapes are remembered (ShapeMemo), and this many property names in all. */
const MAX_MEMO_SHAPES = 1 << 18
const MAX_MEMO_NAMES = 1 << 22

/**
 * What a pass over plain objects found for each property shape: the string
 * indices of an object's property edge names, in edge order. Both interface
 * passes give the same answer for two objects of one shape — objects of one
 * hidden class share it — so each shape's properties are read as strings,
 * formatted and sorted once, not once per object (a 600 MB heap has
 * millions of plain objects of a few hundred shapes). Shapes are told apart
 * by a hash of the indices, then compared index by index.
 */
class ShapeMemo<T> {
  private readonly byHash = new Map<number, { names: Uint32Array; value: T }[]>()
  private shapes = 0
  private names = 0
  /** the shape of the object last looked up: names[0..length) */
  private shape = new Uint32Array(64)
  private length = 0
  private hash = 0

  constructor(
    private readonly firstEdge: Uint32Array,
    private readonly edgeType: Uint8Array,
    private readonly edgeNameOrIndex: Uint32Array,
    private readonly propertyEdge: number,
  ) {}

  /** The value remembered for the shape of object n, or undefined (then `remember` may store one). */
  lookup(n: number): T | undefined {
    const { firstEdge, edgeType, edgeNameOrIndex, propertyEdge } = this
    let length = 0
    let hash = 0x811c9dc5
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      if (edgeType[e] !== propertyEdge) continue
      const name = edgeNameOrIndex[e]
      if (length === this.shape.length) {
        const grown = new Uint32Array(length * 2)
        grown.set(this.shape)
        this.shape = grown
      }
      this.shape[length++] = name
      hash = Math.imul(hash ^ name, 0x01000193)
    }
    this.length = length
    this.hash = hash
    const known = this.byHash.get(hash)
    if (known === undefined) return undefined
    for (const entry of known) {
      const names = entry.names
      if (names.length !== length) continue
      let i = 0
      while (i < length && names[i] === this.shape[i]) i++
      if (i === length) return entry.value
    }
    return undefined
  }

  /** Remembers `value` for the shape last looked up (while there is room). */
  remember(value: T): void {
    if (this.shapes >= MAX_MEMO_SHAPES || this.names + this.length > MAX_MEMO_NAMES) return
    this.shapes++
    this.names += this.length
    const entry = { names: this.shape.slice(0, this.length), value }
    const known = this.byHash.get(this.hash)
    if (known === undefined) this.byHash.set(this.hash, [entry])
    else known.push(entry)
  }
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
export function computeClassNames(s: Snapshot, options: ClassNameOptions = {}): ClassNames {
  const nodeCount = s.nodeCount
  const types = s.nodeTypes
  const { nodeType, nodeNameIndex, strings, firstEdge, edgeType, edgeNameOrIndex } = s
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
      const nameIndex = nodeNameIndex[n]
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

  const interfaceDefinitions = options.interfaceDefinitions ?? inferInterfaceDefinitions(s)
  applyInterfaceNames(s, interfaceDefinitions, classIndex, intern, firstEdge, edgeType, edgeNameOrIndex)
  return { classIndex, names, interfaceDefinitions: interfaceDefinitions.slice() }
}

/** Whether node n is a plain `Object` (the objects interface inference names). */
function plainObjectTest(s: Snapshot): ((n: number) => boolean) | null {
  const objectType = s.nodeTypes.object
  const { nodeType, nodeNameIndex, strings } = s
  const objectName = strings.indexOf('Object')
  if (objectName === -1 || s.edgeTypes.property === -1) return null
  // Only the string 'Object' at objectName is compared by index; V8 dedupes
  // its strings table, but check by content too in case a writer did not.
  return (n) => nodeType[n] === objectType && (nodeNameIndex[n] === objectName || strings.get(nodeNameIndex[n]) === 'Object')
}

/**
 * DevTools' `inferInterfaceDefinitions`: candidate shapes (property names in
 * edge order, without `__proto__`, cut at MAX_INTERFACE_NAME_LENGTH), the
 * popular ones kept, most common first.
 *
 * @example
 *   const base = computeClassNames(before, { interfaceDefinitions: inferInterfaceDefinitions(after) })
 */
export function inferInterfaceDefinitions(s: Snapshot): InterfaceDefinition[] {
  const isPlainObject = plainObjectTest(s)
  if (isPlainObject === null) return []
  const propertyEdge = s.edgeTypes.property
  const { strings, firstEdge, edgeType, edgeNameOrIndex } = s
  interface Candidate {
    name: string
    properties: string[]
    count: number
  }
  const candidates = new Map<string, Candidate>()
  /** each shape's candidate; null: none (no properties, or the candidates are capped) */
  const memo = new ShapeMemo<Candidate | null>(firstEdge, edgeType, edgeNameOrIndex, propertyEdge)
  let plainObjectCount = 0
  for (let n = 0; n < s.nodeCount; n++) {
    if (!isPlainObject(n)) continue
    plainObjectCount++
    const known = memo.lookup(n)
    if (known !== undefined) {
      if (known !== null) known.count++
      continue
    }
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
    if (properties.length === 0) {
      memo.remember(null)
      continue
    }
    name += '}'
    let candidate = candidates.get(name) ?? null
    if (candidate !== null) candidate.count++
    else if (candidates.size < MAX_INTERFACE_CANDIDATES) {
      candidate = { name, properties, count: 1 }
      candidates.set(name, candidate)
    }
    // Two shapes may make one name (names cut at MAX_INTERFACE_NAME_LENGTH): they count as one candidate.
    memo.remember(candidate)
  }
  // Most common first; Array#sort is stable, so ties keep first-seen order, as in DevTools.
  const sorted = Array.from(candidates.values()).sort((a, b) => b.count - a.count)
  const minCount = Math.max(MIN_OBJECT_COUNT_PER_INTERFACE, plainObjectCount / MIN_OBJECT_PROPORTION_PER_INTERFACE)
  const definitions: InterfaceDefinition[] = []
  for (const c of sorted) {
    if (c.count < minCount) break
    definitions.push({ name: c.name, properties: c.properties })
  }
  return definitions
}

/**
 * DevTools' `applyInterfaceDefinitions`: gives each plain object the best
 * shape of `definitions` its sorted properties contain (the longest, then
 * the most common).
 */
function applyInterfaceNames(
  s: Snapshot,
  definitions: readonly InterfaceDefinition[],
  classIndex: Uint32Array,
  intern: (name: string) => number,
  firstEdge: Uint32Array,
  edgeType: Uint8Array,
  edgeNameOrIndex: Uint32Array,
): void {
  const isPlainObject = plainObjectTest(s)
  if (isPlainObject === null || definitions.length === 0) return
  const propertyEdge = s.edgeTypes.property
  const { strings } = s

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
  /** each shape's class (plain objects all start as 'Object': the answer is the shape's) */
  const memo = new ShapeMemo<number>(firstEdge, edgeType, edgeNameOrIndex, propertyEdge)
  for (let n = 0; n < s.nodeCount; n++) {
    if (!isPlainObject(n)) continue
    const known = memo.lookup(n)
    if (known !== undefined) {
      classIndex[n] = known
      continue
    }
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
    memo.remember(match.classIndex)
  }
}
