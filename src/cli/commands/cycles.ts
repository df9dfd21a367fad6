/**
 * `heapscope cycles <file>`: groups of objects that reference each other,
 * by shape (thousands of identical loops are one row with a count), then
 * the single groups that retain the most, with a representative cycle and
 * the references from outside that keep each alive.
 */
import type { Argv, CommandModule } from 'yargs'
import { DEFAULT_CYCLE_EDGE_TYPES, findCycles } from '../../index.js'
import { cyclesJson, renderCyclesText } from '../../report/cycles.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { writeJson, writeText } from '../output.js'
import { fileArgument, jsonOption, redactOption, topOption } from '../options.js'
import { parseSize } from './diff.js'

const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut'] as const

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .option('edges', {
      type: 'array',
      choices: EDGE_TYPES,
      default: [...DEFAULT_CYCLE_EDGE_TYPES],
      describe: 'edge types that count as references (weak never does; internal: all internal edges)',
    })
    .option('closures', {
      type: 'boolean',
      default: true,
      describe: "count closures' contexts, their scopes below module level and Map/Set contents (--no-closures: only --edges)",
    })
    .option('top', topOption(10, 'groups', 'shapes, and single groups, to show (0 = all)'))
    .option('min-size', { type: 'string', default: '0', describe: 'leave out groups retaining less (e.g. 10KB)', requiresArg: true, coerce: parseSize })
    .option('json', jsonOption)
    .option('redact', redactOption)
    .example('$0 cycles app.heapsnapshot --top 5', 'the five loops that retain the most')
    .example('$0 cycles app.heapsnapshot --edges property context internal', 'count internal references too')
}

export type CyclesArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function cyclesCommand(ctx: CliContext): CommandModule<GlobalArgs, CyclesArgs> {
  return {
    command: 'cycles <file>',
    describe: 'Objects that hold each other in a loop, by bytes retained',
    builder,
    async handler(args) {
      const { snapshot: s, analysis: a } = await loadAnalyzed(args.file, ctx)
      const report = findCycles(s, a, null, {
        edgeTypes: args.edges.map(String),
        closures: args.closures,
        top: args.top,
        minRetainedSize: args['min-size'],
      })
      const names = { redact: args.redact }
      if (args.json === true) await writeJson(ctx, cyclesJson(s, report, args.file, names))
      else await writeText(ctx, renderCyclesText(s, report, names))
    },
  }
}
