/** The Detached view: DOM (or embedder) trees no longer in a document but still held. */
import { findDetachedTrees } from '../../index.js'
import { countOf, formatBytes, formatCount } from '../../report/format.js'
import { fromRows, type HeapContext, type Screen } from '../screen.js'
import { objectScreen } from './objects.js'

/** Enter opens a tree's root with its retainers. */
export function detachedScreen(h: HeapContext): Screen {
  const report = findDetachedTrees(h.s, h.a)
  const total = h.a.totalSize
  return {
    title: 'Detached',
    header: [
      `${countOf(report.detachedCount, 'detached object')} (V8 marked ${formatCount(report.v8DetachedCount)}) in ${countOf(report.trees.length, 'tree')}`,
      ...(report.hasDom ? [] : ['no DOM in this snapshot: only embedder objects can be detached']),
    ],
    columns: [
      { header: 'Detached tree', align: 'left' },
      { header: 'Objects', align: 'right' },
      { header: 'Retained', align: 'right' },
    ],
    sort: { column: 2, descending: true },
    ...fromRows(
      report.trees.map((t) => {
        const text = `${t.name} @${h.s.nodeId[t.root]}${t.nodeInternal ? ' (Node internal)' : ''}`
        return { cells: [text, formatCount(t.count), formatBytes(t.retainedSize)], sort: [NaN, t.count, t.retainedSize], text }
      }),
    ),
    share: (row) => (total > 0 ? report.trees[row].retainedSize / total : 0),
    shareOf: 'heap',
    open: (row) => objectScreen(h, report.trees[row].root),
  }
}
