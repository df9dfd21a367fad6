/**
 * The streaming parser: heap snapshot JSON bytes → the columnar Snapshot.
 *
 * The file never becomes one JS string (V8 strings stop near 512 MB and a
 * production snapshot is several GB). A cursor (cursor.ts) walks the
 * top-level object member by member, and a reader per section takes each
 * value: the small `snapshot` header goes through JSON.parse (layout.ts);
 * the nodes and edges go straight into typed columns sized from the
 * header's counts (record-arrays.ts, columns.ts, numbers.ts, records.ts);
 * the strings are kept as their bytes (strings-reader.ts); the small
 * sections as lists (numbers.ts, trace-tree.ts); sections heapscope does
 * not know (Chromium's `scopes…`) are checked and skipped (json-value.ts).
 * assemble.ts makes the model.
 *
 * Everything is validated here, once, so the analyses trust the arrays:
 * counts against the header, every `to_node` (a multiple of the node field
 * count, inside the node array), every type id and every string index.
 *
 * A big plain file is read on two threads (split.ts, rest.ts): the helper
 * composes the same readers from part-way through the edges to the end.
 */
import { assemble, emptySections } from './assemble.js'
import { EdgeColumns, NodeColumns } from './columns.js'
import { ByteCursor, COLON, COMMA, LBRACE, LBRACKET, QUOTE, RBRACE, type ByteSource } from './cursor.js'
import { SnapshotFormatError } from './errors.js'
import { captureValue, skipValue } from './json-value.js'
import { type Layout, readLayout } from './layout.js'
import { readNumberList } from './numbers.js'
import { readRecords } from './record-arrays.js'
import { FastPath } from './records.js'
import type { Snapshot } from './snapshot.js'
import { askForRest, type DataSections, type RestParser, type Split } from './split.js'
import { readStrings } from './strings-reader.js'
import { readTraceTree } from './trace-tree.js'

/** The `snapshot` header is small; anything bigger is not a heap snapshot header. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024
/** Section names are short; a longer one is not a heap snapshot's. */
const MAX_SECTION_NAME = 1 << 16
/** When the input size is unknown, the columns start this small and grow up to the header's claim. */
const UNKNOWN_SIZE_START = 1 << 20
/**
 * Deflate cannot expand more than ~1032:1, so a gzip file of C bytes holds at
 * most this many times C bytes of JSON. Used to refuse headers that claim far
 * more nodes than the file could hold, before allocating on their word.
 */
export const MAX_GZIP_RATIO = 1100

/** The sections every heap snapshot has or may have; any other is skipped. */
const KNOWN_SECTIONS = ['snapshot', 'nodes', 'edges', 'strings', 'trace_function_infos', 'trace_tree', 'samples', 'locations']

/** How a section's reader leaves the members' loop: read on, the helper read the rest of the file, or (on the helper) a section it does not read. */
export type After = 'next' | 'rest read' | 'hand back'

/**
 * Parses a heap snapshot from `source`; `helper`, if any, reads the rest of
 * a plain file on another thread (split.ts).
 *
 * @example
 *   const s = await parseSnapshot('app.heapsnapshot', source)
 */
export async function parseSnapshot(file: string, source: ByteSource, helper?: RestParser): Promise<Snapshot> {
  const c = new ByteCursor(file, source)
  await c.skipByteOrderMark()
  const first = await c.peek()
  if (first === undefined) c.fail("'{' (a heap snapshot is a JSON object)", c.offset === 0 ? 'end of file (the input is empty)' : 'end of file')
  if (first !== LBRACE) c.fail("'{' (a heap snapshot is a JSON object)")
  c.pos++
  if ((await c.peek()) === RBRACE) c.fail('the "snapshot" header', "'}' (an empty object)")
  const s = emptySections()
  const fast = lazyFastPath()
  let capacity = { nodes: 0, edges: 0 }
  /** the split asked for at the start of the nodes array, for the edges array */
  let split: Split | null = null
  let splitAsked = false
  const ask = (l: Layout, section: 'nodes' | 'edges'): Split | null => {
    // One split per file.
    if (splitAsked) return null
    const asked = askForRest(c, helper, l, section, s.seen)
    splitAsked = asked !== null
    return asked
  }
  await readMembers(c, s.seen, async (key, keyOffset) => {
    if (key === 'snapshot') {
      s.layout = await readHeader(c)
      capacity = columnCapacity(c, s.layout)
      return 'next'
    }
    const l = s.layout
    if (l === null) {
      if (KNOWN_SECTIONS.includes(key)) c.fail('the "snapshot" header before the data sections', `"${key}" first`, keyOffset)
      await skipUnknown(c, key, keyOffset)
      return 'next'
    }
    if (key === 'nodes') {
      await c.expectByte(LBRACKET, "'[' to open the nodes array")
      split = ask(l, 'nodes')
      s.nodes = new NodeColumns(c, l, capacity.nodes)
      await readRecords(c, s.nodes, fast())
      return 'next'
    }
    if (key === 'edges') {
      await c.expectByte(LBRACKET, "'[' to open the edges array")
      const edgesSplit = split ?? ask(l, 'edges')
      split = null
      s.edges = new EdgeColumns(c, l, capacity.edges)
      const rest = await readRecords(c, s.edges, fast(), edgesSplit)
      if (rest === null) return 'next'
      // The helper read the rest of the file.
      const { seen, ...sections } = rest.sections
      Object.assign(s, sections)
      for (const key of seen) s.seen.add(key)
      return 'rest read'
    }
    await readDataSection(c, key, keyOffset, l, s, fast)
    return 'next'
  })
  return assemble(file, s)
}

/** The WebAssembly fast paths' instance (records.ts), made on first use and shared by the sections one after the other. */
export function lazyFastPath(): () => FastPath {
  let instance: FastPath | null = null
  return () => (instance ??= new FastPath())
}

/**
 * The top-level members, from a key to the end of the file: each key is
 * checked (a short string, seen once) and `read` reads its value. Returns
 * 'next' at the end of the file, or what `read` said if it said to stop.
 */
export async function readMembers(c: ByteCursor, seen: Set<string>, read: (key: string, keyOffset: number) => Promise<After>): Promise<After> {
  for (;;) {
    const keyOffset = c.offset
    if ((await c.peek()) !== QUOTE) c.fail('a section name in quotes')
    const key = await c.readString(MAX_SECTION_NAME, 'a section name')
    if (seen.has(key)) c.fail('each section once', `a second "${key}"`, keyOffset)
    seen.add(key)
    await c.expectByte(COLON, `':' after "${key}"`)
    const after = await read(key, keyOffset)
    if (after !== 'next') return after
    if (await afterMember(c, key)) break
  }
  await expectEnd(c)
  return 'next'
}

/** After a member's value: true at the object's '}', false after a ','. */
export async function afterMember(c: ByteCursor, key: string): Promise<boolean> {
  const next = await c.peek()
  if (next === COMMA) {
    c.pos++
    return false
  }
  if (next === RBRACE) {
    c.pos++
    return true
  }
  return c.fail(`',' or '}' after the "${key}" section`)
}

/** Nothing but whitespace after the top-level object. */
export async function expectEnd(c: ByteCursor): Promise<void> {
  if ((await c.peek()) !== undefined) c.fail('the end of the file after the snapshot object')
}

/** The sections after the records, read alike on both threads; unknown ones are checked and skipped. */
export async function readDataSection(c: ByteCursor, key: string, keyOffset: number, l: Layout, s: DataSections, fast: () => FastPath): Promise<void> {
  switch (key) {
    case 'strings':
      s.strings = await readStrings(c, fast())
      return
    case 'trace_function_infos':
      s.traceFunctionInfoValues = await readNumberList(c, key, fast())
      return
    case 'samples':
      s.sampleValues = await readNumberList(c, key, fast())
      return
    case 'locations':
      s.locationValues = await readNumberList(c, key, fast())
      return
    case 'trace_tree':
      s.traceTree = await readTraceTree(c, l)
      return
    default:
      await skipUnknown(c, key, keyOffset)
  }
}

/**
 * Skips a section heapscope does not read (after checking its syntax). A
 * name one byte away from a known one is that section, damaged: skipped, it
 * would silently disappear from the model.
 */
async function skipUnknown(c: ByteCursor, key: string, keyOffset: number): Promise<void> {
  const damaged = KNOWN_SECTIONS.find((known) => known.length === key.length && [...known].filter((ch, i) => ch !== key[i]).length === 1)
  if (damaged !== undefined) c.fail('a section heapscope knows, or one whose name is not one byte off one', `"${key}" (a damaged "${damaged}"?)`, keyOffset)
  await skipValue(c, key)
}

/** The `snapshot` header, parsed and checked (layout.ts). */
async function readHeader(c: ByteCursor): Promise<Layout> {
  const at = c.offset
  const raw = await captureValue(c, MAX_HEADER_BYTES, 'the "snapshot" header')
  let header: unknown
  try {
    header = JSON.parse(raw)
  } catch (e) {
    c.fail('a valid JSON "snapshot" header', (e as Error).message, at)
  }
  const layout = readLayout(c.file, header, at)
  // Each number takes at least two bytes ("0,"), so a header that claims more
  // values than the input could hold is refused before any allocation.
  const bound = c.source.sizeBound
  const claimedBytes = 2 * (layout.nodeCount * layout.nodeFieldCount + layout.edgeCount * layout.edgeFieldCount)
  if (bound !== null && claimedBytes > bound) {
    throw new SnapshotFormatError(
      c.file,
      at,
      `node and edge counts that fit the file (at most ${bound} bytes of JSON)`,
      `node_count ${layout.nodeCount} and edge_count ${layout.edgeCount}, which need at least ${claimedBytes} bytes: the file is truncated, or its header is wrong`,
    )
  }
  return layout
}

/** The columns' first size: the header's counts, or less when the input's size is unknown (they grow up to the counts). */
function columnCapacity(c: ByteCursor, l: Layout): { nodes: number; edges: number } {
  if (c.source.sizeBound !== null) return { nodes: l.nodeCount, edges: l.edgeCount }
  return { nodes: Math.min(l.nodeCount, UNKNOWN_SIZE_START), edges: Math.min(l.edgeCount, UNKNOWN_SIZE_START * 4) }
}
