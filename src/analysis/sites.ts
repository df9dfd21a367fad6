/**
 * Where an object was allocated, from allocation tracking: node n's
 * `trace_node_id` names a node of `trace_tree`, whose function info gives the
 * allocating function, script, line and column (1-based, 0 = unknown); its
 * path to the top of the tree is the allocation stack. An inlined
 * constructor's allocations are credited to its caller, as V8 records them.
 *
 * The site people can act on (`actionableTrace`): an allocation made inside
 * a builtin — a frame without a script, such as `join`, `split` or
 * `Map.prototype.set` — is credited to the nearest caller that has a script,
 * since that is the code that can change; the builtin stays in the stack.
 * V8 positions are those of the function's definition, not of the
 * allocating line.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import type { OriginalPosition } from './locations.js'

/** An allocation site: one frame. */
export interface AllocationSite {
  functionName: string
  scriptName: string
  /** 1-based; 0 = unknown */
  line: number
  /** 1-based; 0 = unknown */
  column: number
  /** the function's position in the original source, when a source map was found */
  original?: OriginalPosition
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
 * A site as people read it: `fn script:line:column` (the original source's position when a source map gave one).
 *
 * @example
 *   formatSite(traceSite(s, allocationTraceOf(s, n))) // 'leak /app/a.js:24:3'
 */
export function formatSite(site: AllocationSite): string {
  const o = site.original
  if (o !== undefined) return `${site.functionName} ${o.source}:${o.line}:${o.column}`
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

/**
 * The trace-tree position to credit for an allocation at t: t itself when its
 * function has a script, else its nearest ancestor whose function has one
 * (the caller of the builtin that allocated); t when no frame has a script.
 *
 * @example
 *   traceSite(s, actionableTrace(s, allocationTraceOf(s, n))).functionName // 'recordSession', not 'split'
 */
export function actionableTrace(s: Snapshot, t: number): number {
  const tree = s.traceTree
  const infos = s.traceFunctionInfos
  if (tree === null || infos === null || t < 0) return t
  for (let u = t; u >= 0 && tree.parent[u] >= 0; u = tree.parent[u]) {
    const f = tree.functionInfoIndex[u]
    if (f < infos.count && s.strings.get(infos.scriptName[f]) !== '') return u
  }
  return t
}

/**
 * Node n's allocation stack, innermost frame first (empty without a trace).
 *
 * @example
 *   allocationStackOf(s, n)[0] // { functionName: 'leakSomeThings', scriptName: '/app/leaky-app.cjs', line: 24, column: 24 }
 */
export function allocationStackOf(s: Snapshot, n: number): AllocationSite[] {
  const t = allocationTraceOf(s, n)
  return t < 0 ? [] : traceStack(s, t)
}
