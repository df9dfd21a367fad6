/**
 * `heapscope open <file>`: explore one snapshot in the terminal UI
 * (Summary → class → instances → object, its retainer paths and dominator
 * subtree; Cycles; Detached). Without a terminal it prints the summary.
 */
import type { Argv, CommandModule } from 'yargs'
import { computeSnapshotSummary } from '../../index.js'
import { renderSummaryText } from '../../report/summary.js'
import { useColor, type CliContext, type GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { fileArgument, redactOption } from '../options.js'

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .option('redact', redactOption)
    .example('$0 open app.heapsnapshot.gz', 'explore the snapshot in the terminal')
}

export type OpenArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function openCommand(ctx: CliContext): CommandModule<GlobalArgs, OpenArgs> {
  return {
    command: 'open <file>',
    describe: 'Explore a snapshot in the terminal UI',
    builder,
    async handler(args) {
      const { snapshot, analysis } = await loadAnalyzed(args.file, ctx)
      if (ctx.stdout.isTTY !== true) {
        ctx.stdout.write(renderSummaryText(computeSnapshotSummary(snapshot, { analysis }), { file: args.file, top: 20, sort: 'size', redact: args.redact }))
        return
      }
      const { runSnapshotTui } = await import('../../tui/run.js')
      await runSnapshotTui(snapshot, analysis, args.file, { redact: args.redact }, useColor(ctx.stdout, ctx.env, args.color))
    },
  }
}
