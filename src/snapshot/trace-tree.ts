/**
 * The `trace_tree` section (allocation tracking): nested lists
 * `[id, function_info_index, count, size, [children…], id, …]`, the fields
 * named by `meta.trace_node_fields` with `children` last, flattened in
 * pre-order into the model's TraceTree columns with each node's parent.
 *
 * The walk is checked as JSON.parse would check it (a number or a list where
 * each is due, commas between them, no leading zeros): a lenient walk
 * accepted `[1,,,0 0 0[2 6,,0,0[`.
 *
 * Its digits are read as numbers.ts's scanNumbers reads them, in a loop of
 * its own on purpose: here a number or a nested list may be due at each
 * place, which the flat arrays never allow, and the section is small (one
 * entry per allocation stack), so it needs neither the fast path nor the
 * flat loop's hoisted state.
 */
import { type ByteCursor, COMMA, isWhitespace, LBRACKET, NINE, RBRACKET, ZERO } from './cursor.js'
import type { Layout } from './layout.js'
import { NumberList } from './numbers.js'
import type { TraceTree } from './snapshot.js'

/** V8's fields when the header does not name them. */
const DEFAULT_FIELDS = ['id', 'function_info_index', 'count', 'size', 'children']

const enum TraceState {
  /** just after '[': a node's first number, or ']' */
  ValueOrEnd,
  /** just after ',': a number, or '[' for the children */
  Value,
  InNumber,
  /** after a number or a list of children: ',' or ']' (at a node's end) */
  CommaOrEnd,
}

/** Reads the trace_tree array from its '['. */
export async function readTraceTree(c: ByteCursor, layout: Layout): Promise<TraceTree> {
  const fields = layout.traceNodeFields.length > 0 ? layout.traceNodeFields : DEFAULT_FIELDS
  if (fields.indexOf('children') !== fields.length - 1) c.fail('"children" as the last of meta.trace_node_fields', JSON.stringify(fields))
  await c.expectByte(LBRACKET, "'[' to open the trace_tree array")
  const reader = new TraceTreeReader(fields)
  for (;;) {
    if (!(await c.fill())) c.fail("']' to close the trace_tree array")
    if (reader.scanChunk(c)) return reader.tree()
  }
}

/** The walk's state, kept between chunks so that it may be split at any byte. */
class TraceTreeReader {
  private readonly id = new NumberList()
  private readonly fn = new NumberList()
  private readonly parent = new NumberList()
  private readonly count = new NumberList()
  private readonly size = new NumberList()
  /** the trace node whose children each open list holds; -1 for the top-level list */
  private readonly stack: number[] = [-1]
  private state = TraceState.ValueOrEnd
  private value = 0
  /** the field of the current node read next */
  private field = 0
  /** the node being read */
  private current = -1
  private readonly childrenField: number
  private readonly columns: (NumberList | null)[]

  constructor(private readonly fields: string[]) {
    this.childrenField = fields.length - 1
    const column = (name: string): NumberList | null =>
      name === 'id' ? this.id : name === 'function_info_index' ? this.fn : name === 'count' ? this.count : name === 'size' ? this.size : null
    this.columns = fields.map(column)
  }

  /** Scans the chunk; true once the top-level list's ']' is consumed. */
  scanChunk(c: ByteCursor): boolean {
    const buf = c.buf
    let i = c.pos
    const bad = (expected: string): never => {
      c.pos = i
      return c.fail(`${expected} in the trace_tree array`)
    }
    for (; i < buf.length; i++) {
      const b = buf[i]
      if (b >= ZERO && b <= NINE) {
        if (this.state === TraceState.InNumber) {
          if (this.value === 0) bad('a number without a leading zero')
          this.value = this.value * 10 + (b - ZERO)
        } else if (this.state === TraceState.CommaOrEnd) bad("',' between numbers")
        else if (this.field === this.childrenField) bad("'[' for the children of a trace node")
        else {
          this.state = TraceState.InNumber
          this.value = b - ZERO
        }
        continue
      }
      if (this.state === TraceState.InNumber) this.storeValue()
      if (isWhitespace(b)) continue
      if (b === COMMA) {
        if (this.state !== TraceState.CommaOrEnd) bad('a number')
        this.state = TraceState.Value
      } else if (b === LBRACKET) {
        if (this.state !== TraceState.Value || this.field !== this.childrenField) bad('a number')
        this.stack.push(this.current)
        this.field = 0
        this.state = TraceState.ValueOrEnd
      } else if (b === RBRACKET) {
        const atNodeEnd = this.state === TraceState.ValueOrEnd || (this.state === TraceState.CommaOrEnd && this.field === 0)
        if (!atNodeEnd) bad(`${this.fields.length} fields per trace node, the last a list`)
        // The list closed holds the children of this node, which is now complete.
        const closed = this.stack.pop() as number
        if (this.stack.length === 0) {
          c.pos = i + 1
          return true
        }
        this.current = closed
        this.field = 0
        this.state = TraceState.CommaOrEnd
      } else bad('a number or a list')
    }
    c.pos = i
    return false
  }

  /** A complete number: field `field` of the current node (the first starts a node). */
  private storeValue(): void {
    if (this.field === 0) {
      this.current = this.id.length
      this.id.push(0)
      this.fn.push(0)
      this.count.push(0)
      this.size.push(0)
      this.parent.push(this.stack[this.stack.length - 1])
    }
    const column = this.columns[this.field]
    if (column !== null) column.data[this.current] = this.value
    this.field++
    this.state = TraceState.CommaOrEnd
  }

  tree(): TraceTree {
    const n = this.id.length
    const functionInfoIndex = new Uint32Array(n)
    const parent = new Int32Array(n)
    for (let t = 0; t < n; t++) {
      functionInfoIndex[t] = this.fn.data[t]
      parent[t] = this.parent.data[t]
    }
    return {
      count: n,
      id: this.id.data.slice(0, n),
      functionInfoIndex,
      parent,
      allocationCount: this.count.data.slice(0, n),
      allocationSize: this.size.data.slice(0, n),
    }
  }
}
