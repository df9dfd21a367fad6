/**
 * Entry points the CLI loads with a dynamic import, only when it opens the
 * UI (so `summary --json` never loads Ink or React).
 */
// First: before Ink loads (see interactive.ts).
import './interactive.js'
import type { DiffGrouping, HeapAnalysis, Snapshot } from '../index.js'
import type { NodeNameOptions } from '../report/node-name.js'
import { runTui } from './app.js'
import { cyclesScreen, detachedScreen, diffScreen, HeapContext, summaryScreen } from './screens.js'

function heapTabs(h: HeapContext) {
  return [
    { name: 'Summary', make: () => summaryScreen(h) },
    { name: 'Cycles', make: () => cyclesScreen(h) },
    { name: 'Detached', make: () => detachedScreen(h) },
  ]
}

/** Explore one snapshot: Summary, Cycles, Detached. */
export async function runSnapshotTui(s: Snapshot, a: HeapAnalysis, label: string, names: NodeNameOptions, color: boolean): Promise<void> {
  await runTui({ tabs: heapTabs(new HeapContext(s, a, names, label)), color })
}

/** Diff before/after (and final): Diff first, then the after snapshot's Summary, Cycles, Detached. */
export async function runDiffTui(
  before: Snapshot,
  after: Snapshot,
  afterAnalysis: HeapAnalysis,
  final: Snapshot | undefined,
  groupBy: DiffGrouping | undefined,
  label: string,
  names: NodeNameOptions,
  color: boolean,
): Promise<void> {
  const h = new HeapContext(after, afterAnalysis, names, label)
  await runTui({ tabs: [{ name: 'Diff', make: () => diffScreen(before, h, groupBy, final) }, ...heapTabs(h)], color })
}
