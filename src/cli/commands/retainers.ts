/**
 * `heapscope retainers <file> <id> [--paths K]`: why that object is alive —
 * the shortest retainer paths from the roots, each entering the object through
 * a different retainer.
 * `heapscope retainers <file> --class NAME`: why the instances of a class are
 * alive — their shortest retainer paths grouped by shape (retainer clusters),
 * the clusters that retain the most first.
 */
import type { Argv, CommandModule } from 'yargs'
import {
  buildRetainers,
  computeClassNames,
  findClassInstances,
  findRetainerClusters,
  findRetainerPaths,
  shortestRetainerPath,
  UsageError,
} from '../../index.js'
import { clusterJson, objectCount, renderClustersText } from '../../report/clusters.js'
import { countOf, formatBytes, formatCount, formatDistance } from '../../report/format.js'
import { JSON_SCHEMA_VERSION } from '../../report/json.js'
import { dominatorChainLabels, formatRetainerPath, nodeLabel, objectRow, resolveNodeId, retainerPathJson } from '../../report/objects.js'
import type { CliContext, GlobalArgs } from '../context.js'
import { loadAnalyzed } from '../load.js'
import { writeJson, writeText } from '../output.js'
import { fileArgument, idArgument, jsonOption, numberOption, redactOption, topOption } from '../options.js'

function builder(y: Argv<GlobalArgs>) {
  return y
    .positional('file', fileArgument)
    .string('id')
    .positional('id', { ...idArgument, demandOption: false })
    .option('class', { type: 'string', describe: "all instances of a class (DevTools' Summary name), grouped by retainer path", requiresArg: true })
    .option('paths', numberOption(3, 'distinct paths to show (with an id)', { option: '--paths', unit: 'paths', min: 1 }))
    .option('top', topOption(20, 'path shapes', 'path shapes to show (with --class; 0 = all)'))
    .option('json', jsonOption)
    .option('redact', redactOption)
    .check((args) => {
      if ((args.id === undefined) === (args.class === undefined)) throw new Error('give an object id or --class NAME (one of them)')
      return true
    })
    .example('$0 retainers app.heapsnapshot 1234', 'the shortest paths from the roots to @1234')
    .example('$0 retainers app.heapsnapshot --class Map --top 5', 'the five paths that hold the most Map instances')
}

export type RetainersArgs = ReturnType<typeof builder> extends Argv<infer A> ? A : never

export function retainersCommand(ctx: CliContext): CommandModule<GlobalArgs, RetainersArgs> {
  return {
    command: 'retainers <file> [id]',
    describe: 'Why an object (or every instance of a class) is alive: retainer paths from the roots',
    builder,
    async handler(args) {
      const { snapshot: s, analysis: a } = await loadAnalyzed(args.file, ctx)
      const names = { redact: args.redact }
      if (args.class !== undefined) {
        const className = args.class
        const classNames = computeClassNames(s)
        const instances = findClassInstances(s, classNames, className)
        if (instances.length === 0) {
          const lower = className.toLowerCase()
          const similar = classNames.names.filter((name) => name.toLowerCase().includes(lower)).slice(0, 5)
          const hint = similar.length > 0 ? `; classes with similar names: ${similar.map((n) => JSON.stringify(n)).join(', ')}` : ''
          throw new UsageError(`${args.file}: no object of class ${JSON.stringify(className)}${hint}`)
        }
        const clusters = findRetainerClusters(s, a, instances, { classNames })
        const reachable = clusters.reduce((sum, c) => sum + c.count, 0)
        const shown = args.top > 0 ? clusters.slice(0, args.top) : clusters
        if (args.json === true) {
          await writeJson(ctx, {
            schemaVersion: JSON_SCHEMA_VERSION,
            command: 'retainers',
            file: args.file,
            className,
            count: instances.length,
            reachableCount: reachable,
            clusterCount: clusters.length,
            clusters: shown.map(clusterJson),
          })
          return
        }
        let out = `${objectCount(instances.length, `instance`)} of ${className}`
        if (reachable < instances.length) out += ` (${formatCount(instances.length - reachable)} held only weakly or by nothing)`
        out += `, held by ${objectCount(clusters.length, 'path shape')}:\n`
        await writeText(ctx, out + renderClustersText(clusters, args.top, '  '))
        return
      }
      const n = resolveNodeId(s, args.id as number)
      // The path the analysis found first (DevTools' distance, as clusters show), then others through other retainers.
      const first = shortestRetainerPath(s, a, n)
      const others = findRetainerPaths(s, buildRetainers(s), n, { maxPaths: Math.max(1, args.paths) })
      const lastEdge = first === null ? -1 : first.edges[first.edges.length - 1]
      const paths = first === null ? others : [first, ...others.filter((p) => p.edges[p.edges.length - 1] !== lastEdge)].slice(0, Math.max(1, args.paths))
      if (args.json === true) {
        await writeJson(ctx, {
          schemaVersion: JSON_SCHEMA_VERSION,
          command: 'retainers',
          file: args.file,
          object: objectRow(s, a, n, names),
          paths: paths.map((p) => retainerPathJson(s, p, names)),
          dominators: dominatorChainLabels(s, a, n, names),
        })
        return
      }
      let out = `${nodeLabel(s, n, names)}: retained ${formatBytes(a.retainedSize[n])}, shallow ${formatBytes(a.shallowSize[n])}, distance ${formatDistance(a.distance[n])}\n`
      if (paths.length === 0) out += 'Held by nothing but weak references: it goes at the next GC.\n'
      paths.forEach((p, i) => {
        out += `\nPath ${i + 1} (${countOf(p.edges.length, 'step')}):\n  ${formatRetainerPath(s, p, names)}\n`
      })
      out += `\nDominators (releasing any one frees it):\n  ${dominatorChainLabels(s, a, n, names).join('\n  ')}\n`
      await writeText(ctx, out)
    },
  }
}
