/**
 * Naive reference algorithms for small graphs, straight from the
 * definitions, to check the fast ones against.
 */

/** A small graph: succ[v] lists v's successors (already filtered to the edges that count). */
export interface SmallGraph {
  nodeCount: number
  succ: number[][]
  root: number
}

/** Nodes reachable from `from` without passing through `removed` (when given). */
export function reachable(g: SmallGraph, from: number, removed = -1): boolean[] {
  const seen = new Array<boolean>(g.nodeCount).fill(false)
  if (from === removed) return seen
  const stack = [from]
  seen[from] = true
  while (stack.length > 0) {
    const v = stack.pop() as number
    for (const w of g.succ[v]) {
      if (w === removed || seen[w]) continue
      seen[w] = true
      stack.push(w)
    }
  }
  return seen
}

/**
 * Immediate dominators by the iterative data-flow definition:
 * Dom(root) = {root}; Dom(n) = {n} ∪ ⋂ Dom(p) over predecessors p.
 * Returns -1 for nodes the root does not reach.
 */
export function naiveImmediateDominators(g: SmallGraph): number[] {
  const reach = reachable(g, g.root)
  const n = g.nodeCount
  const pred: number[][] = Array.from({ length: n }, () => [])
  for (let v = 0; v < n; v++) for (const w of g.succ[v]) if (reach[v]) pred[w].push(v)
  const all = new Set<number>()
  for (let v = 0; v < n; v++) if (reach[v]) all.add(v)
  const dom: Set<number>[] = Array.from({ length: n }, (_, v) => (v === g.root ? new Set([v]) : new Set(all)))
  let changed = true
  while (changed) {
    changed = false
    for (let v = 0; v < n; v++) {
      if (!reach[v] || v === g.root) continue
      let meet: Set<number> | null = null
      for (const p of pred[v]) {
        if (meet === null) meet = new Set(dom[p])
        else for (const x of [...meet]) if (!dom[p].has(x)) meet.delete(x)
      }
      const next = new Set(meet ?? [])
      next.add(v)
      if (next.size !== dom[v].size) {
        dom[v] = next
        changed = true
      }
    }
  }
  // The immediate dominator is the strict dominator dominated by all others.
  return Array.from({ length: n }, (_, v) => {
    if (!reach[v]) return -1
    if (v === g.root) return v
    const strict = [...dom[v]].filter((x) => x !== v)
    return strict.find((c) => strict.every((x) => dom[c].has(x))) as number
  })
}

/** Strongly connected components by mutual reachability, each sorted, sorted by first member. */
export function naiveComponents(g: SmallGraph): number[][] {
  const reach = Array.from({ length: g.nodeCount }, (_, v) => reachable(g, v))
  const done = new Array<boolean>(g.nodeCount).fill(false)
  const out: number[][] = []
  for (let v = 0; v < g.nodeCount; v++) {
    if (done[v]) continue
    const comp = []
    for (let w = 0; w < g.nodeCount; w++) if (reach[v][w] && reach[w][v]) comp.push(w)
    for (const w of comp) done[w] = true
    out.push(comp)
  }
  return out
}

/** A labelled graph for path-shape checks: edges carry a label, nodes a class. */
export interface LabelledGraph {
  nodeCount: number
  root: number
  /** class label of each node */
  label: string[]
  /** out-edges: [target, edge label] */
  out: [number, string][][]
}

/**
 * The shapes of every shortest path from the root to each node, by
 * enumerating them all (exponential: small graphs only). A shape is the
 * list of `edge label|node label` steps after the root, with blocks of up to
 * `maxBlock` steps that come twice in a row collapsed to once (the rule of
 * clusters.ts), applied by rescanning the whole list after each step.
 */
export function naiveShortestPathShapes(g: LabelledGraph, maxBlock: number): Set<string>[] {
  const dist = new Array<number>(g.nodeCount).fill(-1)
  dist[g.root] = 0
  const queue = [g.root]
  for (let h = 0; h < queue.length; h++) {
    const v = queue[h]
    for (const [w] of g.out[v]) {
      if (dist[w] !== -1) continue
      dist[w] = dist[v] + 1
      queue.push(w)
    }
  }
  const collapse = (steps: string[]): string[] => {
    const out: string[] = []
    for (const step of steps) {
      out.push(step)
      let changed = true
      while (changed) {
        changed = false
        for (let k = 1; k <= maxBlock && 2 * k <= out.length; k++) {
          const a = out.slice(out.length - 2 * k, out.length - k).join('\n')
          const b = out.slice(out.length - k).join('\n')
          if (a === b) {
            out.length -= k
            changed = true
            break
          }
        }
      }
    }
    return out
  }
  const shapes = Array.from({ length: g.nodeCount }, () => new Set<string>())
  const walk = (v: number, steps: string[]): void => {
    shapes[v].add(collapse(steps).join(' / '))
    for (const [w, edge] of g.out[v]) {
      if (dist[w] === dist[v] + 1) walk(w, [...steps, `${edge}|${g.label[w]}`])
    }
  }
  walk(g.root, [])
  return shapes
}

/** Whether d dominates v (every path from the root to v passes d), by removing d. */
export function naiveDominates(g: SmallGraph, d: number, v: number): boolean {
  if (d === v) return true
  return !reachable(g, g.root, d)[v]
}
