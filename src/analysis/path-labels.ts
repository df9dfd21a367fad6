/**
 * How retainer paths and cycle signatures read nodes and edges: class names,
 * closures by their function, V8's structures by node name, and edge names
 * with what differs between instances (indices, ids, handle slots) elided.
 * Shared by retainer clusters (clusters.ts) and cycle groups (cycles.ts).
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import type { ClassNames } from './class-names.js'

/** Edge types per edge name in memo keys (V8 has fewer than eight). */
export const EDGE_TYPE_SLOTS = 8

/**
 * Labels of nodes and edges as path shapes read them (see the header):
 * class names, closures by function, V8's structures by node name, edge
 * names normalised. For cycle signatures (cycles.ts); memoised by string.
 */
export class PathLabels {
  private readonly edgeText = new Map<number, string>()

  constructor(
    private readonly s: Snapshot,
    private readonly classNames: ClassNames,
  ) {}

  node(n: number): string {
    const { s } = this
    const t = s.nodeType[n]
    const types = s.nodeTypes
    if (t === types.closure) return `${s.nodeName(n) || '(anonymous)'}()`
    if (t === types.synthetic || t === types.hidden || t === types.array || t === types.objectShape) {
      const name = s.nodeName(n)
      if (name !== '') return name.slice(0, 80).trim()
    }
    return this.classNames.names[this.classNames.classIndex[n]].trim()
  }

  /** `.cache`, `[]`, `{table}`: indices elided, as in cluster paths (without the dictionary-key rule). */
  edge(e: number): string {
    const { s } = this
    const t = s.edgeType[e]
    if (t === s.edgeTypes.element || t === s.edgeTypes.hidden) return '[]'
    const key = s.edgeNameOrIndex[e] * EDGE_TYPE_SLOTS + t
    let text = this.edgeText.get(key)
    if (text === undefined) {
      const name = normaliseEdgeName(s.edgeName(e))
      text = name === null ? '[]' : readEdge(s.edgeTypeName(e), name)
      this.edgeText.set(key, text)
    }
    return text
  }
}

/** An edge name with what differs between instances dropped; null for a name that is an index. */
export function normaliseEdgeName(name: string): string | null {
  if (/^\d+$/.test(name)) return null
  return name.replace(/^\d+ \/ /, '').replace(/@\d+/g, '@')
}

/** `.cache` for a property or context variable, `{table}` for an internal edge (as report/objects.ts reads edges). */
export function readEdge(edgeType: string, name: string): string {
  if (edgeType === 'property' || edgeType === 'context' || edgeType === 'shortcut') {
    return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name.slice(0, 60))}]`
  }
  if (edgeType === 'weak') return `[[${name.slice(0, 60)}]]`
  return `{${name.slice(0, 60)}}`
}
