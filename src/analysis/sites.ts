/**
 * Where an object was allocated, from allocation tracking: node n's
 * `trace_node_id` names a node of `trace_tree`, whose function info gives the
 * allocating function, script, line and column (1-based, 0 = unknown); its
 * path to the top of the tree is the allocation stack. An inlined
 * constructor's allocations are credited to its caller, as V8 records them.
 */
import type { Snapshot } from '../snapshot/snapshot.js'

/** An allocation site: one frame. */
export interface AllocationSite {
  functionName: string
  scriptName: string
  /** 1-based; 0 = unknown */
  line: number
  /** 1-based; 0 = unknown */
  column: number
}

/**
 * The function, script, line and column of trace-tree position t (from
 * `allocationTraceOf`); `(unknown)` when the snapshot has no allocation traces.
 *
 * @example
 *   traceSite(s, allocationTraceOf(s, n)) // { functionName: 'leak', scriptName: '/app/a.js', line: 24, column: 3 }
 */
export function traceSite(s: Snapshot, t: number): AllocationSite {
  const infos = s.traceFunctionInfos
  const tree = s.traceTree
  if (infos === null || tree === null || t < 0) return { functionName: '(unknown)', scriptName: '', line: 0, column: 0 }
  const f = tree.functionInfoIndex[t]
  if (f >= infos.count) return { functionName: '(root)', scriptName: '', line: 0, column: 0 }
  return {
    functionName: s.strings.get(infos.name[f]) || '(anonymous)',
    scriptName: s.strings.get(infos.scriptName[f]),
    line: infos.line[f],
    column: infos.column[f],
  }
}

/**
 * A site as people read it: `fn script:line:column`.
 *
 * @example
 *   formatSite(traceSite(s, allocationTraceOf(s, n))) // 'leak /app/a.js:24:3'
 */
export function formatSite(site: AllocationSite): string {
  const where = site.scriptName === '' ? '' : ` ${site.scriptName}${site.line > 0 ? `:${site.line}${site.column > 0 ? `:${site.column}` : ''}` : ''}`
  return `${site.functionName}${where}`
}

/**
 * The allocation stack of trace-tree position t, innermost frame first.
 *
 * @example
 *   traceStack(s, allocationTraceOf(s, n)).map(formatSite) // ['leak /app/a.js:24:3', 'main /app/a.js:40:1']
 */
export function traceStack(s: Snapshot, t: number): AllocationSite[] {
  const tree = s.traceTree
  const out: AllocationSite[] = []
  if (tree === null) return out
  for (let u = t; u >= 0 && tree.parent[u] >= 0; u = tree.parent[u]) out.push(traceSite(s, u))
  return out
}

/**
 * The trace-tree position of node n's allocation, or -1 when it has none
 * (snapshots taken without allocation tracking have none).
 *
 * @example
 *   const t = allocationTraceOf(s, n)
 *   if (t >= 0) console.log(formatSite(traceSite(s, t)))
 */
export function allocationTraceOf(s: Snapshot, n: number): number {
  const ids = s.nodeTraceNodeId
  if (ids === null || ids[n] === 0) return -1
  return s.traceIndexOf(ids[n])
}
