/**
 * Reports for `cycles` and `detached`. Pure: strings and plain data.
 */
import type { CycleReport, DetachedReport, RetainerPath, Snapshot } from '../index.js'
import { formatBytes, formatCount } from './format.js'
import { JSON_SCHEMA_VERSION } from './json.js'
import { edgeLabel, formatRetainerPath, nodeLabel, retainerPathJson } from './objects.js'
import type { NodeNameOptions } from './node-name.js'

/** `Node@12 .next -> Node@15 .prev -> Node@12` */
export function formatCyclePath(s: Snapshot, path: { from: number; edge: number }[], names: NodeNameOptions = {}): string {
  if (path.length === 0) return '(no cycle found within the sampled part)'
  let out = nodeLabel(s, path[0].from, names)
  for (const step of path) out += ` ${edgeLabel(s, step.edge)} -> ${nodeLabel(s, s.edgeTarget[step.edge], names)}`
  return out
}

export function cyclesJson(s: Snapshot, report: CycleReport, file: string, names: NodeNameOptions = {}) {
  return {
    schemaVersion: JSON_SCHEMA_VERSION as typeof JSON_SCHEMA_VERSION,
    command: 'cycles',
    file,
    componentCount: report.componentCount,
    cycles: report.cycles.map((c) => ({
      size: c.members.length,
      retainedSize: c.retainedSize,
      classes: c.classes,
      path: formatCyclePath(s, c.path, names),
      pathIds: c.path.map((step) => s.nodeId[step.from]),
      externalRetainerCount: c.externalRetainerCount,
      externalRetainers: c.externalRetainers.map((x) => ({
        from: s.nodeId[x.from],
        fromName: nodeLabel(s, x.from, names),
        edge: s.edgeName(x.edge),
        edgeType: s.edgeTypeName(x.edge),
        to: s.nodeId[s.edgeTarget[x.edge]],
      })),
    })),
  }
}

export function renderCyclesText(s: Snapshot, report: CycleReport, names: NodeNameOptions = {}): string {
  let out = `${formatCount(report.componentCount)} groups of objects that reference each other; the ${report.cycles.length} that retain the most:\n`
  report.cycles.forEach((c, i) => {
    out += `\n${i + 1}. ${formatCount(c.members.length)} objects retaining ${formatBytes(c.retainedSize)}: ${c.classes
      .slice(0, 4)
      .map((k) => `${k.name} x${formatCount(k.count)}`)
      .join(', ')}\n`
    out += `   cycle: ${formatCyclePath(s, c.path, names)}\n`
    if (c.externalRetainerCount === 1) {
      const x = c.externalRetainers[0]
      out += `   held from outside only by ${nodeLabel(s, x.from, names)} ${edgeLabel(s, x.edge)}: removing or weakening that reference frees ${formatBytes(c.retainedSize)}\n`
    } else if (c.externalRetainerCount > 1) {
      out += `   held from outside by ${formatCount(c.externalRetainerCount)} references, e.g. ${c.externalRetainers
        .slice(0, 3)
        .map((x) => `${nodeLabel(s, x.from, names)} ${edgeLabel(s, x.edge)}`)
        .join('; ')}\n`
    } else {
      out += '   nothing outside references it (it is held only through system roots or weakly)\n'
    }
  })
  return out
}

export function detachedJson(s: Snapshot, report: DetachedReport, paths: Map<number, RetainerPath>, file: string, names: NodeNameOptions = {}) {
  return {
    schemaVersion: JSON_SCHEMA_VERSION as typeof JSON_SCHEMA_VERSION,
    command: 'detached',
    file,
    hasDom: report.hasDom,
    detachedCount: report.detachedCount,
    v8DetachedCount: report.v8DetachedCount,
    detachedFiberCount: report.detachedFiberCount,
    trees: report.trees.map((t) => ({
      rootId: s.nodeId[t.root],
      name: t.name,
      count: t.count,
      retainedSize: t.retainedSize,
      nodeInternal: t.nodeInternal,
      retainerPath: paths.has(t.root) ? formatRetainerPath(s, paths.get(t.root) as RetainerPath, names) : null,
      retainerSteps: paths.has(t.root) ? retainerPathJson(s, paths.get(t.root) as RetainerPath, names) : [],
    })),
  }
}

export function renderDetachedText(s: Snapshot, report: DetachedReport, paths: Map<number, RetainerPath>, names: NodeNameOptions = {}): string {
  let out = ''
  if (!report.hasDom) out += 'This snapshot has no DOM (e.g. a Node.js process): only embedder objects can be detached.\n'
  out += `${formatCount(report.detachedCount)} detached objects (V8 marked ${formatCount(report.v8DetachedCount)}; DevTools' propagation adds the rest) in ${formatCount(report.trees.length)} trees\n`
  if (report.detachedFiberCount > 0) out += `${formatCount(report.detachedFiberCount)} React fibers hold detached DOM nodes (stateNode)\n`
  report.trees.forEach((t, i) => {
    out += `\n${i + 1}. ${t.name} @${s.nodeId[t.root]}: ${formatCount(t.count)} detached objects, retaining ${formatBytes(t.retainedSize)}${t.nodeInternal ? ' (a Node.js internal object, not a page leak)' : ''}\n`
    const path = paths.get(t.root)
    out += path === undefined ? '   held only weakly or through system roots\n' : `   kept alive by: ${formatRetainerPath(s, path, names)}\n`
  })
  return out
}
