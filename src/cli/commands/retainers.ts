/**
 * `heapscope retainers <file> <id> [--paths K]`: why that object is alive —
 * the shortest retainer paths from the root, each entering the object through
 * a different retainer.
 */
import type { Argv, CommandModule } from 'yargs'
import { buildRetainers, findRetainerPaths } from '../../index.js'
import { formatBytes, formatDistance } from '../../report/format.js'
import { renderJson, JSON_SCHEMA_VERSION } from '../../report/json.js'
import { dominatorChainLabels, formatRetainerPath, nodeLabel, objectRow, resolveNodeId, retainerPathJson } from '../../report/objects.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { fileArgument, idArgument, jsonOption, parseTop, redactOption } from '../options.js'

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .positional('id', idArgument)
    .option('paths', { type: 'string', default: '3', describe: 'distinct paths to show', requiresArg: true, coerce: parseTop })
    .option('json', jsonOption)
    .option('redact', redactOption)
    .example('$0 retainers app.heapsnapshot 1234', 'the shortest paths from the roots to @1234')
}

export type RetainersArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function retainersCommand(ctx: CliContext): CommandModule<GlobalArgs, RetainersArgs> {
  return {
    command: 'retainers <file> <id>',
    describe: 'Why an object is alive: its retainer paths from the roots',
    builder,
    async handler(args) {
      const { snapshot: s, analysis: a } = await loadAnalyzed(args.file, ctx)
      const n = resolveNodeId(s, args.id)
      const names = { redact: args.redact }
      const paths = findRetainerPaths(s, buildRetainers(s), n, { maxPaths: Math.max(1, args.paths) })
      if (args.json === true) {
        ctx.stdout.write(
          renderJson({
            schemaVersion: JSON_SCHEMA_VERSION,
            command: 'retainers',
            file: args.file,
            object: objectRow(s, a, n, names),
            paths: paths.map((p) => retainerPathJson(s, p, names)),
            dominators: dominatorChainLabels(s, a, n, names),
          }),
        )
        return
      }
      let out = `${nodeLabel(s, n, names)}: retained ${formatBytes(a.retainedSize[n])}, shallow ${formatBytes(a.shallowSize[n])}, distance ${formatDistance(a.distance[n])}\n`
      if (paths.length === 0) out += 'Held by nothing but weak references: it goes at the next GC.\n'
      paths.forEach((p, i) => {
        out += `\nPath ${i + 1} (${p.edges.length} steps):\n  ${formatRetainerPath(s, p, names)}\n`
      })
      out += `\nDominators (releasing any one frees it):\n  ${dominatorChainLabels(s, a, n, names).join('\n  ')}\n`
      ctx.stdout.write(out)
    },
  }
}
