/**
 * `heapscope open <file>`: explore one snapshot in the terminal UI
 * (Summary → class → instances → object, its retainer paths and dominator
 * tree; Dominators; Cycles; Detached). Without a terminal (or reading
 * stdin) it prints the summary. `heapscope <file>` is the same command.
 */
import type { Argv, CommandModule } from 'yargs'
import { computeSnapshotSummary } from '../../index.js'
import { renderSummaryText } from '../../report/summary.js'
import { opensTui, colorEnabled, type CliContext, type GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { checkInput, fileArgument, redactOption } from '../options.js'

function builder(y: Argv<GlobalArgs>) {
  return y.positional('file', fileArgument).option('redact', redactOption).example('$0 open app.heapsnapshot.gz', 'explore the snapshot in the terminal')
}

export type OpenArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function openCommand(ctx: CliContext): CommandModule<GlobalArgs, OpenArgs> {
  return {
    command: 'open <file>',
    describe: 'Explore a snapshot in the terminal UI',
    builder,
    async handler(args) {
      checkInput(args.file, ctx)
      if (opensTui(ctx, [args.file])) {
        const { runSnapshotTui } = await import('../../tui/run.js')
        await runSnapshotTui(args.file, { names: { redact: args.redact }, color: colorEnabled(ctx.stdout, ctx.env, args.color) })
        return
      }
      const { snapshot, analysis } = await loadAnalyzed(args.file, ctx)
      ctx.stdout.write(renderSummaryText(computeSnapshotSummary(snapshot, { analysis }), { file: args.file, top: 20, sort: 'size', redact: args.redact }))
    },
  }
}
