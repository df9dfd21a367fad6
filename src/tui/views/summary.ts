/**
 * The Summary view: classes with count, shallow and retained size, as
 * DevTools' Summary names them; Enter lists every instance of a class.
 */
import { computeSnapshotSummary } from '../../index.js'
import { countOf, formatBytes, formatCount } from '../../report/format.js'
import { fromRows, type HeapContext, type Screen } from '../screen.js'
import { objectsWithClusters } from './clusters.js'

/** The instances of class c (DevTools' Summary counts only objects with a size). */
export function instancesOf(h: HeapContext, c: number): number[] {
  const instances: number[] = []
  const { classIndex } = h.classes
  const shallow = h.a.shallowSize
  for (let n = 0; n < h.s.nodeCount; n++) if (classIndex[n] === c && shallow[n] > 0) instances.push(n)
  return instances
}

export function summaryScreen(h: HeapContext): Screen {
  const summary = computeSnapshotSummary(h.s, { analysis: h.a, classNames: h.classes, dominatorTree: h.tree })
  const classes = summary.classes
  const index = new Map(h.classes.names.map((name, i) => [name, i]))
  const total = summary.totalSize ?? summary.totalSelfSize
  return {
    title: `Summary of ${h.label}`,
    header: [
      `${countOf(summary.nodeCount, 'object')}, total ${formatBytes(total)}, ${summary.kind}${summary.hasAllocationTraces ? ', with allocation traces' : ''}`,
    ],
    columns: [
      { header: 'Class', align: 'left', cut: 'middle' },
      { header: 'Count', align: 'right' },
      { header: 'Shallow', align: 'right' },
      { header: 'Retained', align: 'right' },
    ],
    sort: { column: 3, descending: true },
    ...fromRows(
      classes.map((c) => ({
        cells: [c.name, formatCount(c.count), formatBytes(c.selfSize), formatBytes(c.retainedSize ?? 0)],
        sort: [NaN, c.count, c.selfSize, c.retainedSize ?? 0],
        text: c.name,
      })),
    ),
    share: (row) => (total > 0 ? (classes[row].retainedSize ?? 0) / total : 0),
    shareOf: 'heap',
    open: (row) => {
      const c = index.get(classes[row].name)
      if (c === undefined) return null
      const instances = instancesOf(h, c)
      const cls = classes[row]
      return objectsWithClusters(
        h,
        cls.name,
        `${cls.name}: ${countOf(instances.length, 'instance')}`,
        [`shallow ${formatBytes(cls.selfSize)}, retained ${formatBytes(cls.retainedSize ?? 0)} (each byte once)`],
        instances,
      )
    },
  }
}
