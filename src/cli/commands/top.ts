/**
 * `heapscope top <file> [-n 50]`: the largest objects by retained size, with
 * DevTools' shallow size, distance and immediate dominator. `-n 0` lists
 * every object, so anyone can check us against another tool node by node.
 */
import type { Argv, CommandModule } from 'yargs'
import { JSON_SCHEMA_VERSION, jsonRows } from '../../report/json.js'
import { largestObjects, objectRows, objectTableLines } from '../../report/objects.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { writeChunks, writeJson } from '../output.js'
import { fileArgument, jsonOption, redactOption, topOption } from '../options.js'

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .option('top', topOption(50, 'objects'))
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
      const order = largestObjects(s, a, args.top)
      // Rows are made as they are written (-n 0 on a big snapshot is millions of them).
      if (args.json === true) {
        await writeJson(ctx, {
          schemaVersion: JSON_SCHEMA_VERSION,
          command: 'top',
          file: args.file,
          totalSize: a.totalSize,
          objects: jsonRows(objectRows(s, a, order, names)),
        })
        return
      }
      const maxWidth = ctx.stdout.isTTY === true ? ctx.stdout.columns : undefined
      await writeChunks(ctx.stdout, objectTableLines(s, a, order, { ...names, ...(maxWidth === undefined ? {} : { maxWidth }) }))
    },
  }
}
