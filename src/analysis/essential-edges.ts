/**
 * Which edges count when computing dominators, as Chrome DevTools decides
 * (HeapSnapshot.ts `computeIsEssentialEdge`, JSHeapSnapshot
 * `markPageOwnedNodes`). An edge is essential unless:
 *
 * - it is weak (weak edges never retain anything);
 * - it is a self-edge;
 * - it is a `shortcut` edge from a node other than the root (shortcuts at the
 *   root mark the user's global objects);
 * - it goes from a node that is not page-owned to a page-owned node, from a
 *   non-root node (page-owned: reachable over non-weak edges from the targets
 *   of the root's shortcut edges and of its element edges to
 *   `(Document DOM trees)`), so that objects also held by e.g. the debugger
 *   keep the dominators they have in the page;
 * - it is the internal edge from a WeakMap's table to a value: a value is
 *   retained by key and table together, and DevTools keeps the key → value
 *   edge, which gives more useful dominators.
 *
 * The result is a bit vector over edge indices (1 bit an edge: a production
 * snapshot has tens of millions of edges).
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import type { StringTable } from '../snapshot/strings.js'

/** A bit per edge: bit e is set when edge e is essential. */
export type EdgeBits = Uint32Array

export function hasBit(bits: Uint32Array, i: number): boolean {
  return ((bits[i >>> 5] >>> (i & 31)) & 1) === 1
}

/**
 * The name V8 gives the two internal edges of a WeakMap entry:
 * "<index> / part of key (K @1) -> value (V @2) pair in WeakMap (table @3)".
 * The part after the index is the same on the table's edge and the key's.
 */
const EPHEMERON_NAME = /^\d+ \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @\d+\)$/

function isDigitAt(str: string, i: number): boolean {
  const c = str.charCodeAt(i) // NaN outside the string
  return c >= 0x30 && c <= 0x39
}

/**
 * Parses WeakMap ephemeron edge names once per string index. Only internal
 * edges are asked about, so each distinct internal name is parsed once. The
 * results are in two typed arrays (not Maps): V8 writes a distinct name for
 * every WeakMap entry, so there are as many as entries; each is decoded for
 * the test and not kept (StringTable.decode): keeping hundreds of thousands
 * of entry names would cost more than the test.
 */
export class EphemeronNames {
  /** 0 not parsed yet, 1 not an ephemeron name, 2 an ephemeron name */
  readonly state: Uint8Array
  /** the table's node id, for names whose state is 2 */
  readonly tableId: Float64Array

  constructor(private readonly strings: Pick<StringTable, 'decode' | 'length'>) {
    this.state = new Uint8Array(strings.length)
    this.tableId = new Float64Array(strings.length)
  }

  /** Parses string `nameIndex` and returns its state (1 or 2). */
  parse(nameIndex: number): number {
    const state = this.state[nameIndex]
    if (state !== 0) return state
    const str = this.strings.decode(nameIndex)
    // test(), not exec(): no match object to allocate. The table id is the digits before the final ')'.
    if (!EPHEMERON_NAME.test(str)) {
      this.state[nameIndex] = 1
      return 1
    }
    let j = str.length - 1
    while (isDigitAt(str, j - 1)) j--
    this.tableId[nameIndex] = Number(str.slice(j, str.length - 1))
    this.state[nameIndex] = 2
    return 2
  }

  /** The WeakMap table's node id named by this edge name, or -1 if it is not an ephemeron edge. */
  tableIdOf(nameIndex: number): number {
    return this.parse(nameIndex) === 2 ? this.tableId[nameIndex] : -1
  }

  /** The key/value/table part shared by both edges of one WeakMap entry, or null. */
  pairOf(nameIndex: number): string | null {
    if (this.parse(nameIndex) !== 2) return null
    const str = this.strings.decode(nameIndex)
    let i = 0
    while (isDigitAt(str, i)) i++
    return str.slice(i)
  }
}

/**
 * Page-owned nodes: reachable over non-weak edges from the targets of the
 * root's shortcut edges and of its element edges to `(Document DOM trees)`.
 * Returns 1 for page-owned nodes, 0 otherwise.
 */
export function computePageOwned(s: Snapshot): Uint8Array {
  const { firstEdge, edgeTarget, edgeType, nodeType, nodeName, strings } = s
  const root = s.rootOrdinal
  const shortcut = s.edgeTypes.shortcut
  const element = s.edgeTypes.element
  const weak = s.edgeTypes.weak
  const synthetic = s.nodeTypes.synthetic
  const owned = new Uint8Array(s.nodeCount)
  const stack = new Uint32Array(s.nodeCount)
  let top = 0
  for (let e = firstEdge[root]; e < firstEdge[root + 1]; e++) {
    const t = edgeType[e]
    const target = edgeTarget[e]
    if (t === element) {
      if (nodeType[target] !== synthetic || strings.get(nodeName[target]) !== '(Document DOM trees)') continue
    } else if (t !== shortcut) {
      continue
    }
    // DevTools pushes an entry point once per edge, even when already marked.
    if (top < stack.length) stack[top++] = target
    owned[target] = 1
  }
  while (top > 0) {
    const n = stack[--top]
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      const child = edgeTarget[e]
      if (owned[child] === 1 || edgeType[e] === weak) continue
      owned[child] = 1
      stack[top++] = child
    }
  }
  return owned
}

/**
 * The essential edges (see the file comment), as a bit vector over edge
 * indices. `pageOwned` comes from computePageOwned.
 *
 * @example
 *   const essential = computeEssentialEdges(s)
 *   if (hasBit(essential, e)) ...
 */
export function computeEssentialEdges(s: Snapshot, pageOwned: Uint8Array = computePageOwned(s)): EdgeBits {
  const { firstEdge, edgeTarget, edgeType, edgeNameOrIndex, nodeId } = s
  const root = s.rootOrdinal
  const weak = s.edgeTypes.weak
  const shortcut = s.edgeTypes.shortcut
  const internal = s.edgeTypes.internal
  const ephemerons = new EphemeronNames(s.strings)
  const ephemeronState = ephemerons.state
  const ephemeronTable = ephemerons.tableId
  const bits = new Uint32Array((s.edgeCount + 31) >>> 5)
  for (let n = 0, nodeCount = s.nodeCount; n < nodeCount; n++) {
    const fromPageOwned = pageOwned[n]
    const isRoot = n === root
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      const t = edgeType[e]
      if (t === weak) continue
      if (t === internal) {
        // The edge from a WeakMap's table to a value (EphemeronNames, inlined).
        const name = edgeNameOrIndex[e]
        let state = ephemeronState[name]
        if (state === 0) state = ephemerons.parse(name)
        if (state === 2 && ephemeronTable[name] === nodeId[n]) continue
      }
      const target = edgeTarget[e]
      if (target === n) continue
      if (!isRoot) {
        if (t === shortcut) continue
        if (pageOwned[target] === 1 && fromPageOwned === 0) continue
      }
      bits[e >>> 5] |= 1 << (e & 31)
    }
  }
  return bits
}
