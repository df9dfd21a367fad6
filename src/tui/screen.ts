/**
 * What the terminal UI shows, as data: every screen is a titled list of
 * rows with a few header lines, and opening a row yields the next screen.
 * Screens are built from the library API only, lazily (a class's instances
 * are found when the class is opened), and rows are asked for by index, so
 * a million-row list costs one array of ordinals and the UI formats only
 * the rows on screen. The views are in views/*.ts, one file per view.
 */
import {
  buildDominatorTree,
  buildRetainers,
  computeClassNames,
  RetainerShapes,
  type ClassNames,
  type DominatorTree,
  type HeapAnalysis,
  type Retainers,
  type Snapshot,
} from '../index.js'
import type { NodeNameOptions } from '../report/node-name.js'
import type { Cut } from './text.js'

export interface Column {
  header: string
  align: 'left' | 'right'
  /** a signed change: `+…` is drawn in red (growth), `-…` in green, when colour is on */
  signed?: boolean
  /** how a cell too wide for the column is cut (default: its end) */
  cut?: Cut
}

/**
 * A line above the list. Plain text is cut at its end when too wide; a
 * retainer path is cut from its start (the object end matters) and a site
 * in its middle (`file:line` stays), after a label that always shows.
 */
export type HeaderLine = string | { label: string; text: string; cut: Cut }

/** The whole text of a header line. */
export function headerText(line: HeaderLine): string {
  return typeof line === 'string' ? line : line.label + line.text
}

/** A sort order: a column, largest first or smallest first. */
export interface Sort {
  column: number
  descending: boolean
}

/**
 * A titled list. Rows are asked for by index, so a screen of a million
 * objects formats only the rows on screen: `cells` for the visible ones,
 * `sortValue` (cheap, from typed arrays) when sorting, `text` when
 * filtering (cached by the screen).
 */
export interface Screen {
  title: string
  /** lines above the list: totals, notes, retainer paths */
  header: HeaderLine[]
  columns: Column[]
  /** how many rows */
  size: number
  cells(row: number): string[]
  /** the number column `column` sorts row `row` by (NaN: not sortable) */
  sortValue(row: number, column: number): number
  /** the text `/` filters on */
  text(row: number): string
  /** what an empty list says (default: nothing here) */
  empty?: string
  /** the order the rows first appear in; none: the screen's own order (a tree's) */
  sort?: Sort
  /** the row's share of the whole, for its bar: 0..1, negative for a decrease (a diff's freed bytes) */
  share?(row: number): number
  /** what the bar is a share of, its column's heading: 'heap', 'growth' (drawn as growth: red), 'subtree' */
  shareOf?: string
  /** what `r` shows here, for the status line ('references', 'retainers', 'clusters') */
  retainersLabel?: string
  /** the screen a row opens, or null */
  open(row: number): Screen | null
  /** the screen behind `d` (an object's dominator tree), if any */
  dominated?(): Screen | null
  /** the screen behind `r`: an object's references ⇄ its retainers; a set of objects ⇄ their retainer clusters */
  retainers?(): Screen | null
  /** the same screen grouped differently (`b` in a diff) */
  regroup?(): Screen | null
  /** the same screen grouped differently, built in the background (`b` in the Growth view reads the series again) */
  regroupAsync?(): BackgroundJob
  /** a tree: rows keep their order (no sort); `toggle` expands or collapses a row */
  toggle?(row: number): Screen | null
  /** whether the row is expanded (← collapses it instead of going back) */
  expanded?(row: number): boolean
}

/** A screen built in the background: the status line says `label` and then what `run` notes as it goes. */
export interface BackgroundJob {
  label: string
  run(note: (text: string) => void, signal: AbortSignal): Promise<Screen>
}

/** One row, for screens that build their rows up front (a few thousand at most). */
export interface Row {
  cells: string[]
  /** numbers to sort by, one per column (NaN: not sortable) */
  sort: number[]
  /** the text `/` filters on */
  text: string
}

/** The row-access part of a Screen, from rows built up front. */
export function fromRows(rows: Row[]): Pick<Screen, 'size' | 'cells' | 'sortValue' | 'text'> {
  return {
    size: rows.length,
    cells: (i) => rows[i].cells,
    sortValue: (i, c) => rows[i].sort[c],
    text: (i) => rows[i].text,
  }
}

/** A cache of values computed per row on first use. */
export function memo<T>(size: number, compute: (i: number) => T): (i: number) => T {
  const cache: (T | undefined)[] = new Array<T | undefined>(size)
  return (i) => (cache[i] ??= compute(i))
}

/** Characters of a name kept for the UI: wider than any terminal's column, so the column decides where a name is cut. */
const NAME_LIMIT = 300

/** Indexes of one analysed snapshot that the screens share. */
export interface HeapIndexes {
  classes?: ClassNames
  tree?: DominatorTree
}

/** One analysed snapshot and the indexes the screens share, built on first use. */
export class HeapContext {
  private retainersCache: Retainers | null = null
  private treeCache: DominatorTree | null = null
  private classCache: ClassNames | null = null
  private shapesCache: RetainerShapes | null = null

  /** how names are shown: `--redact`, and long enough to fill a wide terminal's column (the list cuts them to what fits) */
  readonly names: NodeNameOptions

  constructor(
    readonly s: Snapshot,
    readonly a: HeapAnalysis,
    names: NodeNameOptions,
    readonly label: string,
    /** the class names and dominator tree, when the loader built them already (off the UI's thread) */
    prebuilt: HeapIndexes = {},
  ) {
    this.names = { limit: NAME_LIMIT, ...names }
    this.classCache = prebuilt.classes ?? null
    this.treeCache = prebuilt.tree ?? null
  }

  get retainers(): Retainers {
    this.retainersCache ??= buildRetainers(this.s)
    return this.retainersCache
  }

  get tree(): DominatorTree {
    this.treeCache ??= buildDominatorTree(this.s, this.a.dominators, this.a.retainedSize)
    return this.treeCache
  }

  get classes(): ClassNames {
    this.classCache ??= computeClassNames(this.s)
    return this.classCache
  }

  /** The retainer-path shapes of the heap's objects, hashed as clusters ask for them and kept for the next set. */
  get shapes(): RetainerShapes {
    this.shapesCache ??= new RetainerShapes(this.s, this.a, this.classes)
    return this.shapesCache
  }
}
