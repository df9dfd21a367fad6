/**
 * `heapscope inspect <file> <id>`: one object — its fields, what it
 * references, what references it, and its dominator chain.
 */
import type { Argv, CommandModule } from 'yargs'
import { buildRetainers, createSourceMapper, formatLocation, formatSite } from '../../index.js'
import { formatBytes, formatDistance } from '../../report/format.js'
import { JSON_SCHEMA_VERSION } from '../../report/json.js'
import { dominatorChainLabels, edgeLabel, nodeLabel, objectRow, resolveNodeId } from '../../report/objects.js'
import { renderTable } from '../../report/table.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { writeJson, writeText } from '../output.js'
import { fileArgument, idArgument, jsonOption, numberOption, redactOption, sourceMapsOption } from '../options.js'

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .string('id')
    .positional('id', idArgument)
    .option('limit', numberOption(50, 'edges and retainers to list (0 = all)', { option: '--limit', unit: 'edges and retainers', zero: 'all' }))
    .option('json', jsonOption)
    .option('redact', redactOption)
    .option('source-maps', sourceMapsOption)
    .example('$0 inspect app.heapsnapshot 1234', 'fields, references, retainers and dominators of @1234')
}

export type InspectArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function inspectCommand(ctx: CliContext): CommandModule<GlobalArgs, InspectArgs> {
  return {
    command: 'inspect <file> <id>',
    describe: 'One object: fields, references, retainers, dominators',
    builder,
    async handler(args) {
      const { snapshot: s, analysis: a } = await loadAnalyzed(args.file, ctx)
      const n = resolveNodeId(s, args.id)
      const names = { redact: args.redact, mapPosition: createSourceMapper({ dirs: (args['source-maps'] ?? []).map(String) }) }
      const limit = args.limit === 0 ? Infinity : args.limit
      const edges = []
      for (let e = s.firstEdge[n]; e < s.firstEdge[n + 1] && edges.length < limit; e++) {
        const t = s.edgeTarget[e]
        edges.push({ edge: s.edgeName(e), edgeType: s.edgeTypeName(e), to: s.nodeId[t], toName: nodeLabel(s, t, names), retainedSize: a.retainedSize[t] })
      }
      const r = buildRetainers(s)
      const retainers = []
      for (let k = r.firstRetainer[n]; k < r.firstRetainer[n + 1] && retainers.length < limit; k++) {
        const from = r.retainerNode[k]
        const e = r.retainerEdge[k]
        retainers.push({
          from: s.nodeId[from],
          fromName: nodeLabel(s, from, names),
          edge: s.edgeName(e),
          edgeType: s.edgeTypeName(e),
          distance: a.distance[from],
        })
      }
      retainers.sort((x, y) => x.distance - y.distance)
      const object = objectRow(s, a, n, names)
      const dominators = dominatorChainLabels(s, a, n, names)
      if (args.json === true) {
        await writeJson(ctx, {
          schemaVersion: JSON_SCHEMA_VERSION,
          command: 'inspect',
          file: args.file,
          object: {
            ...object,
            edgeCount: s.edgeCountOf(n),
            retainerCount: r.firstRetainer[n + 1] - r.firstRetainer[n],
            traceNodeId: s.nodeTraceNodeId?.[n] ?? 0,
            detachedness: s.nodeDetachedness?.[n] ?? 0,
          },
          edges,
          retainers,
          dominators,
        })
        return
      }
      let out = `${nodeLabel(s, n, names)}  ${object.type}\n`
      out += `  shallow ${formatBytes(object.selfSize)} (V8 self size ${formatBytes(object.rawSelfSize)}), retained ${formatBytes(object.retainedSize)}, distance ${formatDistance(object.distance)}\n`
      if (object.location !== undefined) {
        out += `  ${object.type === 'closure' ? 'function' : 'constructor'} defined at ${formatLocation(object.location)}\n`
      }
      if (object.allocationStack !== undefined) {
        out += `\nAllocation stack (innermost first):\n${object.allocationStack.map((frame) => `  ${formatSite(frame)}\n`).join('')}`
      }
      out += `\nReferences (${s.edgeCountOf(n)}):\n`
      out += renderTable(
        [{ header: 'Edge' }, { header: 'Type' }, { header: 'Object', minWidth: 16 }, { header: 'Retained', align: 'right' }],
        edges.map((x, i) => [edgeLabel(s, s.firstEdge[n] + i), x.edgeType, x.toName, formatBytes(x.retainedSize)]),
      )
      out += `\nRetainers (${r.firstRetainer[n + 1] - r.firstRetainer[n]}), nearest to the roots first:\n`
      out += renderTable(
        [{ header: 'Object', minWidth: 16 }, { header: 'Edge' }, { header: 'Type' }, { header: 'Distance', align: 'right' }],
        retainers.map((x) => [x.fromName, x.edge, x.edgeType, formatDistance(x.distance)]),
      )
      out += `\nDominators:\n  ${dominators.join('\n  ')}\n`
      await writeText(ctx, out)
    },
  }
}
