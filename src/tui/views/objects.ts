/**
 * Objects: a list of objects (a class's instances, a diff group's new
 * objects, a cycle's members), and one object with its retainer paths on
 * top and below them the tree of its retainers (`r`: its references
 * instead; `d`: its dominator tree).
 */
import { findRetainerPaths } from '../../index.js'
import { formatBytes, formatDistance } from '../../report/format.js'
import { edgeLabel, formatRetainerPath, nodeLabel } from '../../report/objects.js'
import { memo, type HeaderLine, type HeapContext, type Screen } from '../screen.js'
import { dominatorTreeScreen, OBJECT_COLUMNS, objectCells, objectSortValue, retainerTreeScreen } from './tree.js'

/** Largest retained first: how object lists open. */
const BY_RETAINED = { column: 3, descending: true }

/**
 * Rows of objects, lazily: `nodeOf(row)` is the object of a row, `label(row)`
 * its text (cached; it is what `/` searches).
 */
function objectRows(
  h: HeapContext,
  size: number,
  nodeOf: (row: number) => number,
  label: (row: number) => string,
): Pick<Screen, 'size' | 'cells' | 'sortValue' | 'text' | 'share' | 'shareOf'> {
  const text = memo(size, label)
  const total = h.a.totalSize
  return {
    size,
    cells: memo(size, (i) => objectCells(h, nodeOf(i), text(i))),
    sortValue: (i, c) => objectSortValue(h, nodeOf(i), c),
    text,
    share: (i) => (total > 0 ? h.a.retainedSize[nodeOf(i)] / total : 0),
    shareOf: 'heap',
  }
}

/**
 * A list of objects, largest retained first; Enter opens one. `other`: the
 * screen behind `r` (their retainer clusters) and its name, if any.
 */
export function objectsScreen(
  h: HeapContext,
  title: string,
  header: HeaderLine[],
  ordinals: ArrayLike<number>,
  other?: { screen: () => Screen | null; label: string },
): Screen {
  return {
    title,
    header,
    columns: OBJECT_COLUMNS,
    sort: BY_RETAINED,
    ...objectRows(
      h,
      ordinals.length,
      (i) => ordinals[i],
      (i) => nodeLabel(h.s, ordinals[i], h.names),
    ),
    open: (row) => objectScreen(h, ordinals[row]),
    ...(other === undefined ? {} : { retainers: other.screen, retainersLabel: other.label }),
  }
}

/** The object's line and its shortest retainer paths (the summary above either list of an object). */
function objectHeader(h: HeapContext, n: number): HeaderLine[] {
  const { s, a } = h
  const paths = findRetainerPaths(s, h.retainers, n, { maxPaths: 3 })
  return [
    `${nodeLabel(s, n, h.names)}  ${s.nodeTypeName(n)}  distance ${formatDistance(a.distance[n])}  shallow ${formatBytes(a.shallowSize[n])}  retained ${formatBytes(a.retainedSize[n])}`,
    ...(paths.length === 0
      ? ['held only weakly: no path from the roots without a weak edge']
      : paths.map((p, i) => ({ label: `path ${i + 1}: `, text: formatRetainerPath(s, p, h.names), cut: 'start' as const }))),
  ]
}

/** One object: its retainer paths on top, the tree of its retainers below; `r` switches to its references, `d` shows its dominator tree. */
export function objectScreen(h: HeapContext, n: number): Screen {
  const header = objectHeader(h, n)
  const retainers = (): Screen =>
    retainerTreeScreen(h, n, {
      header,
      open: (m) => objectScreen(h, m),
      dominated: () => dominatorTreeScreen(h, n, (m) => objectScreen(h, m)),
      references: () => referencesScreen(h, n, header, retainers),
    })
  return retainers()
}

/** What n references: one row per edge (`.cache -> Map @9`). */
function referencesScreen(h: HeapContext, n: number, header: HeaderLine[], retainers: () => Screen): Screen {
  const { s } = h
  const first = s.firstEdge[n]
  return {
    title: `References of ${nodeLabel(s, n, h.names)}`,
    header,
    columns: OBJECT_COLUMNS,
    ...objectRows(
      h,
      s.firstEdge[n + 1] - first,
      (i) => s.edgeTarget[first + i],
      (i) => `${edgeLabel(s, first + i)} -> ${nodeLabel(s, s.edgeTarget[first + i], h.names)}`,
    ),
    open: (row) => objectScreen(h, s.edgeTarget[first + row]),
    dominated: () => dominatorTreeScreen(h, n, (m) => objectScreen(h, m)),
    retainers,
    retainersLabel: 'retainers',
  }
}
