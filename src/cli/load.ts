/**
 * Opening a snapshot and running the whole-heap analyses, with the progress
 * bar showing each phase. Shared by the commands that need retained sizes.
 */
import type { HeapAnalysis, Snapshot } from '../index.js'
import type { CliContext } from './context.js'
import { checkInput } from './options.js'
import { createProgress } from './progress.js'

export interface Loaded {
  snapshot: Snapshot
  analysis: HeapAnalysis
}

/** Reads `file` and analyses it; the progress bar (stderr, terminals only) names each phase. */
export async function loadAnalyzed(file: string, ctx: CliContext): Promise<Loaded> {
  checkInput(file, ctx)
  const progress = createProgress(ctx.stderr, file, ctx.now)
  try {
    progress.phase('reading')
    const snapshot = await ctx.openSnapshot(file, { onProgress: progress.update })
    const analysis = await ctx.analyze(snapshot, { onPhase: (phase) => progress.phase(phase) })
    return { snapshot, analysis }
  } finally {
    progress.done()
  }
}

/** The ordinal of the object with V8 id `id` (`@id` in DevTools), or a NodeNotFoundError. */
export { resolveNodeId } from '../report/objects.js'
