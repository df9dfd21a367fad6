/**
 * Entry points the CLI loads with a dynamic import, only when it opens the
 * UI (so `summary --json` never loads Ink or React). Each loads its files
 * inside the UI, with a progress line per file, so a big snapshot shows
 * how far it got and Ctrl-C cancels it.
 */
// First: before Ink loads (see interactive.ts).
import './interactive.js'
import { analyzeHeapAsync, type DiffGrouping, type openSnapshot, type ProgressInfo, type Snapshot } from '../index.js'
import type { NodeNameOptions } from '../report/node-name.js'
import { listRowsFor, runTui, type Loader, type LoadStatus } from './app.js'
import { cyclesScreen, detachedScreen, diffScreen, dominatorTreeScreen, HeapContext, summaryScreen } from './screens.js'
import { initialState } from './state.js'

export interface TuiRunOptions {
  /** the library's openSnapshot (the CLI passes its own, tests an in-memory one) */
  open: typeof openSnapshot
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
    this.lines = files.map((label) => ({ label, phase: 'waiting', bytesRead: 0, totalBytes: null, since: Date.now() }))
  }

  phase(i: number, phase: string): void {
    this.lines = this.lines.map((l, k) => (k === i ? { ...l, phase, bytesRead: 0, totalBytes: null, since: Date.now() } : l))
    this.send()
  }

  /** For openSnapshot's onProgress. */
  bytes(i: number): (p: ProgressInfo) => void {
    return (p) => {
      this.lines = this.lines.map((l, k) => (k === i ? { ...l, bytesRead: p.bytesRead, totalBytes: p.totalBytes } : l))
      if (Date.now() - this.lastReport >= REPORT_INTERVAL_MS) this.send()
    }
  }

  private send(): void {
    this.lastReport = Date.now()
    this.report(this.lines)
  }
}

/** Lets the loading screen draw before a long synchronous step. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

function heapTabs(h: HeapContext) {
  return [
    { name: 'Summary', make: () => summaryScreen(h) },
    { name: 'Dominators', make: () => dominatorTreeScreen(h, h.s.rootOrdinal) },
    { name: 'Cycles', make: () => cyclesScreen(h) },
    { name: 'Detached', make: () => detachedScreen(h) },
  ]
}

async function readAll(files: string[], board: LoadBoard, options: TuiRunOptions, signal: AbortSignal): Promise<Snapshot[]> {
  // One after the other: the peak is about the models, not the reads.
  const snapshots: Snapshot[] = []
  for (let i = 0; i < files.length; i++) {
    board.phase(i, 'reading')
    snapshots.push(await options.open(files[i], { signal, onProgress: board.bytes(i) }))
    board.phase(i, 'read')
  }
  return snapshots
}

/** Loads one snapshot for the UI: Summary, Dominators, Cycles, Detached. */
export function snapshotLoader(file: string, options: TuiRunOptions, listRows: number): Loader {
  return async (report, signal) => {
    const board = new LoadBoard([file], report)
    const [s] = await readAll([file], board, options, signal)
    const a = await analyzeHeapAsync(s, { signal, onPhase: (p) => board.phase(0, p) })
    board.phase(0, 'summary')
    await tick()
    signal.throwIfAborted()
    return initialState(heapTabs(new HeapContext(s, a, options.names, file)), listRows)
  }
}

/** Loads before/after (and final) for the UI: Diff first, then the after snapshot's Summary, Dominators, Cycles, Detached. */
export function diffLoader(files: string[], groupBy: DiffGrouping | undefined, options: TuiRunOptions, listRows: number): Loader {
  return async (report, signal) => {
    const board = new LoadBoard(files, report)
    const [before, after, final] = await readAll(files, board, options, signal)
    const a = await analyzeHeapAsync(after, { signal, onPhase: (p) => board.phase(1, p) })
    board.phase(1, 'diff')
    await tick()
    signal.throwIfAborted()
    const h = new HeapContext(after, a, options.names, files[1])
    return initialState([{ name: 'Diff', make: () => diffScreen(before, h, groupBy, final) }, ...heapTabs(h)], listRows)
  }
}

/** Explores one snapshot in the terminal until the user quits. */
export async function runSnapshotTui(file: string, options: TuiRunOptions): Promise<void> {
  await runTui({ files: [file], color: options.color, load: snapshotLoader(file, options, listRowsFor(process.stdout.rows ?? 30)) })
}

/** Diffs before/after (and final) in the terminal until the user quits. */
export async function runDiffTui(files: string[], groupBy: DiffGrouping | undefined, options: TuiRunOptions): Promise<void> {
  await runTui({ files, color: options.color, load: diffLoader(files, groupBy, options, listRowsFor(process.stdout.rows ?? 30)) })
}
