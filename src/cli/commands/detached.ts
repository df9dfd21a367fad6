/**
 * `heapscope detached <file>`: DOM (and embedder) objects thrown away but
 * still referenced, grouped into detached trees with the path that keeps
 * each alive.
 */
import type { Argv, CommandModule } from 'yargs'
import { findDetachedTrees, shortestRetainerPath, type RetainerPath } from '../../index.js'
import { detachedJson, renderDetachedText } from '../../report/cycles.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { writeJson, writeText } from '../output.js'
import { fileArgument, jsonOption, redactOption, topOption } from '../options.js'

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .option('top', topOption(20, 'trees', 'shapes of trees (and, in --json, trees) to show (0 = all)'))
    .option('all', { type: 'boolean', default: false, describe: 'also list the trees that retain 0 bytes' })
    .option('json', jsonOption)
    .option('redact', redactOption)
    .example('$0 detached page.heapsnapshot', 'detached DOM trees (identical ones counted once) and what keeps them alive')
}

export type DetachedArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function detachedCommand(ctx: CliContext): CommandModule<GlobalArgs, DetachedArgs> {
  return {
    command: 'detached <file>',
    describe: 'Detached DOM trees and what keeps them alive',
    builder,
    async handler(args) {
      const { snapshot: s, analysis: a } = await loadAnalyzed(args.file, ctx)
      const report = findDetachedTrees(s, a, { includeEmpty: args.all })
      if (args.top > 0) {
        report.trees = report.trees.slice(0, args.top)
        report.groups = report.groups.slice(0, args.top)
      }
      // The path of each tree listed, and of each group's first tree.
      const paths = new Map<number, RetainerPath>()
      for (const root of [...report.trees.map((t) => t.root), ...report.groups.map((g) => g.roots[0])]) {
        const path = shortestRetainerPath(s, a, root)
        if (path !== null) paths.set(root, path)
      }
      const names = { redact: args.redact }
      if (args.json === true) await writeJson(ctx, detachedJson(s, report, paths, args.file, names))
      else await writeText(ctx, renderDetachedText(s, report, paths, names))
    },
  }
}
