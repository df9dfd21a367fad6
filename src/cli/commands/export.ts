/**
 * `heapscope export <file> <id> --what retainers|dominated --format gexf|graphml|json -o FILE`:
 * the small graph around one object, for Gephi, yEd and friends.
 */
import { writeFileSync } from 'node:fs'
import type { Argv, CommandModule } from 'yargs'
import { buildDominatorTree, buildRetainers, dominatedSubgraph, InputError, retainerSubgraph } from '../../index.js'
import type { GraphFormat } from '../../report/graph-export.js'
import { resolveNodeId } from '../../report/objects.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { fileArgument, idArgument, parseTop } from '../options.js'

const WHAT = ['retainers', 'dominated'] as const
const FORMATS: readonly GraphFormat[] = ['gexf', 'graphml', 'json']

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .positional('id', idArgument)
    .option('what', { choices: WHAT, default: 'retainers' as const, describe: 'what holds the object, or what it dominates' })
    .option('depth', { type: 'string', default: '3', describe: 'steps from the object', requiresArg: true, coerce: parseTop })
    .option('max-nodes', { type: 'string', default: '2000', describe: 'stop adding objects past this many', requiresArg: true, coerce: parseTop })
    .option('format', { choices: FORMATS, default: 'gexf' as GraphFormat, describe: 'file format' })
    .option('o', { alias: 'output', type: 'string', demandOption: true, requiresArg: true, describe: 'file to write (- for stdout)' })
    .example('$0 export app.heapsnapshot 1234 --what retainers -o retainers.gexf', 'open it in Gephi')
}

export type ExportArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function exportCommand(ctx: CliContext): CommandModule<GlobalArgs, ExportArgs> {
  return {
    command: 'export <file> <id>',
    describe: 'Write the small graph around an object as GEXF, GraphML or JSON',
    builder,
    async handler(args) {
      const { snapshot: s, analysis: a } = await loadAnalyzed(args.file, ctx)
      const n = resolveNodeId(s, args.id)
      const options = { depth: args.depth, maxNodes: Math.max(1, args['max-nodes']) }
      const graph =
        args.what === 'retainers'
          ? retainerSubgraph(s, a, buildRetainers(s), n, options)
          : dominatedSubgraph(s, a, buildDominatorTree(s, a.dominators, a.retainedSize), n, options)
      // Loaded here: only export needs the GEXF/GraphML writers.
      const { writeGraph } = await import('../../report/graph-export.js')
      const text = writeGraph(graph, args.format)
      if (args.o === '-') {
        ctx.stdout.write(text)
        return
      }
      try {
        writeFileSync(args.o, text)
      } catch (err) {
        throw new InputError(args.o, `cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
      }
      ctx.stderr.write(`wrote ${graph.order} objects and ${graph.size} references to ${args.o}\n`)
    },
  }
}
