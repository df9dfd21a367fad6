/**
 * Retainer clusters: a set of objects (a class's instances, a diff group's
 * new objects) grouped by the shape of their shortest retainer path
 * (findRetainerClusters: the path with indices and ids elided, so that
 * 6,000 entries of one Map read as one row). Each row: the path, how many
 * objects, their shallow size and what they retain (each byte once); Enter
 * lists the cluster's objects, `r` goes back to the whole set.
 */
import { findRetainerClusters } from '../../index.js'
import { formatBytes, formatCount } from '../../report/format.js'
import { fromRows, type HeaderLine, type HeapContext, type Screen } from '../screen.js'
import { objectsScreen } from './objects.js'

/** The retainer clusters of `objects` (`name`: what they are, `Leaf`, `New objects of f x.js:3`); `r` goes to `toObjects`. */
export function clustersScreen(h: HeapContext, name: string, header: HeaderLine[], objects: ArrayLike<number>, toObjects: () => Screen): Screen {
  const shapes = h.shapes
  const clusters = findRetainerClusters(h.s, h.a, objects, { shapes, classNames: h.classes })
  const held = clusters.reduce((sum, c) => sum + c.count, 0)
  const total = h.a.totalSize
  return {
    title: `${name}: ${formatCount(objects.length)} objects by how they are held`,
    header: [
      `${formatCount(clusters.length)} retainer cluster${clusters.length === 1 ? '' : 's'}${held < objects.length ? `; ${formatCount(objects.length - held)} objects held only weakly, in none` : ''}`,
      ...header,
    ],
    columns: [
      { header: 'Shortest retainer path (indices and ids elided)', align: 'left', cut: 'start' },
      { header: 'Objects', align: 'right' },
      { header: 'Shallow', align: 'right' },
      { header: 'Retained', align: 'right' },
    ],
    sort: { column: 3, descending: true },
    ...fromRows(
      clusters.map((c) => ({
        cells: [c.path, formatCount(c.count), formatBytes(c.selfSize), formatBytes(c.retainedSize)],
        sort: [NaN, c.count, c.selfSize, c.retainedSize],
        text: c.path,
      })),
    ),
    share: (row) => (total > 0 ? clusters[row].retainedSize / total : 0),
    shareOf: 'heap',
    open: (row) => {
      const c = clusters[row]
      // The cluster's objects: those whose path has the shape of its examples'.
      const shape = shapes.shapeOf(c.examples[0])
      const members: number[] = []
      for (let i = 0; i < objects.length; i++) if (shapes.shapeOf(objects[i]) === shape) members.push(objects[i])
      return objectsScreen(h, `${name}: ${formatCount(members.length)} held by one path`, [{ label: 'held by: ', text: c.path, cut: 'start' }], members)
    },
    retainers: toObjects,
    retainersLabel: 'objects',
  }
}

/** A set of objects (`title` over the list, `name` over their clusters) whose `r` shows their retainer clusters, and `r` there the objects again. */
export function objectsWithClusters(h: HeapContext, name: string, title: string, header: HeaderLine[], objects: ArrayLike<number>): Screen {
  const list = (): Screen => objectsScreen(h, title, header, objects, { screen: clusters, label: 'clusters' })
  const clusters = (): Screen => clustersScreen(h, name, header, objects, list)
  return list()
}
