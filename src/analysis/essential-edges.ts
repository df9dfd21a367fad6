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
import type { StringTable, StringTableParts } from '../snapshot/strings.js'
import { sharedU32, sharedU8 } from '../snapshot/shared-arrays.js'

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

const UNKNOWN = 0
const NOT_EPHEMERON = 1
const EPHEMERON = 2
/** ends in "@<digits>)" and starts with a digit: tableId holds the digits, the rest is unchecked */
const CANDIDATE = 3

const AT = 0x40
const CLOSE_PAREN = 0x29

/**
 * Parses WeakMap ephemeron edge names once per string index. The results
 * are in two typed arrays (not Maps): V8 writes a distinct name for every
 * WeakMap entry, so there are as many as entries; each is decoded for the
 * test and not kept (StringTable.decode): keeping hundreds of thousands of
 * entry names would cost more than the test.
 *
 * Given the string bytes (a StringTable's parts), `isTableEdge` first reads
 * only the table id at the end of the name: a key's edge to its value names
 * another node's id there, so only the table's own edges (half of them) are
 * decoded and matched whole.
 */
export class EphemeronNames {
  /** per string index: UNKNOWN, NOT_EPHEMERON, EPHEMERON or CANDIDATE */
  readonly state: Uint8Array
  /** the table's node id, for names whose state is EPHEMERON or CANDIDATE */
  readonly tableId: Float64Array

  constructor(
    private readonly strings: Pick<StringTable, 'decode' | 'length'>,
    private readonly bytes: Pick<StringTableParts, 'bytes' | 'bounds'> | null = null,
  ) {
    this.state = new Uint8Array(strings.length)
    this.tableId = new Float64Array(strings.length)
  }

  /** Decodes and matches string `nameIndex` whole; returns NOT_EPHEMERON or EPHEMERON. */
  parse(nameIndex: number): number {
    const state = this.state[nameIndex]
    if (state === NOT_EPHEMERON || state === EPHEMERON) return state
    const str = this.strings.decode(nameIndex)
    // test(), not exec(): no match object to allocate. The table id is the digits before the final ')'.
    if (!EPHEMERON_NAME.test(str)) {
      this.state[nameIndex] = NOT_EPHEMERON
      return NOT_EPHEMERON
    }
    let j = str.length - 1
    while (isDigitAt(str, j - 1)) j--
    this.tableId[nameIndex] = Number(str.slice(j, str.length - 1))
    this.state[nameIndex] = EPHEMERON
    return EPHEMERON
  }

  /**
   * Reads only the first byte and the "@<digits>)" at the end of string
   * `nameIndex`: NOT_EPHEMERON when they cannot be an entry name's,
   * otherwise CANDIDATE with tableId set. Strings with escapes (no bytes)
   * are parsed whole.
   */
  private classify(nameIndex: number): number {
    if (this.bytes === null) return this.parse(nameIndex)
    const { bytes, bounds } = this.bytes
    const start = bounds[2 * nameIndex]
    let i = bounds[2 * nameIndex + 1] - 1
    if (start > i) return this.parse(nameIndex) // escaped (bounds 1, 0) or empty
    let state = NOT_EPHEMERON
    const first = bytes[start]
    if (first >= 0x30 && first <= 0x39 && bytes[i] === CLOSE_PAREN) {
      let id = 0
      let scale = 1
      let c = bytes[--i]
      while (i > start && c >= 0x30 && c <= 0x39) {
        id += (c - 0x30) * scale
        scale *= 10
        c = bytes[--i]
      }
      if (scale > 1 && c === AT) {
        this.tableId[nameIndex] = id
        state = CANDIDATE
      }
    }
    this.state[nameIndex] = state
    return state
  }

  /**
   * Whether an internal edge named `nameIndex`, from the node whose id is
   * `fromId`, is a WeakMap table's edge to a value.
   */
  isTableEdge(nameIndex: number, fromId: number): boolean {
    let state = this.state[nameIndex]
    if (state === UNKNOWN) state = this.classify(nameIndex)
    if (state === NOT_EPHEMERON || this.tableId[nameIndex] !== fromId) return false
    return state === EPHEMERON || this.parse(nameIndex) === EPHEMERON
  }

  /** The WeakMap table's node id named by this edge name, or -1 if it is not an ephemeron edge. */
  tableIdOf(nameIndex: number): number {
    return this.parse(nameIndex) === EPHEMERON ? this.tableId[nameIndex] : -1
  }

  /** The key/value/table part shared by both edges of one WeakMap entry, or null. */
  pairOf(nameIndex: number): string | null {
    if (this.parse(nameIndex) !== EPHEMERON) return null
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
  const { firstEdge, edgeTarget, edgeType, nodeType, nodeNameIndex, strings } = s
  const root = s.rootOrdinal
  const shortcut = s.edgeTypes.shortcut
  const element = s.edgeTypes.element
  const weak = s.edgeTypes.weak
  const synthetic = s.nodeTypes.synthetic
  // Shared memory: analyzeHeapAsync's helper thread reads it without a copy.
  const owned = sharedU8(s.nodeCount)
  const stack = new Uint32Array(s.nodeCount)
  let top = 0
  for (let e = firstEdge[root]; e < firstEdge[root + 1]; e++) {
    const t = edgeType[e]
    const target = edgeTarget[e]
    if (t === element) {
      if (nodeType[target] !== synthetic || strings.get(nodeNameIndex[target]) !== '(Document DOM trees)') continue
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
  return markEssentialEdges(s, pageOwned, newEdgeBits(s), 0, s.nodeCount)
}

/** An all-clear bit per edge. Shared memory: analyzeHeapAsync's helper thread reads and writes them without a copy. */
export function newEdgeBits(s: Snapshot): EdgeBits {
  return sharedU32((s.edgeCount + 31) >>> 5)
}

/**
 * Sets the bits of the essential edges of nodes `from` .. `to` - 1 in
 * `bits` (those nodes' edges are a contiguous range of edge indices; two
 * threads may each mark a range of nodes, into arrays of their own, then
 * OR them: the word where the ranges meet holds bits of both).
 */
export function markEssentialEdges(s: Snapshot, pageOwned: Uint8Array, bits: EdgeBits, from: number, to: number): EdgeBits {
  const { firstEdge, edgeTarget, edgeType, edgeNameOrIndex, nodeId } = s
  const root = s.rootOrdinal
  const weak = s.edgeTypes.weak
  const shortcut = s.edgeTypes.shortcut
  const internal = s.edgeTypes.internal
  const ephemerons = new EphemeronNames(s.strings, s.strings.parts())
  const ephemeronState = ephemerons.state
  const ephemeronTable = ephemerons.tableId
  for (let n = from; n < to; n++) {
    const fromPageOwned = pageOwned[n]
    const isRoot = n === root
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      const t = edgeType[e]
      if (t === weak) continue
      if (t === internal) {
        // The edge from a WeakMap's table to a value. Most internal names are
        // known not to be entry names after their first edge: test that inline.
        const name = edgeNameOrIndex[e]
        const state = ephemeronState[name]
        if (state !== NOT_EPHEMERON && (state === UNKNOWN || ephemeronTable[name] === nodeId[n]) && ephemerons.isTableEdge(name, nodeId[n])) {
          continue
        }
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
