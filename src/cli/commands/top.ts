/**
 * `heapscope top <file> [-n 50]`: the largest objects by retained size, with
 * DevTools' shallow size, distance and immediate dominator. `-n 0` lists
 * every object, so anyone can check us against another tool node by node.
 */
import type { Argv, CommandModule } from 'yargs'
import { formatBytes, formatDistance } from '../../report/format.js'
import { renderJson, JSON_SCHEMA_VERSION } from '../../report/json.js'
import { largestObjects, objectRow } from '../../report/objects.js'
import { renderTable } from '../../report/table.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { fileArgument, jsonOption, parseTop, redactOption } from '../options.js'

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .option('n', { type: 'string', default: '50', describe: 'objects to list (0 = all)', requiresArg: true, coerce: parseTop })
    .option('json', jsonOption)
    .option('redact', redactOption)
    .example('$0 top app.heapsnapshot -n 20', 'the 20 objects that retain the most')
    .example('$0 top app.heapsnapshot -n 0 --json', 'every object, to compare with another tool')
}

export type TopArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function topCommand(ctx: CliContext): CommandModule<GlobalArgs, TopArgs> {
  return {
    command: 'top <file>',
    describe: 'The largest objects by retained size',
    builder,
    async handler(args) {
      const { snapshot: s, analysis: a } = await loadAnalyzed(args.file, ctx)
      const names = { redact: args.redact }
      const rows = largestObjects(s, a, args.n).map((n) => objectRow(s, a, n, names))
      if (args.json === true) {
        ctx.stdout.write(renderJson({ schemaVersion: JSON_SCHEMA_VERSION, command: 'top', file: args.file, totalSize: a.totalSize, objects: rows }))
        return
      }
      const cells = rows.map((r) => [
        r.name === '' ? `(${r.type})` : r.name,
        `@${r.id}`,
        r.type,
        formatBytes(r.selfSize),
        formatBytes(r.retainedSize),
        ((r.retainedSize / a.totalSize) * 100).toFixed(1) + '%',
        formatDistance(r.distance),
        `@${r.dominatorId}`,
      ])
      ctx.stdout.write(`Total size ${formatBytes(a.totalSize)}; ${rows.length} largest objects by retained size\n`)
      ctx.stdout.write(
        renderTable(
          [
            { header: 'Object', minWidth: 16 },
            { header: 'Id' },
            { header: 'Type' },
            { header: 'Shallow', align: 'right' },
            { header: 'Retained', align: 'right' },
            { header: '%', align: 'right' },
            { header: 'Distance', align: 'right' },
            { header: 'Dominator' },
          ],
          cells,
          ctx.stdout.isTTY === true && ctx.stdout.columns !== undefined ? { maxWidth: ctx.stdout.columns } : {},
        ),
      )
    },
  }
}
