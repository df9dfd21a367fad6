/**
 * The analysis helper thread of analyzeHeapAsync. The calling thread
 * computes page ownership, half the essential edges, the DFS and the
 * semidominators; this one the other half of the essential edges, then the
 * essential retainers (the reverse CSR the semidominator pass reads) while
 * the other runs the DFS, then what needs no dominator tree: DevTools'
 * shallow sizes and, if asked, distances (with their shortest-path tree).
 *
 * The conversation, in order:
 *   in:  { type: 'job', parts, distances }  (shallowOnly: out { type: 'shallow' }, and that is all)
 *   in:  { type: 'owned', pageOwned, from }   out: { type: 'essential' } (nodes from `from` on)
 *   in:  { type: 'edges', essential } (all)   out: { type: 'retainers' }, { type: 'shallow' }, then { type: 'distances' }
 * The parser's columns and string bytes, page ownership and the edge bits
 * are SharedArrayBuffers: both threads read the same memory and nothing is
 * copied; this thread never writes what the other reads. Its results go
 * back transferred.
 */
import { Snapshot, type SnapshotParts } from '../snapshot/snapshot.js'
import { serveThread } from '../threads/worker.js'
import { computeDistanceTree } from './distances.js'
import { buildEssentialRetainers } from './dominators.js'
import { markEssentialEdges, newEdgeBits, type EdgeBits } from './essential-edges.js'
import { computeShallowSizes } from './retained-size.js'

export type HelperReply =
  | { type: 'essential'; bits: EdgeBits }
  | { type: 'shallow'; shallowSize: Uint32Array }
  | { type: 'retainers'; first: Uint32Array; from: Uint32Array }
  | { type: 'distances'; distance: Int32Array; predecessorEdge: Uint32Array }

/** What the helper is sent, in this order. */
export type HelperMessage =
  | {
      type: 'job'
      parts: SnapshotParts
      /** whether to compute distances too (last) */
      distances: boolean
      /** only DevTools' shallow sizes, for a caller that does other work meanwhile (startShallowSizes) */
      shallowOnly?: boolean
    }
  | { type: 'owned'; pageOwned: Uint8Array /** the first node whose essential edges the helper marks */; from: number }
  | { type: 'edges'; essential: EdgeBits }

serveThread<HelperMessage, HelperReply>(async (inbox, reply) => {
  const { parts, distances, shallowOnly } = await inbox.take('job')
  const s = new Snapshot(parts)
  if (shallowOnly === true) {
    const shallowSize = computeShallowSizes(s)
    reply({ type: 'shallow', shallowSize }, [shallowSize.buffer as ArrayBuffer])
    return
  }
  const { pageOwned, from } = await inbox.take('owned')
  const bits = markEssentialEdges(s, pageOwned, newEdgeBits(s), from, s.nodeCount)
  reply({ type: 'essential', bits })
  const { essential } = await inbox.take('edges')
  const { first, from: retainer } = buildEssentialRetainers(s, essential)
  reply({ type: 'retainers', first, from: retainer }, [first.buffer as ArrayBuffer, retainer.buffer as ArrayBuffer])
  const shallowSize = computeShallowSizes(s)
  reply({ type: 'shallow', shallowSize }, [shallowSize.buffer as ArrayBuffer])
  if (distances) {
    const { distance, predecessorEdge } = computeDistanceTree(s)
    reply({ type: 'distances', distance, predecessorEdge }, [distance.buffer as ArrayBuffer, predecessorEdge.buffer as ArrayBuffer])
  }
})
