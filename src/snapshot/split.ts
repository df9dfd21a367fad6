/**
 * Two threads on one plain file (the thread itself: rest.ts).
 *
 * The edges array is most of a snapshot. When the input has a helper, this
 * thread asks it, at the start of the nodes array (so that it works while
 * this thread reads the nodes), or else of the edges array, to read the file
 * from a point part-way through the edges to the end: the rest of the edges
 * and every section after them, with the same readers. The helper starts at
 * what it takes for a record's first value (recordStart: the alignment of
 * the fields that the values there fit); this thread reads up to there, and
 * takes the helper's rest only if its own scan is then at a record's first
 * value, the state the helper started in, and the counts add up. Otherwise,
 * or if the helper met a section it does not read or an error, this thread
 * reads on from there as if there were no helper: errors come out as on one
 * thread.
 */
import { type ByteCursor, COMMA, isWhitespace, NINE, ZERO } from './cursor.js'
import { EdgeField, type Layout } from './layout.js'
import type { NumberListData } from './numbers.js'
import type { TraceTree } from './snapshot.js'
import type { StringTableParts } from './strings.js'

/**
 * Parses the rest of a plain file on another thread, from part-way through
 * the edges array to the end, while this thread parses the start. `begin`
 * starts at the first record boundary after byte `from`; `seen` are the
 * sections read so far.
 */
export interface RestParser {
  begin(layout: Layout, from: number, seen: string[]): PendingRest
  /** split only when at least this many bytes are left at the array's start (default SPLIT_MIN_BYTES) */
  minBytes?: number
}

export interface PendingRest {
  /** the byte where the helper's records start (a record's first value), or null: it found no place to start */
  start: Promise<number | null>
  result: Promise<Rest>
}

/**
 * What the helper read from `start` to the end of the file: the rest of the
 * edges array (`count` whole records and `field` values of a cut one, its
 * ']' at `end`), then the sections after it. `fallback`: this thread reads
 * on from the split itself: the helper found an error (this thread finds
 * and reports it as on one thread) or a section it does not read (the
 * nodes, after the edges).
 */
export type Rest =
  | {
      start: number
      edges: {
        end: number
        count: number
        field: number
        edgeType: Uint8Array
        edgeNameOrIndex: Uint32Array
        edgeTarget: Uint32Array
        maxName: number
      }
      sections: RestSections
    }
  | { fallback: true }

/** The sections after the edges array: what the readers on either thread keep of them. */
export interface DataSections {
  strings: StringTableParts | null
  /** the small sections' values as read (assemble.ts makes them the model's TraceFunctionInfos, Samples, Locations) */
  traceFunctionInfoValues: NumberListData | null
  sampleValues: NumberListData | null
  locationValues: NumberListData | null
  traceTree: TraceTree | null
}

/** What the helper read after the edges, and the sections it saw. */
export interface RestSections extends DataSections {
  seen: string[]
}

/** Files whose rest after the array's start is shorter than this are parsed on one thread. */
const SPLIT_MIN_BYTES = 16 << 20
/**
 * Where the helper starts: this fraction of the way from the start of the
 * edges array to the end of the file (more than half: the sections after
 * the edges parse slower than edge records), but at most SPLIT_MAX_EDGES of
 * the edges array's estimated length (the helper must start inside it).
 */
const SPLIT_AT = 0.6
const SPLIT_MAX_EDGES = 0.9
/**
 * The same, from the start of the nodes array, when asked there: measured
 * at 150 MB, this thread reads the nodes and the edges up to there in about
 * the time the helper reads the rest.
 */
const SPLIT_AT_NODES = 0.53
/** The helper looks for a record's start within this many bytes of its offset... */
export const SPLIT_WINDOW = 1 << 16
/** ...from this many records' values, which only one alignment of the fields may fit. */
const SPLIT_SAMPLE_RECORDS = 64

/** A split asked for: the helper's rest starts at or after `from`. */
export interface Split {
  from: number
  pending: PendingRest
}

/**
 * Asks the helper to read the rest of the file from part-way through the
 * edges, at the start of the `section` array (the cursor just after its
 * '['); null to read it all here: no helper, not a plain file (offsets in
 * a gzip stream are not offsets in the file), too little left, or the
 * estimated nodes' end too close.
 */
export function askForRest(c: ByteCursor, helper: RestParser | undefined, layout: Layout, section: 'nodes' | 'edges', seen: Set<string>): Split | null {
  const size = c.source.sizeBound
  if (helper === undefined || !c.source.sizeExact || size === null) return null
  // Bytes per record in the first records, to place the split inside the edges array.
  const fields = section === 'nodes' ? layout.nodeFieldCount : layout.edgeFieldCount
  const sample = c.buf.subarray(c.pos, Math.min(c.buf.length, c.pos + (1 << 18)))
  let commas = 0
  for (let i = 0; i < sample.length; i++) if (sample[i] === COMMA) commas++
  const records = commas / fields
  if (records < 64) return null
  const here = c.offset
  const left = size - here
  if (left < (helper.minBytes ?? SPLIT_MIN_BYTES)) return null
  const bytes = (sample.length / records) * (section === 'nodes' ? layout.nodeCount : layout.edgeCount)
  let from: number
  if (section === 'nodes') {
    from = Math.floor(here + left * SPLIT_AT_NODES)
    if (from < here + bytes * 1.1) return null
  } else {
    from = Math.floor(here + Math.min(left * SPLIT_AT, bytes * SPLIT_MAX_EDGES))
  }
  return { from, pending: helper.begin(layout, from, [...seen]) }
}

/**
 * The helper's rest, if it can be taken after `records` edge records read
 * here: read whole and without error, and the edge count adds up. Null
 * otherwise: a broken file is then read on from the split here, so that
 * its first error is reported exactly as on one thread (slower, but only
 * for a file that fails anyway).
 */
export function acceptRest(rest: Rest, records: number, edgeCount: number): TakenRest | null {
  if (!('edges' in rest)) return null
  return rest.edges.field === 0 && records + rest.edges.count === edgeCount ? rest : null
}

/** A rest the helper read whole. */
export type TakenRest = Extract<Rest, { edges: unknown }>

/**
 * Where an edge record starts in `bytes` (part of an edges array, from any
 * byte): the index of the first digit of a value that follows a ',', chosen
 * so that the SPLIT_SAMPLE_RECORDS records from there all fit the layout
 * (type ids below the type count, targets multiples of the node field count
 * inside the node array), and no other alignment of the fields fits them.
 * -1 when there is no such place (not an edges array, too few values, or
 * more than one alignment fits). V8 writes no marker between records that
 * every version keeps (newer ones write no newlines), so the values decide;
 * the parser checks the guess against its own count of fields.
 */
export function recordStart(bytes: Uint8Array, layout: Layout): number {
  const fields = layout.edgeFieldCount
  const need = (SPLIT_SAMPLE_RECORDS + 1) * fields
  const values: number[] = []
  const starts: number[] = []
  let i = bytes.indexOf(COMMA)
  if (i < 0) return -1
  i++
  while (values.length < need) {
    while (i < bytes.length && isWhitespace(bytes[i])) i++
    if (i >= bytes.length || bytes[i] < ZERO || bytes[i] > NINE) return -1
    starts.push(i)
    let v = 0
    while (i < bytes.length && bytes[i] >= ZERO && bytes[i] <= NINE) v = v * 10 + (bytes[i++] - ZERO)
    if (i >= bytes.length) return -1 // the value may go on
    values.push(v)
    while (i < bytes.length && isWhitespace(bytes[i])) i++
    if (bytes[i] !== COMMA) return -1
    i++
  }
  const typeAt = layout.edgeFieldKinds.indexOf(EdgeField.Type)
  const toNodeAt = layout.edgeFieldKinds.indexOf(EdgeField.ToNode)
  const typeCount = layout.edgeTypeNames.length
  const nodeLimit = layout.nodeCount * layout.nodeFieldCount
  let found = -1
  for (let p = 0; p < fields; p++) {
    let fits = true
    for (let r = p; r + fields <= values.length && fits; r += fields) {
      if (typeAt >= 0 && values[r + typeAt] >= typeCount) fits = false
      const to = values[r + toNodeAt]
      if (toNodeAt >= 0 && (to >= nodeLimit || to % layout.nodeFieldCount !== 0)) fits = false
    }
    if (fits) {
      if (found >= 0) return -1
      found = p
    }
  }
  return found < 0 ? -1 : starts[found]
}
