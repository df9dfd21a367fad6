/**
 * What produced a snapshot (a browser renderer, Node.js, or something else),
 * read from what its root holds. Reports use it to say, for example, that a
 * Node snapshot has no DOM.
 */
import type { Snapshot } from '../snapshot/snapshot.js'

/** What produced the snapshot: a browser renderer (Chrome, Edge, Electron renderer), Node.js, Python (heapscope_snapshot.py), or unknown (e.g. Deno, d8). */
export type SnapshotKind = 'browser' | 'node' | 'python' | 'unknown'

/**
 * What produced the snapshot, from what its root holds:
 * - 'browser': the root has a `(Document DOM trees)` child, or a global
 *   object named `Window` / `Window / <url>` (Chrome, Edge, Electron renderers);
 * - 'node': the root has Node's embedder roots (`Node / Environment` and other
 *   `Node / ...` synthetic children), or a global object named `global` with a
 *   `process` property; failing both, any native or synthetic node named
 *   `Node / Environment` (e.g. a snapshot written from a worker thread);
 * - 'python': the root's children are the synthetic `(modules)` and
 *   `(immortal objects)` that python/heapscope_snapshot.py writes;
 * - else 'unknown' (Deno, d8, hand-made snapshots).
 *
 * @example
 *   detectSnapshotKind(await openSnapshot('app.heapsnapshot')) // 'node'
 */
export function detectSnapshotKind(s: Snapshot): SnapshotKind {
  const root = s.rootOrdinal
  if (s.nodeCount === 0) return 'unknown'
  const { firstEdge, edgeTarget, nodeType } = s
  const types = s.nodeTypes
  let node = false
  let pythonModules = false
  let pythonImmortals = false
  for (let e = firstEdge[root], end = firstEdge[root + 1]; e < end; e++) {
    const target = edgeTarget[e]
    const name = s.nodeName(target)
    const type = nodeType[target]
    if (name === '(Document DOM trees)') return 'browser'
    if (type === types.object || type === types.native) {
      if (name === 'Window' || name.startsWith('Window /') || name.startsWith('Window (')) return 'browser'
      if (name === 'global' && hasPropertyNamed(s, target, 'process')) node = true
    }
    if ((type === types.synthetic || type === types.native) && name.startsWith('Node / ')) node = true
    if (type === types.synthetic && name === '(modules)') pythonModules = true
    if (type === types.synthetic && name === '(immortal objects)') pythonImmortals = true
  }
  if (node) return 'node'
  if (pythonModules && pythonImmortals) return 'python'
  const environment = s.strings.indexOf('Node / Environment')
  if (environment !== -1) {
    for (let n = 0; n < s.nodeCount; n++) {
      if (s.nodeNameIndex[n] === environment && (nodeType[n] === types.synthetic || nodeType[n] === types.native)) return 'node'
    }
  }
  // Recent headless Chromium writes no Window shortcut under the root; its
  // Blink objects (native nodes named HTMLDocument, blink::...) still say browser.
  for (let n = 0; n < s.nodeCount; n++) {
    if (nodeType[n] !== types.native) continue
    const name = s.strings.get(s.nodeNameIndex[n])
    if (name === 'HTMLDocument' || name.startsWith('blink::')) return 'browser'
  }
  return 'unknown'
}

function hasPropertyNamed(s: Snapshot, n: number, property: string): boolean {
  const propertyEdge = s.edgeTypes.property
  for (let e = s.firstEdge[n], end = s.firstEdge[n + 1]; e < end; e++) {
    if (s.edgeType[e] === propertyEdge && s.strings.get(s.edgeNameOrIndex[e]) === property) return true
  }
  return false
}
