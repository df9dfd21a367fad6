/**
 * The analysis helper thread of analyzeHeapAsync. The calling thread
 * computes page ownership, half the essential edges, the DFS and the
 * semidominators; this one the other half of the essential edges, then the
 * essential retainers (the reverse CSR the semidominator pass reads) while
 * the other runs the DFS, then what needs no dominator tree: DevTools'
 * shallow sizes and, if asked, distances.
 *
 * The conversation, in order:
 *   in:  { parts, distances }
 *   in:  { pageOwned, from }        out: { type: 'essential' } (nodes from `from` on)
 *   in:  { essential } (all)        out: { type: 'retainers' }, { type: 'shallow' }, then { type: 'distances' }
 * The parser's columns and string bytes, page ownership and the edge bits
 * are SharedArrayBuffers: both threads read the same memory and nothing is
 * copied; this thread never writes what the other reads. Its results go
 * back transferred.
 */
import { parentPort, type MessagePort } from 'node:worker_threads'
import { Snapshot, type SnapshotParts } from '../snapshot/snapshot.js'
import { computeDistances } from './distances.js'
import { buildEssentialRetainers } from './dominators.js'
import { markEssentialEdges, newEdgeBits, type EdgeBits } from './essential-edges.js'
import { computeShallowSizes } from './retained-size.js'

export type HelperReply =
  | { type: 'essential'; bits: EdgeBits }
  | { type: 'shallow'; shallowSize: Uint32Array }
  | { type: 'retainers'; first: Uint32Array; from: Uint32Array }
  | { type: 'distances'; distance: Int32Array }
  | { type: 'error'; message: string; stack: string | undefined }

export interface HelperJob {
  parts: SnapshotParts
  /** whether to compute distances too (last) */
  distances: boolean
}

export interface HelperOwned {
  pageOwned: Uint8Array
  /** the first node whose essential edges the helper marks */
  from: number
}

export interface HelperEdges {
  essential: EdgeBits
}

/** Messages in arrival order: one listener for the thread's life, so none is missed between awaits. */
function inbox(port: MessagePort): () => Promise<unknown> {
  const queued: unknown[] = []
  const waiting: ((message: unknown) => void)[] = []
  port.on('message', (message: unknown) => {
    const take = waiting.shift()
    if (take === undefined) queued.push(message)
    else take(message)
  })
  return () => (queued.length > 0 ? Promise.resolve(queued.shift()) : new Promise((resolve) => waiting.push(resolve)))
}

async function serve(port: MessagePort): Promise<void> {
  const next = inbox(port)
  const send = (reply: HelperReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer)
  try {
    const { parts, distances } = (await next()) as HelperJob
    const s = new Snapshot(parts)
    const { pageOwned, from } = (await next()) as HelperOwned
    const bits = markEssentialEdges(s, pageOwned, newEdgeBits(s), from, s.nodeCount)
    send({ type: 'essential', bits })
    const { essential } = (await next()) as HelperEdges
    const { first, from: retainer } = buildEssentialRetainers(s, essential)
    send({ type: 'retainers', first, from: retainer }, [first.buffer as ArrayBuffer, retainer.buffer as ArrayBuffer])
    const shallowSize = computeShallowSizes(s)
    send({ type: 'shallow', shallowSize }, [shallowSize.buffer as ArrayBuffer])
    if (distances) {
      const distance = computeDistances(s)
      send({ type: 'distances', distance }, [distance.buffer as ArrayBuffer])
    }
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e))
    send({ type: 'error', message: error.message, stack: error.stack })
  }
  port.close()
}

if (parentPort !== null) void serve(parentPort)
