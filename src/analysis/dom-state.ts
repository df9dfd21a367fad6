/**
 * Which native nodes DevTools names `Detached ...`: its `propagateDOMState`
 * (front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.ts). Native nodes
 * V8 marks detached (the `detachedness` node field), and native nodes reached
 * from them over non-weak, non-hidden edges (unless reached from an attached
 * one first), are detached. Only native nodes take a state: every entry from
 * JS into embedder code is a native node that knows its own state.
 */
import type { Snapshot } from '../snapshot/snapshot.js'

/** DOM link states, as in V8's `detachedness` node field. */
const DOM_ATTACHED = 1
const DOM_DETACHED = 2

/**
 * Which native nodes DevTools names `Detached ...` (its `propagateDOMState`):
 * 1 for node n when it is. All zeros when the snapshot has no detachedness field.
 */
export function computeDetachedNames(s: Snapshot): Uint8Array {
  const nodeCount = s.nodeCount
  const detachedName = new Uint8Array(nodeCount)
  const given = s.nodeDetachedness
  if (given === null) return detachedName
  // Node and most non-DOM snapshots have the field but no state anywhere:
  // skip the 10 bytes per node of working arrays below.
  let anyState = false
  for (let n = 0; n < nodeCount && !anyState; n++) anyState = given[n] !== 0
  if (!anyState) return detachedName
  const nativeType = s.nodeTypes.native
  const hiddenEdge = s.edgeTypes.hidden
  const weakEdge = s.edgeTypes.weak
  const invisibleEdge = s.edgeTypeNames.indexOf('invisible')
  const { nodeType, firstEdge, edgeType, edgeTarget } = s
  const state = Uint8Array.from(given)
  const visited = new Uint8Array(nodeCount)
  // Each node enters at most one stack at most once (guarded by visited).
  const attached = new Uint32Array(nodeCount)
  const detached = new Uint32Array(nodeCount)
  let attachedTop = 0
  let detachedTop = 0

  // DevTools' processNode: only native nodes take a state (every entry from
  // JS into embedder code is a native node that knows its own state).
  const processNode = (n: number, newState: number): void => {
    if (visited[n]) return
    visited[n] = 1
    if (nodeType[n] !== nativeType) return
    state[n] = newState
    if (newState === DOM_ATTACHED) attached[attachedTop++] = n
    else if (newState === DOM_DETACHED) {
      detachedName[n] = 1
      detached[detachedTop++] = n
    }
  }
  for (let n = 0; n < nodeCount; n++) {
    if (state[n] !== 0) processNode(n, state[n])
  }
  // A child of an attached node is attached...
  while (attachedTop > 0) {
    const n = attached[--attachedTop]
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      const t = edgeType[e]
      if (t !== hiddenEdge && t !== invisibleEdge && t !== weakEdge) processNode(edgeTarget[e], DOM_ATTACHED)
    }
  }
  // ...and a child of a detached node not reached from an attached one is detached.
  while (detachedTop > 0) {
    const n = detached[--detachedTop]
    if (state[n] === DOM_ATTACHED) continue
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      const t = edgeType[e]
      if (t !== hiddenEdge && t !== invisibleEdge && t !== weakEdge) processNode(edgeTarget[e], DOM_DETACHED)
    }
  }
  return detachedName
}
