/**
 * The Diff view: what grew between snapshots, by allocation site, stack,
 * class or script (`b` switches); Enter opens a group's new objects.
 */
import { diffSnapshots, type DiffGroup, type DiffGrouping, type HeapAnalysis, type Snapshot, type SnapshotDiff } from '../../index.js'
import { formatBytes, formatCount } from '../../report/format.js'
import { diffNotes } from '../../report/diff.js'
import { fromRows, type HeapContext, type Screen } from '../screen.js'
import { objectsWithClusters } from './clusters.js'
import { scriptNamer, siteText } from './sites.js'

/** What `b` steps through: with allocation traces every grouping; without, those that need none (the others would fall back to class). */
const TRACED_GROUPINGS: DiffGrouping[] = ['site', 'stack', 'class', 'script', 'constructor']
const UNTRACED_GROUPINGS: DiffGrouping[] = ['class', 'constructor']

/** The grouping `b` switches to after `current`. */
export function nextGrouping(current: DiffGrouping, traced: boolean): DiffGrouping {
  const list = traced ? TRACED_GROUPINGS : UNTRACED_GROUPINGS
  return list[(list.indexOf(current) + 1) % list.length]
}

const HEADINGS: Record<DiffGrouping, string> = {
  site: 'Allocation site',
  stack: 'Allocation stack',
  class: 'Class',
  script: 'Script',
  constructor: 'Constructor',
}

/**
 * The diff the Diff view shows (the loading thread makes the first one with
 * it too): every new object of each group kept, V8's internals included, so
 * a group opens to all its new objects, not the largest five.
 */
export function viewDiff(before: Snapshot, after: Snapshot, analysis: HeapAnalysis, groupBy: DiffGrouping | undefined, final?: Snapshot): SnapshotDiff {
  return diffSnapshots(before, after, {
    afterAnalysis: analysis,
    largestPerGroup: 0,
    internals: true,
    ...(groupBy === undefined ? {} : { groupBy }),
    ...(final === undefined ? {} : { final }),
  })
}

// A change of nothing reads 0 B, as in the text report (not +0 B).
const signed = (bytes: number): string => (bytes > 0 ? '+' : bytes < 0 ? '-' : '') + formatBytes(Math.abs(bytes))

/**
 * The diff of two snapshots by `groupBy` (or `computed`, that diff made
 * already, by the loading thread); `b` switches the grouping, Enter opens a group.
 */
export function diffScreen(before: Snapshot, after: HeapContext, groupBy: DiffGrouping | undefined, final?: Snapshot, computed?: SnapshotDiff): Screen {
  const d = computed ?? viewDiff(before, after.s, after.a, groupBy, final)
  const t = d.totals
  const next = nextGrouping(d.groupBy, after.s.hasAllocationTraces)
  const frames = (g: DiffGroup) => g.stack ?? (g.site === undefined ? [] : [g.site])
  const scripts = scriptNamer(d.groups.flatMap((g) => frames(g).map((f) => f.scriptName)))
  /** the group's name with its scripts shortened */
  const name = (g: DiffGroup): string => {
    if (d.groupBy === 'class' || d.groupBy === 'constructor' || g.site === undefined) return g.key
    if (d.groupBy === 'script') return scripts(g.site.scriptName)
    if (d.groupBy === 'stack')
      return frames(g)
        .map((f) => siteText(f, scripts))
        .join(' <- ')
    return siteText(g.site, scripts)
  }
  // Bars: each group's share of the growth (or, for a group that shrank, of what was freed).
  const grown = d.groups.reduce((sum, g) => sum + Math.max(0, g.netSize), 0)
  const shrunk = d.groups.reduce((sum, g) => sum - Math.min(0, g.netSize), 0)
  return {
    title: `Diff by ${d.groupBy} (b: by ${next})`,
    header: [
      `new ${formatCount(t.newCount)} (${formatBytes(t.newSize)}), freed ${formatCount(t.freedCount)} (${formatBytes(t.freedSize)}), net ${signed(t.netSize)}; matched by ${d.matchedBy}`,
      ...diffNotes(d),
    ],
    columns: [
      // A site, a script and a constructor (`Session app.js:20:3`) end in file:line: cut in the middle.
      { header: HEADINGS[d.groupBy], align: 'left', cut: d.groupBy === 'stack' || d.groupBy === 'class' ? 'end' : 'middle' },
      { header: 'New', align: 'right' },
      { header: 'New size', align: 'right' },
      { header: 'Freed', align: 'right' },
      { header: 'Net', align: 'right', signed: true },
      { header: 'Retained', align: 'right' },
    ],
    sort: { column: 4, descending: true },
    ...fromRows(
      d.groups.map((g) => {
        const text = name(g)
        return {
          cells: [text, formatCount(g.newCount), formatBytes(g.newSize), formatCount(g.freedCount), signed(g.netSize), formatBytes(g.retainedSize)],
          sort: [NaN, g.newCount, g.newSize, g.freedCount, g.netSize, g.retainedSize],
          text,
        }
      }),
    ),
    share: (row) => {
      const net = d.groups[row].netSize
      return net >= 0 ? (grown > 0 ? net / grown : 0) : shrunk > 0 ? net / shrunk : 0
    },
    shareOf: 'growth',
    open: (row) => {
      const g = d.groups[row]
      const stack = frames(g)
      // Every new object of the group; r: their retainer clusters.
      return objectsWithClusters(
        after,
        `New objects of ${name(g)}`,
        `New objects of ${name(g)}`,
        [
          `${formatCount(g.newCount)} new (${formatBytes(g.newSize)}), ${formatCount(g.freedCount)} freed (${formatBytes(g.freedSize)}), net ${signed(g.netSize)}`,
          ...stack.map((f, i) => ({ label: i === 0 ? 'at ' : '  from ', text: siteText(f, (x) => x), cut: 'middle' as const })),
        ],
        g.largestNew,
      )
    },
    regroup: () => diffScreen(before, after, next, final),
  }
}
