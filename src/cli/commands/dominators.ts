/**
 * `heapscope dominators <file> [--id N] [--depth D]`: the dominator tree from
 * the root, or under one object, children largest first.
 */
import type { Argv, CommandModule } from 'yargs'
import { buildDominatorTree } from '../../index.js'
import { JSON_SCHEMA_VERSION } from '../../report/json.js'
import { dominatorSubtree, dominatorTreeLines, resolveNodeId } from '../../report/objects.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { writeChunks, writeJson } from '../output.js'
import { fileArgument, idOption, jsonOption, numberOption, redactOption } from '../options.js'

/** Deeper trees are not readable, and the renderer recurses per level. */
const MAX_DEPTH = 64

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .option('id', { ...idOption, describe: 'start at this object (1234 or @1234) instead of the root' })
    .option('depth', numberOption(3, `levels to show (1-${MAX_DEPTH})`, { option: '--depth', unit: 'levels', min: 1, max: MAX_DEPTH }))
    .option('width', numberOption(10, 'children to show per object (0 = all)', { option: '--width', unit: 'children', zero: 'all' }))
    .option('json', jsonOption)
    .option('redact', redactOption)
    .example('$0 dominators app.heapsnapshot --depth 2', 'what the root retains, two levels down')
    .example('$0 dominators app.heapsnapshot --id 1234 --json', 'the subtree under @1234 as JSON')
}

export type DominatorsArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function dominatorsCommand(ctx: CliContext): CommandModule<GlobalArgs, DominatorsArgs> {
  return {
    command: 'dominators <file>',
    describe: 'The dominator tree, from the root or under one object',
    builder,
    async handler(args) {
      const { snapshot: s, analysis: a } = await loadAnalyzed(args.file, ctx)
      const start = args.id === undefined ? s.rootOrdinal : resolveNodeId(s, args.id)
      const tree = buildDominatorTree(s, a.dominators, a.retainedSize)
      const subtree = dominatorSubtree(s, a, tree, start, args.depth, args.width === 0 ? Infinity : args.width, { redact: args.redact })
      if (args.json === true) {
        await writeJson(ctx, { schemaVersion: JSON_SCHEMA_VERSION, command: 'dominators', file: args.file, totalSize: a.totalSize, tree: subtree })
      } else {
        await writeChunks(ctx.stdout, dominatorTreeLines(subtree, a.totalSize))
      }
    },
  }
}
