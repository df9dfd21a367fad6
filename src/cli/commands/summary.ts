/**
 * `heapscope summary <file>`: counts, total size, snapshot kind, allocation
 * traces, warnings and the top classes, as text, Markdown or JSON.
 */
import type { Argv, CommandModule } from 'yargs'
import { computeSnapshotSummary } from '../../index.js'
import { renderSummaryMarkdown, renderSummaryText, summaryJson, type ClassSort, type SummaryReportOptions } from '../../report/summary.js'
import { colorEnabled, type CliContext, type GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { writeJson, writeText } from '../output.js'
import { fileArgument, jsonOption, markdownOption, redactOption, topOption } from '../options.js'

const SORTS: readonly ClassSort[] = ['size', 'count', 'retained']
const DEFAULT_SORT: ClassSort = 'size'

/** The options of the summary report, shared with `open` (which prints it without a terminal). */
export function summaryOptions<T>(y: Argv<T>) {
  return y
    .option('top', topOption(20, 'classes'))
    .option('sort', { choices: SORTS, default: DEFAULT_SORT, describe: 'order classes by self size, count or retained size' })
    .option('json', jsonOption)
    .option('markdown', markdownOption)
    .option('redact', redactOption)
    .conflicts('json', 'markdown')
}

function builder(y: Argv<GlobalArgs>) {
  return summaryOptions(y.positional('file', fileArgument))
    .example('$0 summary app.heapsnapshot.gz', 'counts, total size and the 20 largest classes')
    .example('$0 summary app.heapsnapshot --sort count --top 0 --json', 'every class, by count, as JSON')
    .example('gunzip -c app.heapsnapshot.gz | $0 summary -', 'read the snapshot from stdin')
}

export type SummaryArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

/** Loads `args.file` and writes its summary as text, Markdown or JSON. */
export async function writeSummary(ctx: CliContext, args: Omit<SummaryArgs, 'file'> & { file: string }): Promise<void> {
  const { snapshot, analysis } = await loadAnalyzed(args.file, ctx)
  const summary = computeSnapshotSummary(snapshot, { analysis })
  const options: SummaryReportOptions = {
    file: args.file,
    top: args.top,
    sort: args.sort,
    redact: args.redact,
    color: colorEnabled(ctx.stdout, ctx.env, args.color),
  }
  if (ctx.stdout.isTTY === true && ctx.stdout.columns !== undefined) options.maxWidth = ctx.stdout.columns
  if (args.json === true) await writeJson(ctx, summaryJson(summary, options))
  else if (args.markdown === true) await writeText(ctx, renderSummaryMarkdown(summary, options))
  else await writeText(ctx, renderSummaryText(summary, options))
}

/**
 * The `summary` command, bound to a context (streams, environment).
 *
 * @example
 *   yargs(argv).command(summaryCommand(processContext()))
 */
export function summaryCommand(ctx: CliContext): CommandModule<GlobalArgs, SummaryArgs> {
  return {
    command: 'summary <file>',
    describe: 'Counts, total size, kind and the largest classes of a snapshot',
    builder,
    handler: (args) => writeSummary(ctx, args),
  }
}
