/** The Cycles view: groups of objects that reference each other, ranked by bytes retained. */
import { findCycles } from '../../index.js'
import { countOf, formatBytes, formatCount } from '../../report/format.js'
import { formatCyclePath } from '../../report/cycles.js'
import { fromRows, type HeapContext, type Screen } from '../screen.js'
import { objectsScreen } from './objects.js'

/** Enter lists a cycle's members. */
export function cyclesScreen(h: HeapContext): Screen {
  const report = findCycles(h.s, h.a, h.retainers, { top: 200 })
  const total = h.a.totalSize
  return {
    title: 'Cycles',
    header: [`${countOf(report.componentCount, 'group')} of objects that reference each other`],
    columns: [
      { header: 'Cycle', align: 'left' },
      { header: 'Objects', align: 'right' },
      { header: 'Retained', align: 'right' },
      { header: 'Outside refs', align: 'right' },
    ],
    sort: { column: 2, descending: true },
    ...fromRows(
      report.cycles.map((c) => {
        const text = `${c.classes
          .slice(0, 3)
          .map((k) => `${k.name} x${k.count}`)
          .join(', ')}: ${formatCyclePath(h.s, c.path, h.names)}`
        return {
          cells: [text, formatCount(c.members.length), formatBytes(c.retainedSize), formatCount(c.externalRetainerCount)],
          sort: [NaN, c.members.length, c.retainedSize, c.externalRetainerCount],
          text,
        }
      }),
    ),
    share: (row) => (total > 0 ? report.cycles[row].retainedSize / total : 0),
    shareOf: 'heap',
    open: (row) => {
      const c = report.cycles[row]
      return objectsScreen(h, `Members of cycle ${row + 1}`, [formatCyclePath(h.s, c.path, h.names)], c.members)
    },
  }
}
