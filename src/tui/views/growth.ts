/**
 * The Growth view (`heapscope growth s1 s2 ... sN`): each group of the
 * series (allocation site, stack, class, script or constructor) with a
 * sparkline of its live count in every snapshot, in the library's order
 * (those that grew in every interval first, then by growth in bytes); Enter
 * lists the group's objects in the last snapshot, and `r` there their
 * retainer clusters. The Collections view: the Maps, Sets, arrays and
 * dictionaries that grew in every interval, with their entries in every
 * snapshot; Enter opens one.
 */
import { formatLocation, type AllocationSite, type Grouping, type GrowthGroup, type SnapshotGrowth } from '../../index.js'
import { countOf, formatBytes, formatCount } from '../../report/format.js'
import { growthNotes, sparkline } from '../../report/growth.js'
import { formatRetainerPath, nodeLabel } from '../../report/objects.js'
import { fromRows, type HeaderLine, type HeapContext, type Screen } from '../screen.js'
import { objectsWithClusters } from './clusters.js'
import { nextGrouping } from './diff.js'
import { objectScreen } from './objects.js'
import { scriptNamer, siteText } from './sites.js'

const signed = (bytes: number): string => (bytes > 0 ? '+' : bytes < 0 ? '-' : '') + formatBytes(Math.abs(bytes))
const signedCount = (count: number): string => (count > 0 ? '+' : count < 0 ? '-' : '') + formatCount(Math.abs(count))

const GROUP_HEADINGS = { site: 'Allocation site', stack: 'Allocation stack', class: 'Class', script: 'Script', constructor: 'Constructor' }

/**
 * The series grouped by `groupBy` again (the earlier snapshots were
 * dropped, so it reads them again), telling the status line how far it got
 * with `note`; the last snapshot's nodes numbered as before.
 */
export type Regrouper = (groupBy: Grouping, note: (text: string) => void, signal: AbortSignal) => Promise<SnapshotGrowth>

/** The objects of group `g` in the last snapshot (the series noted each object's group). */
export function growthMembers(growth: SnapshotGrowth, g: number): number[] {
  const groupOf = growth.groupOfLast
  if (groupOf === undefined) return []
  const members: number[] = []
  for (let n = 0; n < groupOf.length; n++) if (groupOf[n] === g) members.push(n)
  return members
}

/**
 * The groups of a growth series over the last snapshot `h`; `files` are the
 * series' files, in order; `b` groups them by the next grouping with
 * `regroup`, in the background.
 */
export function growthScreen(h: HeapContext, growth: SnapshotGrowth, files: string[], regroup?: Regrouper): Screen {
  const { groups, totals } = growth
  const last = growth.snapshotCount - 1
  const frames = (g: GrowthGroup): AllocationSite[] => g.stack ?? (g.site === undefined ? [] : [g.site])
  const scripts = scriptNamer(
    groups.flatMap((g) => [...frames(g), ...(g.location === undefined ? [] : [g.location])].map((f) => f.original?.source ?? f.scriptName)),
  )
  /** the group's name with its scripts shortened */
  const name = (g: GrowthGroup): string => {
    if (g.site === undefined) {
      // A class with where it is defined (`Session /srv/app/a.js:20:3`): the script shortened too.
      const where = g.location === undefined ? '' : formatLocation(g.location)
      if (where === '' || !g.key.endsWith(where)) return g.key
      const o = g.location?.original
      const script = o?.source ?? g.location?.scriptName ?? ''
      return script === '' ? g.key : `${g.key.slice(0, -where.length)}${scripts(script)}:${o?.line ?? g.location?.line}:${o?.column ?? g.location?.column}`
    }
    if (growth.groupBy === 'script') return g.site.scriptName === '' ? g.key : scripts(g.site.scriptName)
    if (growth.groupBy === 'stack')
      return frames(g)
        .map((f) => siteText(f, scripts))
        .join(' <- ')
    return siteText(g.site, scripts)
  }
  const next = nextGrouping(growth.groupBy, growth.allocationTraces)
  const monotonic = groups.filter((g) => g.monotonic).length
  // Bars: each group's share of what grew (a group that shrank: of what shrank).
  const grown = groups.reduce((sum, g) => sum + Math.max(0, g.growth), 0)
  const shrunk = groups.reduce((sum, g) => sum - Math.min(0, g.growth), 0)
  return {
    title: `Growth over ${growth.snapshotCount} snapshots by ${growth.groupBy}${regroup === undefined ? '' : ` (b: by ${next})`}`,
    header: [
      `live objects ${totals.counts.map(formatCount).join(' → ')}; size ${totals.sizes.map(formatBytes).join(' → ')}`,
      `grew in every interval (↑, listed first): ${countOf(monotonic, 'group')}, ${signed(totals.monotonicGrowth)}; ${countOf(growth.collections.length, 'collection')}`,
      ...growthNotes(growth),
    ],
    columns: [
      // Sites, scripts, and classes or constructors with where they are defined (`Session app.ts:20:3`) end in file:line: cut in the middle.
      { header: GROUP_HEADINGS[growth.groupBy], align: 'left', cut: growth.groupBy === 'stack' ? 'end' : 'middle' },
      { header: 'Count', align: 'left' },
      { header: 'Live', align: 'right' },
      { header: 'Change', align: 'right', signed: true },
      { header: 'New (last)', align: 'right' },
      { header: 'Growth', align: 'right', signed: true },
    ],
    ...fromRows(
      groups.map((g) => {
        const text = name(g)
        const change = g.counts[last] - g.counts[0]
        const fresh = g.newPerInterval[g.newPerInterval.length - 1] ?? 0
        return {
          // A group that grew in every interval is marked ↑ after its sparkline.
          cells: [
            text,
            sparkline(g.counts) + (g.monotonic ? ' ↑' : '  '),
            formatCount(g.counts[last]),
            signedCount(change),
            formatCount(fresh),
            signed(g.growth),
          ],
          sort: [NaN, NaN, g.counts[last], change, fresh, g.growth],
          text,
        }
      }),
    ),
    share: (row) => {
      const growthOf = groups[row].growth
      return growthOf >= 0 ? (grown > 0 ? growthOf / grown : 0) : shrunk > 0 ? growthOf / shrunk : 0
    },
    shareOf: 'growth',
    open: (row) => {
      const g = groups[row]
      const members = growthMembers(growth, row)
      const header: HeaderLine[] = [
        `count ${g.counts.map(formatCount).join(' → ')} ${sparkline(g.counts)}; new per interval ${g.newPerInterval.map(formatCount).join(', ')}; size ${signed(g.growth)}${g.monotonic ? '; grew in every interval' : ''}`,
        ...frames(g).map((f, i) => ({ label: i === 0 ? 'at ' : '  from ', text: siteText(f, (x) => x), cut: 'middle' as const })),
      ]
      // The count first: a long site is cut at the end of the title.
      return objectsWithClusters(h, name(g), `${countOf(members.length, 'object')} of ${name(g)} in ${files[last] ?? 'the last snapshot'}`, header, members)
    },
    ...(regroup === undefined
      ? {}
      : {
          regroupAsync: () => ({
            label: `grouping by ${next}`,
            run: async (note: (text: string) => void, signal: AbortSignal) => growthScreen(h, await regroup(next, note, signal), files, regroup),
          }),
        }),
  }
}

/** The collections that grew in every interval, most entries added first; Enter opens one (in the last snapshot). */
export function collectionsScreen(h: HeapContext, growth: SnapshotGrowth): Screen {
  const { collections } = growth
  const last = growth.snapshotCount - 1
  const path = (i: number): string => {
    const p = collections[i].retainerPath
    return p === null ? `${nodeLabel(h.s, collections[i].ordinal, h.names)} (held only weakly)` : formatRetainerPath(h.s, p, h.names)
  }
  return {
    title: `Collections that grew in every interval: ${formatCount(collections.length)}`,
    header: ['Maps, Sets, arrays, dictionaries, matched by id; entries: references to objects'],
    columns: [
      // The path ends in the collection: cut from its start, the collection stays.
      { header: 'Collection, as the roots hold it', align: 'left', cut: 'start' },
      { header: 'Kind', align: 'left' },
      { header: 'Entries', align: 'left' },
      { header: 'Last', align: 'right' },
      { header: 'Added', align: 'right', signed: true },
      { header: 'Retained', align: 'right' },
    ],
    ...fromRows(
      collections.map((c, i) => {
        const text = path(i)
        const added = c.lengths[last] - c.lengths[0]
        return {
          cells: [text, c.kind, sparkline(c.lengths), formatCount(c.lengths[last]), signedCount(added), formatBytes(h.a.retainedSize[c.ordinal])],
          sort: [NaN, NaN, NaN, c.lengths[last], added, h.a.retainedSize[c.ordinal]],
          text,
        }
      }),
    ),
    share: (row) => (h.a.totalSize > 0 ? h.a.retainedSize[collections[row].ordinal] / h.a.totalSize : 0),
    shareOf: 'heap',
    open: (row) => objectScreen(h, collections[row].ordinal),
  }
}
