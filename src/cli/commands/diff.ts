/**
 * `heapscope diff <before> <after> [<final>]`: what grew, grouped by
 * allocation site, stack, class or script; with --fail-on-growth, a CI gate
 * (exit code 1 when the net growth is over the limit). Each group's new
 * objects by class, by retainer path (clusters) and one by one, each with
 * the path that keeps it alive.
 */
import type { Argv, CommandModule } from 'yargs'
import {
  createSourceMapper,
  diffSnapshots,
  shortestRetainerPath,
  UsageError,
  type DiffGrouping,
  type HeapAnalysis,
  type RetainerPath,
  type SnapshotDiff,
} from '../../index.js'
import { diffJson, renderDiffMarkdown, renderDiffText, shownGroups, type DiffReportOptions } from '../../report/diff.js'
import { opensTui, colorEnabled, type CliContext, type GlobalArgs } from '../context.js'
import { GateFailedError } from '../exit.js'
import { checkInput, comparisonOutputOptions, topOption, wholeNumber } from '../options.js'
import { formatBytes, formatCount } from '../../report/format.js'
import { writeJson, writeText } from '../output.js'
import { createProgress } from '../progress.js'

const GROUPINGS: readonly DiffGrouping[] = ['site', 'stack', 'class', 'script', 'constructor']

/** `5MB`, `512KiB`, `1000` → bytes (K/M/G are 1024-based, as the sizes we print). */
export function parseSize(value: unknown): number {
  const text = String(value).trim()
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?$/i.exec(text)
  if (m === null) throw new Error(`a size is a number of bytes with an optional unit (KB, MB, GB), e.g. 5MB; got "${text}"`)
  const unit = (m[2] ?? 'b').toLowerCase()
  const scale = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1
  return Math.round(Number(m[1]) * scale)
}

function builder(y: Argv<GlobalArgs>) {
  return comparisonOutputOptions(
    y
      .positional('before', { type: 'string', demandOption: true, describe: 'the snapshot taken first' })
      .positional('after', { type: 'string', demandOption: true, describe: 'the snapshot taken after' })
      .positional('final', { type: 'string', describe: 'optional third snapshot: keep only new objects still alive in it' })
      .option('by', {
        choices: GROUPINGS,
        describe:
          "group by allocation site (default with traces), stack, class (default without: DevTools' Comparison), script, or constructor (where the code is defined)",
      })
      .option('top', topOption(20, 'groups'))
      .option('min-growth', { type: 'string', describe: 'hide groups whose net growth is below this size (e.g. 1KB)', requiresArg: true, coerce: parseSize })
      .option('fail-on-growth', {
        type: 'string',
        describe: 'exit with code 1 when the net growth is over this size (e.g. 5MB)',
        requiresArg: true,
        coerce: parseSize,
      })
      .option('sort', {
        choices: ['net', 'retained'] as const,
        default: 'net' as const,
        describe: 'rank groups by net growth or by what their new objects retain',
      })
      .option('objects', {
        type: 'number',
        string: true,
        describe: 'new objects to list per group, largest retained first (0 = all; default 3, 5 in --json); with it every group shown is detailed',
        requiresArg: true,
        coerce: wholeNumber({ option: '--objects', unit: 'objects', zero: 'all' }),
      })
      .option('internals', {
        type: 'boolean',
        default: false,
        describe: "list V8's internals (code, feedback, maps, shared function infos) among the new objects",
      }),
  )
    .example('$0 diff before.heapsnapshot after.heapsnapshot', 'what grew, by allocation site')
    .example('$0 diff a.heapsnapshot b.heapsnapshot c.heapsnapshot --by stack', 'leak candidates: new in b, still alive in c')
    .example('$0 diff a.gz b.gz --fail-on-growth 5MB --markdown', 'a CI gate with a pull-request comment')
}

export type DiffArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function diffCommand(ctx: CliContext): CommandModule<GlobalArgs, DiffArgs> {
  return {
    command: 'diff <before> <after> [final]',
    describe: 'What grew between snapshots, by allocation site, stack, class, script or constructor',
    builder,
    async handler(args) {
      const files = [args.before, args.after, ...(args.final === undefined ? [] : [args.final])]
      if (files.filter((f) => f === '-').length > 1) throw new UsageError('only one snapshot can come from stdin (-)')
      for (const f of files) checkInput(f, ctx)
      if (args.tui && opensTui(ctx, files) && args.json !== true && args.markdown !== true && args['fail-on-growth'] === undefined) {
        const { runDiffTui } = await import('../../tui/run.js')
        await runDiffTui(files, args.by, { names: { redact: args.redact }, color: colorEnabled(ctx.stdout, ctx.env, args.color) })
        return
      }
      // One after the other: the peak is about the models, not the reads.
      const snapshots = []
      for (const file of files) {
        const progress = createProgress(ctx.stderr, file, ctx.now)
        try {
          progress.phase('reading')
          snapshots.push(await ctx.openSnapshot(file, { onProgress: progress.update }))
        } finally {
          progress.done()
        }
      }
      const [before, after, final] = snapshots
      const mapPosition = createSourceMapper({ dirs: (args['source-maps'] ?? []).map(String) })
      const progress = createProgress(ctx.stderr, args.after, ctx.now)
      let diff: SnapshotDiff
      let analysis: HeapAnalysis | null = null
      try {
        const afterAnalysis = await ctx.analyze(after, { onPhase: (p) => progress.phase(p) })
        progress.phase('diff')
        analysis = afterAnalysis
        diff = diffSnapshots(before, after, {
          afterAnalysis,
          mapPosition,
          sortBy: args.sort,
          internals: args.internals,
          largestPerGroup: args.objects ?? (args.json === true ? 5 : 3),
          ...(args.by === undefined ? {} : { groupBy: args.by }),
          ...(final === undefined ? {} : { final }),
        })
      } finally {
        progress.done()
      }
      const options: DiffReportOptions = { files, top: args.top, minGrowth: args['min-growth'] ?? -Infinity, redact: args.redact }
      if (args['fail-on-growth'] !== undefined) options.failOnGrowth = args['fail-on-growth']
      if (ctx.stdout.isTTY === true && ctx.stdout.columns !== undefined) options.maxWidth = ctx.stdout.columns
      if (args.objects !== undefined) {
        options.objects = args.objects
        options.detailed = 0
      }
      // The retainer path of every new object listed: a walk up the analysis's shortest-path tree each.
      const paths = new Map<number, RetainerPath>()
      if (args.markdown !== true && analysis !== null) {
        for (const g of shownGroups(diff, options)) {
          for (const n of g.largestNew) {
            const path = shortestRetainerPath(after, analysis, n)
            if (path !== null) paths.set(n, path)
          }
        }
      }
      if (args.json === true) await writeJson(ctx, diffJson(diff, after, paths, options, analysis))
      else if (args.markdown === true) await writeText(ctx, renderDiffMarkdown(diff, options))
      else await writeText(ctx, renderDiffText(diff, after, paths, options))
      if (options.failOnGrowth !== undefined && diff.totals.netSize > options.failOnGrowth) {
        let [net, limit] = [formatBytes(diff.totals.netSize), formatBytes(options.failOnGrowth)]
        // Sizes that round to the same text show their bytes too.
        if (net === limit) [net, limit] = [`${net} (${formatCount(diff.totals.netSize)} B)`, `${limit} (${formatCount(options.failOnGrowth)} B)`]
        throw new GateFailedError(`net growth of ${net} is over --fail-on-growth ${limit}`)
      }
    },
  }
}
