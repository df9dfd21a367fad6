/**
 * `heapscope open <file>`: explore one snapshot in the terminal UI
 * (Summary → class → instances → object, its retainer paths and dominator
 * tree; Dominators; Cycles; Detached). Without a terminal, with `--no-tui`,
 * `--json` or `--markdown`, or reading stdin, it prints the summary (with
 * summary's options). `heapscope <file>` is the same command.
 */
import type { Argv, CommandModule } from 'yargs'
import { opensTui, colorEnabled, type CliContext, type GlobalArgs } from '../context.js'
import { checkInput, fileArgument } from '../options.js'
import { summaryOptions, writeSummary } from './summary.js'

function builder(y: Argv<GlobalArgs>) {
  return summaryOptions(y.positional('file', fileArgument))
    .option('tui', { type: 'boolean', default: true, describe: 'open the terminal UI when stdout is a terminal (--no-tui: the summary)' })
    .example('$0 open app.heapsnapshot.gz', 'explore the snapshot in the terminal')
    .example('$0 app.heapsnapshot.gz --json', 'no UI: the summary as JSON')
}

export type OpenArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function openCommand(ctx: CliContext): CommandModule<GlobalArgs, OpenArgs> {
  return {
    command: 'open <file>',
    describe: 'Explore a snapshot in the terminal UI (the summary without one)',
    builder,
    async handler(args) {
      checkInput(args.file, ctx)
      if (args.tui && args.json !== true && args.markdown !== true && opensTui(ctx, [args.file])) {
        const { runSnapshotTui } = await import('../../tui/run.js')
        await runSnapshotTui(args.file, { names: { redact: args.redact }, color: colorEnabled(ctx.stdout, ctx.env, args.color) })
        return
      }
      await writeSummary(ctx, args)
    },
  }
}
