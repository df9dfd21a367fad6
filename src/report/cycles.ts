/**
 * Reports for `cycles` and `detached`. Pure: strings and plain data.
 */
import type { CycleReport, DetachedReport, RetainerPath, Snapshot } from '../index.js'
import { formatBytes, formatCount, truncate } from './format.js'
import { CLASS_NAME_MAX, clusterJson, objectCount } from './clusters.js'
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

/** `A x3, B x2, C x1, D x1 and 3 more classes`: the first four, and how many more; long names cut. */
export function formatClassList(classes: { name: string; count: number }[], shown = 4): string {
  const list = classes
    .slice(0, shown)
    .map((k) => `${truncate(k.name, CLASS_NAME_MAX)} x${formatCount(k.count)}`)
    .join(', ')
  const more = classes.length - shown
  return more > 0 ? `${list} and ${formatCount(more)} more ${more === 1 ? 'class' : 'classes'}` : list
}

/** A loop's shape for text, class names cut: `Connection .socket -> Socket .conn -> Connection`. */
export function formatLoopShapeText(steps: { className: string; edge: string }[]): string {
  if (steps.length === 0) return '(no loop)'
  const name = (k: number): string => truncate(steps[k % steps.length].className, CLASS_NAME_MAX)
  return name(0) + steps.map((step, k) => ` ${step.edge} -> ${name(k + 1)}`).join('')
}

export function cyclesJson(s: Snapshot, report: CycleReport, file: string, names: NodeNameOptions = {}) {
  return {
    schemaVersion: JSON_SCHEMA_VERSION as typeof JSON_SCHEMA_VERSION,
    command: 'cycles',
    file,
    componentCount: report.componentCount,
    groupCount: report.groupCount,
    groups: report.groups.map((g) => ({
      signature: g.signature,
      count: g.count,
      objectCount: g.objectCount,
      retainedSize: g.retainedSize,
      classes: g.classes,
      path: formatCyclePath(s, g.path, names),
      exampleIds: g.examples.map((n) => s.nodeId[n]),
    })),
    cycles: report.cycles.map((c) => ({
      size: c.members.length,
      retainedSize: c.retainedSize,
      classes: c.classes,
      path: formatCyclePath(s, c.path, names),
      pathIds: c.path.map((step) => s.nodeId[step.from]),
      signature: c.signature,
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
  const shapes = report.groupCount === 1 ? 'one shape' : `${formatCount(report.groupCount)} shapes`
  let out = `${objectCount(report.componentCount, 'group')} of objects that reference each other, of ${shapes}`
  if (report.groups.length === 0) return `${out}.\n`
  out += `; the ${report.groups.length === report.groupCount ? '' : `${report.groups.length} `}shapes that retain the most:\n`
  report.groups.forEach((g, i) => {
    const what = g.count === 1 ? '1 cycle' : `${formatCount(g.count)} cycles`
    // The class counts that complete the signature, cut: a component of 5,000 objects has dozens of classes.
    const each = g.largerThanLoop
      ? `, in ${g.count === 1 ? 'a group' : 'groups'} of ${objectCount(g.objectCount / g.count)}: ${formatClassList(g.classes)}`
      : ''
    out += `\n${i + 1}. ${what} of shape ${formatLoopShapeText(g.shapeSteps)}${each}\n`
    out += `   ${objectCount(g.objectCount)} retaining ${formatBytes(g.retainedSize)}; ${g.count === 1 ? '' : 'e.g. '}${formatCyclePath(s, g.path, names)}\n`
  })
  if (report.cycles.length === 0) return out
  out += `\nThe ${report.cycles.length} single groups that retain the most:\n`
  report.cycles.forEach((c, i) => {
    out += `\n${i + 1}. ${objectCount(c.members.length)} retaining ${formatBytes(c.retainedSize)}: ${formatClassList(c.classes)}\n`
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
    emptyTreeCount: report.emptyTreeCount,
    groups: report.groups.map((g) => ({
      name: g.name,
      count: g.count,
      detachedCount: g.nodeCount,
      retainedSize: g.retainedSize,
      totalRetainedSize: g.retainedSize * g.count,
      nodeInternal: g.nodeInternal,
      path: g.path,
      rootIds: g.roots.map((n) => s.nodeId[n]),
    })),
    trees: report.trees.map((t) => ({
      rootId: s.nodeId[t.root],
      name: t.name,
      count: t.count,
      retainedSize: t.retainedSize,
      nodeInternal: t.nodeInternal,
      retainerPath: paths.has(t.root) ? formatRetainerPath(s, paths.get(t.root) as RetainerPath, names) : null,
      retainerSteps: paths.has(t.root) ? retainerPathJson(s, paths.get(t.root) as RetainerPath, names) : [],
    })),
    clusters: report.clusters.map(clusterJson),
  }
}

export function renderDetachedText(s: Snapshot, report: DetachedReport, paths: Map<number, RetainerPath>, names: NodeNameOptions = {}): string {
  let out = ''
  if (!report.hasDom) out += 'This snapshot has no DOM (e.g. a Node.js process): only embedder objects can be detached.\n'
  const treeCount = report.trees.length + report.emptyTreeCount
  out += `${objectCount(report.detachedCount, 'detached object')} (V8 marked ${formatCount(report.v8DetachedCount)}; DevTools' propagation adds the rest) in ${objectCount(treeCount, 'tree')}`
  out += report.groups.length < report.trees.length ? ` of ${objectCount(report.groups.length, 'shape')}\n` : '\n'
  if (report.emptyTreeCount > 0) out += `${objectCount(report.emptyTreeCount, 'tree')} retaining 0 B left out (--all lists them)\n`
  if (report.detachedFiberCount > 0) out += `${formatCount(report.detachedFiberCount)} React fibers hold detached DOM nodes (stateNode)\n`
  report.groups.forEach((g, i) => {
    const internal = g.nodeInternal ? ' (a Node.js internal object, not a page leak)' : ''
    if (g.count === 1) {
      const root = g.roots[0]
      out += `\n${i + 1}. ${g.name} @${s.nodeId[root]}: ${objectCount(g.nodeCount, 'detached object')}, retaining ${formatBytes(g.retainedSize)}${internal}\n`
      const path = paths.get(root)
      out += path === undefined ? '   held only weakly or through system roots\n' : `   kept alive by: ${formatRetainerPath(s, path, names)}\n`
      return
    }
    out += `\n${i + 1}. ${formatCount(g.count)} trees ${g.name}: ${objectCount(g.nodeCount, 'detached object')} and ${formatBytes(g.retainedSize)} each, ${formatBytes(g.retainedSize * g.count)} in all${internal}\n`
    out += g.path === '' ? '   held only weakly\n' : `   kept alive by: ${g.path}\n`
    out += `   roots: ${g.roots
      .slice(0, 5)
      .map((n) => `@${s.nodeId[n]}`)
      .join(', ')}${g.count > 5 ? ', …' : ''}\n`
  })
  return out
}
