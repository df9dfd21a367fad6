/**
 * `heapscope export <file> <id> --what retainers|dominated --format gexf|graphml|json -o FILE`:
 * the small graph around one object, for Gephi, yEd and friends.
 */
import type { Argv, CommandModule } from 'yargs'
import { buildDominatorTree, buildRetainers, dominatedSubgraph, InputError, retainerSubgraph } from '../../index.js'
import { countOf } from '../../report/format.js'
import type { GraphFormat } from '../../report/graph-export.js'
import { resolveNodeId } from '../../report/objects.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { checkNotAnInput, writeFileAtomically, writeText } from '../output.js'
import { fileArgument, idArgument, numberOption } from '../options.js'

const WHAT = ['retainers', 'dominated'] as const
const FORMATS: readonly GraphFormat[] = ['gexf', 'graphml', 'json']
/** Steps from the object: the graph grows fast with depth, and --max-nodes caps it anyway. */
const MAX_DEPTH = 1000

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .string('id')
    .positional('id', idArgument)
    .option('what', { choices: WHAT, default: 'retainers' as const, describe: 'what holds the object, or what it dominates' })
    .option('depth', numberOption(3, 'steps from the object', { option: '--depth', unit: 'steps', max: MAX_DEPTH }))
    .option('max-nodes', numberOption(2000, 'stop adding objects past this many', { option: '--max-nodes', unit: 'objects', min: 1 }))
    .option('format', { choices: FORMATS, default: 'gexf' as GraphFormat, describe: 'file format' })
    .option('o', { alias: 'output', type: 'string', demandOption: true, requiresArg: true, describe: 'file to write (- for stdout); never the input' })
    .example('$0 export app.heapsnapshot 1234 --what retainers -o retainers.gexf', 'open it in Gephi')
}

export type ExportArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function exportCommand(ctx: CliContext): CommandModule<GlobalArgs, ExportArgs> {
  return {
    command: 'export <file> <id>',
    describe: 'Write the small graph around an object as GEXF, GraphML or JSON',
    builder,
    async handler(args) {
      // Before the long work: -o must not name the input.
      if (args.o !== '-') checkNotAnInput(args.o, [args.file])
      const { snapshot: s, analysis: a } = await loadAnalyzed(args.file, ctx)
      const n = resolveNodeId(s, args.id)
      const options = { depth: args.depth, maxNodes: args['max-nodes'] }
      const graph =
        args.what === 'retainers'
          ? retainerSubgraph(s, a, buildRetainers(s), n, options)
          : dominatedSubgraph(s, a, buildDominatorTree(s, a.dominators, a.retainedSize), n, options)
      // Loaded here: only export needs the GEXF/GraphML writers.
      const { writeGraph } = await import('../../report/graph-export.js')
      const text = writeGraph(graph, args.format)
      if (args.o === '-') {
        await writeText(ctx, text)
        return
      }
      checkNotAnInput(args.o, [args.file])
      try {
        writeFileAtomically(args.o, text)
      } catch (err) {
        throw new InputError(args.o, `cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
      }
      ctx.stderr.write(`wrote ${countOf(graph.order, 'object')} and ${countOf(graph.size, 'reference')} to ${args.o}\n`)
    },
  }
}
