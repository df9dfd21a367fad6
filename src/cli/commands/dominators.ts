/**
 * `heapscope dominators <file> [--id N] [--depth D]`: the dominator tree from
 * the root, or under one object, children largest first.
 */
import type { Argv, CommandModule } from 'yargs'
import { buildDominatorTree } from '../../index.js'
import { renderJson, JSON_SCHEMA_VERSION } from '../../report/json.js'
import { dominatorSubtree, renderDominatorTreeText, resolveNodeId } from '../../report/objects.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { fileArgument, jsonOption, parseTop, redactOption } from '../options.js'

/** Deeper trees are not readable, and the renderer recurses per level. */
const MAX_DEPTH = 64

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .option('id', { type: 'number', describe: 'start at this object (V8 id, @N in DevTools) instead of the root', requiresArg: true })
    .option('depth', { type: 'string', default: '3', describe: `levels to show (1-${MAX_DEPTH})`, requiresArg: true, coerce: parseDepth })
    .option('width', { type: 'string', default: '10', describe: 'children to show per object (0 = all)', requiresArg: true, coerce: parseTop })
    .option('json', jsonOption)
    .option('redact', redactOption)
    .example('$0 dominators app.heapsnapshot --depth 2', 'what the root retains, two levels down')
    .example('$0 dominators app.heapsnapshot --id 1234 --json', 'the subtree under @1234 as JSON')
}

function parseDepth(value: unknown): number {
  const depth = parseTop(value)
  if (depth < 1 || depth > MAX_DEPTH) throw new Error(`--depth takes a whole number from 1 to ${MAX_DEPTH}; got "${String(value)}"`)
  return depth
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
        ctx.stdout.write(renderJson({ schemaVersion: JSON_SCHEMA_VERSION, command: 'dominators', file: args.file, totalSize: a.totalSize, tree: subtree }))
      } else {
        ctx.stdout.write(renderDominatorTreeText(subtree, a.totalSize))
      }
    },
  }
}
