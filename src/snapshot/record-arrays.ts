/**
 * The nodes and edges arrays: records read by the byte loop (numbers.ts)
 * into their columns (columns.ts), and counted against the header's claim.
 * For the edges, when a helper thread reads the rest of the file (split.ts),
 * this thread reads only up to where the helper started, and takes what it
 * read if it can.
 */
import type { EdgeColumns, NodeColumns } from './columns.js'
import type { ByteCursor } from './cursor.js'
import { NumberScan, scanNumbers } from './numbers.js'
import type { FastPath } from './records.js'
import { acceptRest, type Split, type TakenRest } from './split.js'

/**
 * Reads the records of the array whose '[' the cursor has just passed. With
 * a split (the edges, when a helper reads the rest of the file), up to the
 * helper's start if it found one; there, if this thread's scan is at a
 * record's first value (the state the helper started in), takes the
 * helper's rest: the edges after it, and the sections after the array.
 * Returns that rest, or null when this thread read the array to its end.
 */
export async function readRecords(c: ByteCursor, columns: NodeColumns | EdgeColumns, fast: FastPath, split: Split | null = null): Promise<TakenRest | null> {
  const scan = new NumberScan(columns.section)
  columns.begin(fast)
  for (;;) {
    if (!(await c.fill())) {
      const { section } = columns
      c.fail(
        `${columns.claimed} ${section} (${section === 'nodes' ? 'node_count' : 'edge_count'}) in the ${section} array`,
        `end of file after ${scan.records} ${section}`,
      )
    }
    if (split !== null && c.base + c.buf.length > split.from) {
      const start = await split.pending.start
      if (start === null || start <= c.offset) {
        split = null // no place to start, or this thread is past it: it reads on
      } else if (start <= c.base + c.buf.length) {
        const pending = split.pending
        split = null
        // Scan up to the helper's start; from there the helper has read the rest of the file.
        if (c.upTo(start - c.base, () => scanNumbers(c, scan, columns))) break
        const rest = scan.atRecordStart ? acceptRest(await pending.result, scan.records, columns.claimed) : null
        if (rest !== null) {
          columns.end()
          ;(columns as EdgeColumns).append(scan.records, rest.edges)
          return rest
        }
        // Not at a record's first value there (the helper's guess at the alignment of the
        // fields was wrong), or a rest the helper did not read whole: this thread reads on.
        continue
      }
    }
    if (scanNumbers(c, scan, columns)) break
  }
  columns.end()
  columns.checkCount(scan.records, scan.field, c.offset - 1)
  return null
}
