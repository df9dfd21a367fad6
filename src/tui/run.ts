/**
 * Entry points the CLI loads with a dynamic import, only when it opens the
 * UI (so `summary --json` never loads Ink or React). Each loads its files
 * inside the UI, with a progress line per file, so a big snapshot shows
 * how far it got and Ctrl-C cancels it.
 */
// First: before Ink loads (see interactive.ts).
import './interactive.js'
import { Worker } from 'node:worker_threads'
import {
  analyzeHeapAsync,
  HeapscopeError,
  Snapshot,
  type DiffGrouping,
  type HeapAnalysis,
  type openSnapshot,
  type ProgressInfo,
  type SnapshotDiff,
} from '../index.js'
import type { LoadMessage, LoadRequest } from './load-worker.js'
import type { NodeNameOptions } from '../report/node-name.js'
import { listRowsFor, runTui, waitingStatus, type Loader, type LoadStatus } from './app.js'
import { cyclesScreen, detachedScreen, diffScreen, dominatorTreeScreen, HeapContext, summaryScreen, type HeapIndexes, type Screen } from './screens.js'
import { initialState } from './state.js'

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

type TabSpec = { name: string; make: () => Screen }

function heapTabs(h: HeapContext): TabSpec[] {
  return [
    { name: 'Summary', make: () => summaryScreen(h) },
    { name: 'Dominators', make: () => dominatorTreeScreen(h, h.s.rootOrdinal) },
    { name: 'Cycles', make: () => cyclesScreen(h) },
    { name: 'Detached', make: () => detachedScreen(h) },
  ]
}

interface Loaded {
  snapshots: Snapshot[]
  /** the analysis of snapshots[analyze] */
  analysis: HeapAnalysis
  /** its indexes, when built while loading */
  indexes: HeapIndexes
  /** the diff asked for (LoadRequest.diff), when computed while loading */
  diff: SnapshotDiff | null
}

/** Reads the files one after the other (the peak is about the models, not the reads) and analyses one, on this thread. */
async function loadHere(files: string[], analyze: number, board: LoadBoard, open: typeof openSnapshot, signal: AbortSignal): Promise<Loaded> {
  const snapshots: Snapshot[] = []
  for (let i = 0; i < files.length; i++) {
    board.phase(i, 'reading')
    snapshots.push(await open(files[i], { signal, onProgress: (p) => board.progress(i, p) }))
    board.phase(i, 'read')
  }
  const analysis = await analyzeHeapAsync(snapshots[analyze], { signal, onPhase: (p) => board.phase(analyze, p) })
  return { snapshots, analysis, indexes: {}, diff: null }
}

/** The same in the loading thread (load-worker.ts): the UI keeps drawing, and an abort ends it at once. */
function loadInWorker(request: LoadRequest, board: LoadBoard, signal: AbortSignal): Promise<Loaded> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted()
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: request })
    let settled = false
    const settle = (f: () => void): void => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      void worker.terminate()
      f()
    }
    const onAbort = (): void => settle(() => reject(signal.reason))
    signal.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (m: LoadMessage) => {
      if (m.type === 'phase') board.phase(m.file, m.phase)
      else if (m.type === 'bytes') board.progress(m.file, m)
      else if (m.type === 'done')
        settle(() => resolve({ snapshots: m.parts.map((p) => new Snapshot(p)), analysis: m.analysis, indexes: m.indexes, diff: m.diff }))
      else settle(() => reject(m.code !== null ? new HeapscopeError(m.code, m.message) : Object.assign(new Error(m.message), { name: m.name, stack: m.stack })))
    })
    worker.on('error', (err) => settle(() => reject(err)))
    worker.on('exit', (code) => settle(() => reject(new Error(`the loading thread stopped early (exit code ${code})`))))
  })
}

function load(request: LoadRequest, board: LoadBoard, options: TuiRunOptions, signal: AbortSignal): Promise<Loaded> {
  const { files, analyze } = request
  return options.open === undefined ? loadInWorker(request, board, signal) : loadHere(files, analyze, board, options.open, signal)
}

/**
 * A Loader: loads `files`, analyses files[analyze], shows `lastPhase` while
 * the first screen is built, and opens the tabs `tabsFor` makes.
 */
function loader(
  request: LoadRequest,
  lastPhase: string,
  options: TuiRunOptions,
  listRows: number,
  tabsFor: (snapshots: Snapshot[], h: HeapContext, diff: SnapshotDiff | null) => TabSpec[],
): Loader {
  return async (report, signal) => {
    const { files, analyze } = request
    const board = new LoadBoard(files, report)
    const { snapshots, analysis, indexes, diff } = await load(request, board, options, signal)
    board.phase(analyze, lastPhase)
    await tick()
    signal.throwIfAborted()
    const h = new HeapContext(snapshots[analyze], analysis, options.names, files[analyze], indexes)
    return initialState(tabsFor(snapshots, h, diff), listRows)
  }
}

/** Loads one snapshot for the UI: Summary, Dominators, Cycles, Detached. */
export function snapshotLoader(file: string, options: TuiRunOptions, listRows: number): Loader {
  return loader({ files: [file], analyze: 0 }, 'summary', options, listRows, (_, h) => heapTabs(h))
}

/** Loads before/after (and final) for the UI: Diff first, then the after snapshot's Summary, Dominators, Cycles, Detached. */
export function diffLoader(files: string[], groupBy: DiffGrouping | undefined, options: TuiRunOptions, listRows: number): Loader {
  // The loading thread computes the first diff too; switching the grouping recomputes it here.
  return loader({ files, analyze: 1, diff: { groupBy } }, 'diff', options, listRows, ([before, , final], h, diff) => [
    { name: 'Diff', make: () => diffScreen(before, h, groupBy, final, diff ?? undefined) },
    ...heapTabs(h),
  ])
}

/** Explores one snapshot in the terminal until the user quits. */
export async function runSnapshotTui(file: string, options: TuiRunOptions): Promise<void> {
  await runTui({ files: [file], color: options.color, load: snapshotLoader(file, options, listRowsFor(process.stdout.rows ?? 30)) })
}

/** Diffs before/after (and final) in the terminal until the user quits. */
export async function runDiffTui(files: string[], groupBy: DiffGrouping | undefined, options: TuiRunOptions): Promise<void> {
  await runTui({ files, color: options.color, load: diffLoader(files, groupBy, options, listRowsFor(process.stdout.rows ?? 30)) })
}
