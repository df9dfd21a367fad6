/**
 * The Cycles view: objects that reference each other, one row per shape of
 * loop (the library's cycle groups: 3,000 Connection <-> Socket pairs are
 * one row with a count), ranked by bytes retained. Enter on a shape lists
 * its groups of objects one by one; Enter on one of those, its members.
 * Class lists name three classes and say how many more.
 */
import { findCycles, type Cycle, type CycleGroup } from '../../index.js'
import { countOf, formatBytes, formatCount } from '../../report/format.js'
import { formatClassList, formatCyclePath, formatLoopShapeText } from '../../report/cycles.js'
import { objectCount } from '../../report/clusters.js'
import { fromRows, type HeapContext, type Screen } from '../screen.js'
import { objectsScreen } from './objects.js'

/** Shapes listed, those that retain the most; a heap has dozens to hundreds. */
const SHAPES_SHOWN = 1000
/** Groups of one shape listed one by one, those that retain the most (built with the shapes, in the same search, each with its loop and outside references). */
const COMPONENTS_SHOWN = 10_000
/** Classes named in a row before "and N more classes". */
const CLASSES_SHOWN = 3

/** A shape's row: its loop, and for groups larger than the loop, their size and classes. */
export function shapeText(g: CycleGroup): string {
  const shape = formatLoopShapeText(g.shapeSteps)
  if (!g.largerThanLoop) return shape
  return `${shape}, in ${g.count === 1 ? 'a group' : 'groups'} of ${objectCount(g.objectCount / g.count)}: ${formatClassList(g.classes, CLASSES_SHOWN)}`
}

/** Enter lists a shape's groups: one search finds the shapes and the groups of each, so opening a shape searches nothing. */
export function cyclesScreen(h: HeapContext): Screen {
  const report = findCycles(h.s, h.a, h.retainers, { top: SHAPES_SHOWN, perGroup: COMPONENTS_SHOWN, classNames: h.classes })
  const groupsOf = new Map<string, Cycle[]>()
  for (const c of report.cycles) {
    const list = groupsOf.get(c.signature)
    if (list === undefined) groupsOf.set(c.signature, [c])
    else list.push(c)
  }
  const total = h.a.totalSize
  const shapes = report.groupCount === 1 ? 'one shape' : `${formatCount(report.groupCount)} shapes`
  const cut = report.groups.length < report.groupCount ? `; the ${formatCount(report.groups.length)} that retain the most` : ''
  const opened = new Map<number, Screen>()
  return {
    title: 'Cycles',
    header: [`${countOf(report.componentCount, 'group')} of objects that reference each other, of ${shapes}${cut}`],
    columns: [
      { header: 'Shape of the loop', align: 'left' },
      { header: 'Count', align: 'right' },
      { header: 'Objects', align: 'right' },
      { header: 'Retained', align: 'right' },
    ],
    sort: { column: 3, descending: true },
    ...fromRows(
      report.groups.map((g) => {
        const text = shapeText(g)
        return {
          cells: [text, formatCount(g.count), formatCount(g.objectCount), formatBytes(g.retainedSize)],
          sort: [NaN, g.count, g.objectCount, g.retainedSize],
          text,
        }
      }),
    ),
    share: (row) => (total > 0 ? report.groups[row].retainedSize / total : 0),
    shareOf: 'heap',
    open: (row) => {
      let screen = opened.get(row)
      if (screen === undefined) {
        const g = report.groups[row]
        screen = shapeScreen(h, g, groupsOf.get(g.signature) ?? [])
        opened.set(row, screen)
      }
      return screen
    },
  }
}

/**
 * The groups of one shape (`cycles`, those findCycles described, largest
 * retained first) one by one; Enter lists a group's members. Their classes
 * are the same in every group of a shape (the shape's signature holds
 * them), so they are said once, above the list.
 */
export function shapeScreen(h: HeapContext, g: CycleGroup, cycles: Cycle[]): Screen {
  const total = h.a.totalSize
  const shown = cycles.length < g.count ? `; the ${formatCount(cycles.length)} that retain the most:` : ''
  const classes = g.largerThanLoop ? `each of ${objectCount(g.objectCount / g.count)}: ` : 'each: '
  return {
    // The loop goes in the header, which wraps: a title is one line, and cut the shape where a terminal is narrow.
    title: `${countOf(g.count, 'cycle')} of one shape`,
    header: [
      `loop: ${formatLoopShapeText(g.shapeSteps)}`,
      `${objectCount(g.objectCount)} retaining ${formatBytes(g.retainedSize)}${shown}`,
      // Plain text, so a long class name (an object literal's keys) wraps instead of the list being cut in its middle.
      classes + formatClassList(g.classes, CLASSES_SHOWN),
    ],
    columns: [
      { header: 'Loop', align: 'left' },
      { header: 'Objects', align: 'right' },
      { header: 'Retained', align: 'right' },
      { header: 'Outside refs', align: 'right' },
    ],
    sort: { column: 2, descending: true },
    ...fromRows(
      cycles.map((c) => {
        const text = formatCyclePath(h.s, c.path, h.names)
        return {
          cells: [text, formatCount(c.members.length), formatBytes(c.retainedSize), formatCount(c.externalRetainerCount)],
          sort: [NaN, c.members.length, c.retainedSize, c.externalRetainerCount],
          text,
        }
      }),
    ),
    share: (row) => (total > 0 ? cycles[row].retainedSize / total : 0),
    shareOf: 'heap',
    open: (row) => {
      const c = cycles[row]
      const what = `${formatClassList(c.classes, CLASSES_SHOWN)}`
      return objectsScreen(
        h,
        `Members of ${objectCount(c.members.length)} in a loop: ${what}`,
        [{ label: 'loop: ', text: formatCyclePath(h.s, c.path, h.names), cut: 'start' }],
        c.members,
      )
    },
  }
}
