/**
 * Entry points the CLI loads with a dynamic import, only when it opens the
 * UI (so `summary --json` never loads Ink or React). Each loads its files
 * inside the UI, with a progress line per file, so a big snapshot shows
 * how far it got and Ctrl-C cancels it.
 */
// First: before Ink loads (see interactive.ts).
import './interactive.js'
import { basename } from 'node:path'
import {
  HeapscopeError,
  Snapshot,
  type DiffGrouping,
  type Grouping,
  type HeapscopeErrorCode,
  type openSnapshot,
  type ProgressInfo,
  type SnapshotDiff,
  type SnapshotGrowth,
} from '../index.js'
import { startThread, ThreadError } from '../threads/worker.js'
import { loadGrowth, loadSnapshots, type GrowthRequest, type Loaded, type LoadProgress, type LoadRequest } from './load.js'
import type { LoadReply, LoadThreadRequest } from './load-worker.js'
import type { NodeNameOptions } from '../report/node-name.js'
import { runTui, type Loader } from './app.js'
import { HeapContext } from './screen.js'
import { initialState, waitingStatus, type LoadStatus, type TabSpec } from './state.js'
import { cyclesScreen } from './views/cycles.js'
import { detachedScreen } from './views/detached.js'
import { diffScreen } from './views/diff.js'
import { dominatorsScreen } from './views/dominators.js'
import { collectionsScreen, growthScreen, type Regrouper } from './views/growth.js'
import { summaryScreen } from './views/summary.js'

export interface TuiRunOptions {
  /**
   * Read with this openSnapshot on the UI's thread (tests pass one); without
   * it the files are read and analysed in a worker thread (load-worker.ts).
   */
  open?: typeof openSnapshot
  names: NodeNameOptions
  color: boolean
}

const REPORT_INTERVAL_MS = 100

/** The loading screen's lines, updated by phase (at once) and by bytes read (at most every 100 ms). */
class LoadBoard {
  private lines: LoadStatus[]
  private lastReport = 0

  constructor(
    files: string[],
    private readonly report: (files: LoadStatus[]) => void,
  ) {
    this.lines = waitingStatus(files)
  }

  phase(i: number, phase: string): void {
    this.lines = this.lines.map((l, k) => (k === i ? { ...l, phase, bytesRead: 0, totalBytes: null, since: Date.now() } : l))
    this.send()
  }

  /** Bytes read of file i, sent at most every REPORT_INTERVAL_MS. */
  progress(i: number, p: ProgressInfo): void {
    this.lines = this.lines.map((l, k) => (k === i ? { ...l, bytesRead: p.bytesRead, totalBytes: p.totalBytes } : l))
    if (Date.now() - this.lastReport >= REPORT_INTERVAL_MS) this.send()
  }

  private send(): void {
    this.lastReport = Date.now()
    this.report(this.lines)
  }
}

/** Lets the loading screen draw before a long synchronous step. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

function heapTabs(h: HeapContext): TabSpec[] {
  return [
    { name: 'Summary', make: () => summaryScreen(h) },
    { name: 'Dominators', make: () => dominatorsScreen(h) },
    { name: 'Cycles', make: () => cyclesScreen(h), busy: 'searching the heap for objects that reference each other' },
    { name: 'Detached', make: () => detachedScreen(h) },
  ]
}

/** Shows a loading step on the board. */
function show(board: LoadBoard, p: LoadProgress): void {
  if (p.type === 'phase') board.phase(p.file, p.phase)
  else board.progress(p.file, p)
}

/**
 * A request to the loading thread (load-worker.ts): the UI keeps drawing,
 * and an abort ends it at once. `take` reads the final reply; without a
 * thread (a resource limit) `here` does the same work on this thread.
 */
function inWorker<T>(
  request: LoadThreadRequest,
  progress: (p: LoadProgress) => void,
  take: (m: Exclude<LoadReply, LoadProgress>) => T,
  here: () => Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted()
    const thread = startThread<LoadThreadRequest, LoadReply>(new URL('./load-worker.js', import.meta.url), {
      onReply: (m) => {
        if (m.type === 'phase' || m.type === 'bytes') return progress(m)
        settle(() => {
          try {
            resolve(take(m))
          } catch (e) {
            reject(e)
          }
        })
      },
      // The library's errors keep their class (the CLI's exit code depends on it).
      onFailure: (e) =>
        settle(() => reject(e instanceof ThreadError && e.code !== undefined ? new HeapscopeError(e.code as HeapscopeErrorCode, e.message) : e)),
    })
    if (thread === null) return void here().then(resolve, reject)
    const settle = (f: () => void): void => {
      signal.removeEventListener('abort', onAbort)
      thread.stop()
      f()
    }
    const onAbort = (): void => settle(() => reject(signal.reason))
    signal.addEventListener('abort', onAbort, { once: true })
    thread.send(request)
  })
}

/** The first load in the loading thread: the models come back as parts over shared memory. */
function loadInWorker(request: LoadRequest, board: LoadBoard, signal: AbortSignal): Promise<Loaded> {
  return inWorker(
    { type: 'load', ...request },
    (p) => show(board, p),
    (m) => {
      if (m.type !== 'done') throw new Error(`the loading thread answered a load with ${m.type}`)
      return { snapshots: m.parts.map((p) => new Snapshot(p)), analysis: m.analysis, indexes: m.indexes, diff: m.diff, growth: m.growth }
    },
    () => loadSnapshots(request, (p) => show(board, p), undefined, signal),
    signal,
  )
}

function load(request: LoadRequest, board: LoadBoard, options: TuiRunOptions, signal: AbortSignal): Promise<Loaded> {
  return options.open === undefined ? loadInWorker(request, board, signal) : loadSnapshots(request, (p) => show(board, p), options.open, signal)
}

/**
 * A Loader: loads `files`, analyses files[analyze], shows `lastPhase` while
 * the first screen is built, and opens the tabs `tabsFor` makes.
 */
function loader(
  request: LoadRequest,
  lastPhase: string,
  options: TuiRunOptions,
  tabsFor: (snapshots: Snapshot[], h: HeapContext, diff: SnapshotDiff | null, growth: SnapshotGrowth | null) => TabSpec[],
): Loader {
  return async (report, signal) => {
    const { files, analyze } = request
    const board = new LoadBoard(files, report)
    const { snapshots, analysis, indexes, diff, growth } = await load(request, board, options, signal)
    board.phase(analyze, lastPhase)
    await tick()
    signal.throwIfAborted()
    // A growth series keeps only its last snapshot.
    const analysed = growth === null ? snapshots[analyze] : snapshots[snapshots.length - 1]
    const h = new HeapContext(analysed, analysis, options.names, files[analyze], indexes)
    return initialState(tabsFor(snapshots, h, diff, growth))
  }
}

/** Loads one snapshot for the UI: Summary, Dominators, Cycles, Detached. */
export function snapshotLoader(file: string, options: TuiRunOptions): Loader {
  return loader({ files: [file], analyze: 0 }, 'summary', options, (_, h) => heapTabs(h))
}

/** Loads before/after (and final) for the UI: Diff first, then the after snapshot's Summary, Dominators, Cycles, Detached. */
export function diffLoader(files: string[], groupBy: DiffGrouping | undefined, options: TuiRunOptions): Loader {
  // The loading thread computes the first diff too; switching the grouping recomputes it here.
  return loader({ files, analyze: 1, diff: { groupBy } }, 'diff', options, ([before, , final], h, diff) => [
    { name: 'Diff', make: () => diffScreen(before, h, groupBy, final, diff ?? undefined) },
    ...heapTabs(h),
  ])
}

/**
 * Loads a growth series for the UI (one model at a time; the last is
 * analysed): Growth first, Collections, then the last snapshot's Summary,
 * Dominators, Cycles, Detached.
 */
export function growthLoader(files: string[], groupBy: Grouping | undefined, sourceMaps: string[], options: TuiRunOptions): Loader {
  // b: the series read again by another grouping (the models are not kept), in the loading thread.
  const regroup: Regrouper = (next, note, signal) => {
    const request: GrowthRequest = { files, groupBy: next, sourceMaps }
    const progress = (p: LoadProgress): void => note(regroupNote(files, p))
    if (options.open !== undefined) return loadGrowth(request, progress, options.open, signal)
    return inWorker(
      { type: 'growth', ...request },
      progress,
      (m) => {
        if (m.type !== 'growth') throw new Error(`the loading thread answered a growth request with ${m.type}`)
        return m.growth
      },
      () => loadGrowth(request, progress, undefined, signal),
      signal,
    )
  }
  return loader({ files, analyze: files.length - 1, growth: { groupBy, sourceMaps } }, 'growth', options, (_, h, __, growth) => {
    const g = growth as SnapshotGrowth
    return [{ name: 'Growth', make: () => growthScreen(h, g, files, regroup) }, { name: 'Collections', make: () => collectionsScreen(h, g) }, ...heapTabs(h)]
  })
}

/** How far regrouping has got, for the status line: `reading b.heapsnapshot (2 of 3) 45%`. */
function regroupNote(files: string[], p: LoadProgress): string {
  const name = basename(files[p.file] ?? '')
  const which = `${name} (${p.file + 1} of ${files.length})`
  if (p.type === 'phase') return `${p.phase === 'reading' ? 'reading' : 'grouping'} ${which}`
  const percent = p.totalBytes !== null && p.totalBytes > 0 ? ` ${Math.floor((100 * p.bytesRead) / p.totalBytes)}%` : ''
  return `reading ${which}${percent}`
}

/** Explores one snapshot in the terminal until the user quits. */
export async function runSnapshotTui(file: string, options: TuiRunOptions): Promise<void> {
  await runTui({ files: [file], color: options.color, load: snapshotLoader(file, options) })
}

/** Diffs before/after (and final) in the terminal until the user quits. */
export async function runDiffTui(files: string[], groupBy: DiffGrouping | undefined, options: TuiRunOptions): Promise<void> {
  await runTui({ files, color: options.color, load: diffLoader(files, groupBy, options) })
}

/** Follows a series of snapshots of one process in the terminal until the user quits. */
export async function runGrowthTui(files: string[], groupBy: Grouping | undefined, sourceMaps: string[], options: TuiRunOptions): Promise<void> {
  await runTui({ files, color: options.color, load: growthLoader(files, groupBy, sourceMaps, options) })
}
