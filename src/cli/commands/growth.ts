/**
 * `heapscope growth s1 s2 ... sN`: what grew across a series of snapshots of
 * one process, per group, and the collections that grew in every interval.
 * The snapshots are read one at a time; each but the last is dropped once
 * the series has taken what it needs from it (GrowthSeries).
 */
import type { Argv, CommandModule } from 'yargs'
import { createSourceMapper, GrowthSeries, UsageError, type Grouping, type Snapshot } from '../../index.js'
import { growthJson, renderGrowthMarkdown, renderGrowthText, type GrowthReportOptions } from '../../report/growth.js'
import { colorEnabled, opensTui, type CliContext, type GlobalArgs } from '../context.js'
import { GateFailedError } from '../exit.js'
import { checkInput, comparisonOutputOptions, topOption } from '../options.js'
import { writeJson, writeText } from '../output.js'
import { createProgress } from '../progress.js'
import { parseSize } from './diff.js'

const GROUPINGS: readonly Grouping[] = ['site', 'stack', 'class', 'script', 'constructor']

function builder(y: Argv<GlobalArgs>) {
  return comparisonOutputOptions(
    y
      .positional('snapshots', { type: 'string', array: true, demandOption: true, describe: 'three or more snapshots of one process, in the order taken' })
      .option('by', {
        choices: GROUPINGS,
        describe: 'group by allocation site (default with traces), stack, class (default without), script, or constructor (where the code is defined)',
      })
      .option('top', topOption(20, 'groups and collections'))
      .option('fail-on-growth', {
        type: 'string',
        describe: 'exit with code 1 when what grew in every interval grew by more than this size (e.g. 5MB)',
        requiresArg: true,
        coerce: parseSize,
      }),
  )
    .example('$0 growth s1.heapsnapshot s2.heapsnapshot s3.heapsnapshot', 'what grew in every interval, by allocation site')
    .example('$0 growth s*.heapsnapshot.gz --by constructor --json', 'without allocation traces: by where the constructors are defined')
}

export type GrowthArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function growthCommand(ctx: CliContext): CommandModule<GlobalArgs, GrowthArgs> {
  return {
    command: 'growth <snapshots..>',
    describe: 'What grew in every interval across three or more snapshots of one process',
    builder,
    async handler(args) {
      const files = args.snapshots.map(String)
      if (files.length < 3) throw new UsageError(`growth needs three or more snapshots of one process (got ${files.length}); for two, use diff`)
      if (files.filter((f) => f === '-').length > 1) throw new UsageError('only one snapshot can come from stdin (-)')
      for (const f of files) checkInput(f, ctx)
      if (args.tui && opensTui(ctx, files) && args.json !== true && args.markdown !== true && args['fail-on-growth'] === undefined) {
        const { runGrowthTui } = await import('../../tui/run.js')
        await runGrowthTui(files, args.by, (args['source-maps'] ?? []).map(String), {
          names: { redact: args.redact },
          color: colorEnabled(ctx.stdout, ctx.env, args.color),
        })
        return
      }
      const mapPosition = createSourceMapper({ dirs: (args['source-maps'] ?? []).map(String) })
      const series = new GrowthSeries({ mapPosition, ...(args.by === undefined ? {} : { groupBy: args.by }) })
      // One snapshot at a time: each is dropped when the series has what it needs (the last is kept for paths).
      let last: Snapshot | null = null
      for (const file of files) {
        last = null
        const progress = createProgress(ctx.stderr, file, ctx.now)
        try {
          progress.phase('reading')
          const s = await ctx.openSnapshot(file, { onProgress: progress.update })
          progress.phase('growth')
          await series.addAsync(s)
          last = s
        } finally {
          progress.done()
        }
      }
      const lastSnapshot = last as Snapshot
      const growth = series.finish(lastSnapshot, { maxCollections: args.top === 0 ? Infinity : args.top })
      const options: GrowthReportOptions = { files, top: args.top, redact: args.redact, mapPosition }
      if (args['fail-on-growth'] !== undefined) options.failOnGrowth = args['fail-on-growth']
      if (ctx.stdout.isTTY === true && ctx.stdout.columns !== undefined) options.maxWidth = ctx.stdout.columns
      if (args.json === true) await writeJson(ctx, growthJson(growth, lastSnapshot, options))
      else if (args.markdown === true) await writeText(ctx, renderGrowthMarkdown(growth, lastSnapshot, options))
      else await writeText(ctx, renderGrowthText(growth, lastSnapshot, options))
      if (options.failOnGrowth !== undefined && growth.totals.monotonicGrowth > options.failOnGrowth) {
        throw new GateFailedError(
          `what grew in every interval grew by ${growth.totals.monotonicGrowth} bytes, over --fail-on-growth ${options.failOnGrowth} bytes`,
        )
      }
    },
  }
}
