/**
 * Objects that hold each other in a loop: strongly connected components of
 * the graph of the references people write, grouped by shape, so that
 * 600,000 connection <-> socket pairs read as one row with a count.
 *
 * Which references count (the default rule, chosen on real snapshots of
 * Node and Chromium):
 * - property, element and context edges (a closure's captured variables)
 *   between non-synthetic objects, except `constructor` and `__proto__`
 *   (every class and its prototype form such a loop: language plumbing);
 * - the internal edges of closures, so that listener loops and closures
 *   that capture themselves are found: a closure's `context` edge and a
 *   context's `previous` edge (the enclosing function's scope), but not
 *   into a top-level context — the NativeContext, or a module's or script's
 *   context (one whose `previous` is the NativeContext). Every module's
 *   functions point at their module's context and the module's variables at
 *   them; counting those links glued all of a heap's modules, through their
 *   exports, into one component of ~14,000 objects (node-basic);
 * - the contents of a Map or Set (its internal `table` edge and the table's
 *   numbered slots); not a WeakMap's (its entries are weak or ephemeron
 *   edges, whose names are not numbers);
 * - never weak edges, nor the rest of the runtime's internal edges (code,
 *   shared function infos, maps, feedback, scope infos, the global object's
 *   links to its NativeContext).
 * `edgeTypes` chooses the edge types instead; `internal` among them counts
 * every internal edge (then everything falls into one component).
 *
 * Components are found by Tarjan's algorithm (R. Tarjan, "Depth-first
 * search and linear graph algorithms", SIAM J. Comput. 1(2), 1972,
 * https://doi.org/10.1137/0201010), iterative, over typed arrays. A
 * component of two or more objects, or of one that references itself, is a
 * cycle. Each cycle gets a representative: a shortest cycle through its
 * member that retains the most (a breadth-first search inside the
 * component), rotated to start at its least step so that equal loops read
 * alike. Its *signature* is that loop's shape — classes and edge names as in
 * retainer clusters (clusters.ts), indices elided — plus, when the
 * component has more objects than the loop, its class counts. Components
 * with the same signature form one group with a count.
 *
 * Groups and components are ranked by the bytes their members retain as a
 * group: what their members dominate, each byte once (the outermost members
 * on each dominator path; one sweep of the dominator tree's preorder) —
 * exact when a component has one way in, a lower bound otherwise.
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { computeClassNames, type ClassNames } from './class-names.js'
import { computeDominatorIntervals } from './dominator-intervals.js'
import { PathLabels } from './path-labels.js'
import { edgeSource } from './distances.js'
import type { EdgeBits } from './essential-edges.js'
import type { HeapAnalysis } from './heap-analysis.js'
import type { Retainers } from './retainers.js'
import { componentsOverEdges } from './scc.js'

/**
 * The edge types `findCycles` follows unless told otherwise: the references a
 * program makes (with the closures rule on top, see the header; `internal`
 * would add every internal edge and glue the heap into one component).
 *
 * @example
 *   findCycles(s, a, null, { edgeTypes: [...DEFAULT_CYCLE_EDGE_TYPES, 'internal'] })
 */
export const DEFAULT_CYCLE_EDGE_TYPES = ['property', 'element', 'context'] as const

export const DEFAULT_IGNORED_NAMES = ['constructor', '__proto__'] as const

export interface CycleOptions {
  /** edge types that make a reference (default property, element, context); weak is never used */
  edgeTypes?: readonly string[]
  /**
   * also count closures' contexts and their scope links below the top
   * level, and the contents of Maps and Sets (default true; see the header)
   */
  closures?: boolean
  /** groups and components retaining less than this many bytes are left out (default 0) */
  minRetainedSize?: number
  /** how many groups, and how many components, to describe (default 20; 0 = all) */
  top?: number
  /**
   * describe one by one (`cycles`) only the components of the group with
   * this signature, e.g. to list a group's components (the UI's Enter on a
   * group); `groups` are not affected
   */
  signature?: string
  /**
   * describe one by one (`cycles`) up to this many components of each group
   * listed in `groups` (largest retained first; 0 = all of them) instead of
   * the `top` largest overall: a caller that lists each group's components
   * (the UI's Enter on a shape) gets them all from one search
   */
  perGroup?: number
  /**
   * property names that do not count as references (default `constructor`
   * and `__proto__`: every class and its prototype form such a loop, which
   * is language plumbing, not a leak)
   */
  ignoreNames?: readonly string[]
  /** DevTools' class names, when the caller has them */
  classNames?: ClassNames
}

export interface CycleStep {
  /** node ordinal */
  from: number
  /** edge index from `from` to the next step's node */
  edge: number
}

export interface ExternalRetainer {
  /** node ordinal outside the component */
  from: number
  /** the edge into the component */
  edge: number
}

export interface Cycle {
  /** node ordinals of the component's members */
  members: number[]
  retainedSize: number
  /** member classes, most common first */
  classes: { name: string; count: number }[]
  /** a shortest cycle through the component's largest member; the last edge returns to the first node */
  path: CycleStep[]
  /** references from outside the component (not weak), up to 20 */
  externalRetainers: ExternalRetainer[]
  /** how many outside references there are in all */
  externalRetainerCount: number
  /** the signature of its group */
  signature: string
}

/** Components of the same shape. */
export interface CycleGroup {
  /** the loop's shape, `Connection .socket -> Socket .conn -> Connection`, plus the class counts when the component has more objects than the loop */
  signature: string
  /** the loop's shape alone (the signature without the class counts) */
  shape: string
  /** the same, step by step: each object's class and the edge to the next (the last returns to the first) */
  shapeSteps: { className: string; edge: string }[]
  /** whether the components have more objects than the loop (their class counts are then part of the signature) */
  largerThanLoop: boolean
  /** components with this signature */
  count: number
  /** objects in them */
  objectCount: number
  /** what the group's members retain, each byte once */
  retainedSize: number
  /** the classes of one component, most common first */
  classes: { name: string; count: number }[]
  /** the loop of the component that retains the most (its real objects, from the loop's least step) */
  path: CycleStep[]
  /** the largest member of up to 5 components, those that retain the most first */
  examples: number[]
}

export interface CycleReport {
  /** components of two or more objects (or one with a self-reference) */
  componentCount: number
  /** distinct signatures among them */
  groupCount: number
  /** by retained size, largest first (cut to `top`) */
  groups: CycleGroup[]
  /** the components that retain the most, one by one (cut to `top`) */
  cycles: Cycle[]
}

/** The edges that count as references for cycles (see the header): a bit per edge; and the nodes with a counted edge to themselves. */
export function computeCycleEdges(
  s: Snapshot,
  options: Pick<CycleOptions, 'edgeTypes' | 'closures' | 'ignoreNames'> = {},
): { edges: EdgeBits; selfReference: Uint8Array } {
  const nodeCount = s.nodeCount
  const { firstEdge, edgeTarget, edgeType, edgeNameOrIndex, nodeType, strings } = s
  const types = s.nodeTypes
  const edgeUsed = new Uint8Array(s.edgeTypeNames.length)
  for (const name of options.edgeTypes ?? DEFAULT_CYCLE_EDGE_TYPES) {
    const id = s.edgeTypeNames.indexOf(name)
    if (id >= 0 && id !== s.edgeTypes.weak) edgeUsed[id] = 1
  }
  /** 1 for the string indices of names that do not count */
  const ignored = new Uint8Array(strings.length)
  for (const name of options.ignoreNames ?? DEFAULT_IGNORED_NAMES) {
    const i = strings.indexOf(name)
    if (i >= 0) ignored[i] = 1
  }
  const element = s.edgeTypes.element
  const hidden = s.edgeTypes.hidden
  const internal = s.edgeTypes.internal
  const closures = (options.closures ?? true) && internal >= 0 && edgeUsed[internal] === 0
  const contextName = strings.indexOf('context')
  const previousName = strings.indexOf('previous')
  const tableName = strings.indexOf('table')
  const synthetic = types.synthetic
  // Contexts, and which of them are top-level: a NativeContext, or a context whose `previous` is one.
  /** per string index, as a node name: 0 unknown, 1 other, 2 a NativeContext, 3 a context */
  const nameKind = new Uint8Array(closures ? strings.length : 0)
  const kindOfName = (i: number): number => {
    if (nameKind[i] === 0) {
      const name = strings.get(i)
      nameKind[i] = name.startsWith('system / NativeContext') ? 2 : name.startsWith('system / Context') ? 3 : 1
    }
    return nameKind[i]
  }
  /** per node: 0 unknown, 1 not a context, 2 a top-level context, 3 an inner context */
  const contextKind = new Uint8Array(closures ? nodeCount : 0)
  const kindOf = (n: number): number => {
    let kind = contextKind[n]
    if (kind !== 0) return kind
    const byName = kindOfName(s.nodeNameIndex[n])
    kind = byName === 3 ? 2 : byName === 2 ? 2 : 1
    if (byName === 3) {
      for (let e = firstEdge[n]; e < firstEdge[n + 1]; e++) {
        if (edgeType[e] === internal && edgeNameOrIndex[e] === previousName) kind = kindOfName(s.nodeNameIndex[edgeTarget[e]]) === 2 ? 2 : 3
      }
    }
    contextKind[n] = kind
    return kind
  }
  // Map and Set tables: arrays an object holds through `table`; their slots are named by numbers.
  const table = new Uint8Array(closures && tableName >= 0 ? nodeCount : 0)
  if (table.length > 0) {
    for (let n = 0; n < nodeCount; n++) {
      if (nodeType[n] !== types.object) continue
      for (let e = firstEdge[n]; e < firstEdge[n + 1]; e++) {
        if (edgeType[e] === internal && edgeNameOrIndex[e] === tableName && nodeType[edgeTarget[e]] === types.array) table[edgeTarget[e]] = 1
      }
    }
  }
  /** per string index: 0 unknown, 1 a number, 2 not */
  const numeric = new Uint8Array(table.length > 0 ? strings.length : 0)
  const isNumber = (i: number): boolean => {
    if (numeric[i] === 0) numeric[i] = /^\d+$/.test(strings.get(i)) ? 1 : 2
    return numeric[i] === 1
  }
  const edges: EdgeBits = new Uint32Array((s.edgeCount + 31) >>> 5)
  const selfReference = new Uint8Array(nodeCount)
  for (let n = 0; n < nodeCount; n++) {
    const from = nodeType[n]
    if (from === synthetic) continue
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      const t = edgeType[e]
      let counts: boolean
      if (edgeUsed[t] === 1) counts = t === element || t === hidden || ignored[edgeNameOrIndex[e]] === 0
      else if (closures && t === internal) {
        const name = edgeNameOrIndex[e]
        if (name === contextName) counts = from === types.closure && kindOf(edgeTarget[e]) === 3
        else if (name === previousName) counts = kindOf(edgeTarget[e]) === 3 && kindOf(n) === 3
        else if (name === tableName) counts = table[edgeTarget[e]] === 1 && from === types.object
        else counts = table.length > 0 && table[n] === 1 && isNumber(name)
      } else continue
      if (!counts || nodeType[edgeTarget[e]] === synthetic) continue
      edges[e >>> 5] |= 1 << (e & 31)
      if (edgeTarget[e] === n) selfReference[n] = 1
    }
  }
  return { edges, selfReference }
}

/**
 * Groups of objects that hold each other in a loop, by shape (one row with a
 * count for thousands of identical loops) and one by one, largest retained
 * size first, each with a shortest loop; the single groups also with the
 * references from outside that keep them alive (through `r` when given,
 * else one pass over the edges).
 *
 * @example
 *   const report = findCycles(s, analyzeHeap(s), null, { top: 10 })
 *   report.groups[0].signature // 'Connection .socket -> Socket .conn -> Connection'
 *   report.groups[0].count     // 600000
 */
export function findCycles(s: Snapshot, a: HeapAnalysis, r: Retainers | null, options: CycleOptions = {}): CycleReport {
  const top = options.top ?? 20
  const minRetained = options.minRetainedSize ?? 0
  const nodeCount = s.nodeCount
  const { edges, selfReference } = computeCycleEdges(s, options)
  const nodeUsed = new Uint8Array(nodeCount)
  const synthetic = s.nodeTypes.synthetic
  for (let n = 0; n < nodeCount; n++) nodeUsed[n] = s.nodeType[n] === synthetic ? 0 : 1
  const { component, count } = componentsOverEdges(s, edges, nodeUsed)
  // Members of each component (CSR); a component is a cycle with 2+ members or a self-reference.
  const firstMember = new Uint32Array(count + 1)
  for (let n = 0; n < nodeCount; n++) if (component[n] >= 0) firstMember[component[n] + 1]++
  for (let c = 0; c < count; c++) firstMember[c + 1] += firstMember[c]
  const member = new Uint32Array(firstMember[count])
  const cursor = firstMember.slice(0, count)
  for (let n = 0; n < nodeCount; n++) if (component[n] >= 0) member[cursor[component[n]]++] = n
  const isCycle = (c: number): boolean => firstMember[c + 1] - firstMember[c] > 1 || selfReference[member[firstMember[c]]] === 1
  // Each cycle's loop and signature, and its group.
  const classNames = options.classNames ?? computeClassNames(s)
  const labels = new PathLabels(s, classNames)
  const finder = new LoopFinder(s, edges, component)
  const groupOf = new Int32Array(count).fill(-1)
  const groupIds = new Map<string, number>()
  const groups: {
    signature: string
    shape: string
    largerThanLoop: boolean
    components: number[]
    objectCount: number
    classes: { name: string; count: number }[]
  }[] = []
  const loops = new Map<number, CycleStep[]>()
  const anchorOf = new Uint32Array(count)
  const retainedSize = a.retainedSize
  let componentCount = 0
  for (let c = 0; c < count; c++) {
    if (!isCycle(c)) continue
    componentCount++
    // The member that retains the most anchors the loop (ties: the first by class, then ordinal).
    let anchor = member[firstMember[c]]
    for (let k = firstMember[c] + 1; k < firstMember[c + 1]; k++) {
      const n = member[k]
      if (retainedSize[n] > retainedSize[anchor]) anchor = n
    }
    anchorOf[c] = anchor
    const loop = canonicalRotation(finder.shortestLoop(anchor), labels)
    const size = firstMember[c + 1] - firstMember[c]
    const classes = size > loop.length ? classCounts(member.subarray(firstMember[c], firstMember[c + 1]), classNames) : null
    const shape = formatLoopShape(s, loop, labels)
    let signature = shape
    if (classes !== null) signature += ` in {${classes.map((k) => `${k.name} x${k.count}`).join(', ')}}`
    let g = groupIds.get(signature)
    if (g === undefined) {
      g = groups.length
      groupIds.set(signature, g)
      groups.push({
        signature,
        shape,
        largerThanLoop: classes !== null,
        components: [],
        objectCount: 0,
        classes:
          classes ??
          classCounts(
            loop.map((step) => step.from),
            classNames,
          ),
      })
    }
    groupOf[c] = g
    groups[g].components.push(c)
    groups[g].objectCount += size
    loops.set(c, loop)
  }
  // Retained sizes, each byte once, per component and per group: one sweep of the dominator tree.
  const { end, nodeAt } = computeDominatorIntervals(s, a)
  const componentRetained = new Float64Array(count)
  const groupRetained = new Float64Array(groups.length)
  const componentOpen = new Uint32Array(count)
  const groupOpen = new Uint32Array(groups.length)
  for (let p = 0; p < nodeCount; p++) {
    const n = nodeAt[p]
    const c = component[n]
    if (c < 0) continue
    const g = groupOf[c]
    if (g < 0) continue
    if (p >= componentOpen[c]) {
      componentRetained[c] += retainedSize[n]
      componentOpen[c] = end[n]
    }
    if (p >= groupOpen[g]) {
      groupRetained[g] += retainedSize[n]
      groupOpen[g] = end[n]
    }
  }
  const rankedGroups = groups
    .map((group, g) => ({ group, g }))
    .filter(({ g }) => groupRetained[g] >= minRetained)
    .sort(
      (x, y) =>
        groupRetained[y.g] - groupRetained[x.g] || y.group.components.length - x.group.components.length || (x.group.signature < y.group.signature ? -1 : 1),
    )
  const shownGroups = top > 0 ? rankedGroups.slice(0, top) : rankedGroups
  const byRetained = (x: number, y: number): number => componentRetained[y] - componentRetained[x] || x - y
  const groupList: CycleGroup[] = shownGroups.map(({ group, g }) => {
    const best = group.components.slice().sort(byRetained)
    return {
      signature: group.signature,
      shape: group.shape,
      shapeSteps: (loops.get(best[0]) ?? []).map((step) => ({ className: labels.node(step.from), edge: labels.edge(step.edge) })),
      largerThanLoop: group.largerThanLoop,
      count: group.components.length,
      objectCount: group.objectCount,
      retainedSize: groupRetained[g],
      classes: group.classes,
      path: loops.get(best[0]) ?? [],
      examples: best.slice(0, 5).map((c) => anchorOf[c]),
    }
  })
  const rankedComponents: number[] = []
  const only = options.signature === undefined ? -1 : (groupIds.get(options.signature) ?? -2)
  for (let c = 0; c < count; c++) if (groupOf[c] >= 0 && componentRetained[c] >= minRetained && (only === -1 || groupOf[c] === only)) rankedComponents.push(c)
  rankedComponents.sort((x, y) => byRetained(x, y) || firstMember[y + 1] - firstMember[y] - (firstMember[x + 1] - firstMember[x]))
  let chosen = top > 0 ? rankedComponents.slice(0, top) : rankedComponents
  const perGroup = options.perGroup
  if (perGroup !== undefined) {
    // Up to perGroup of each listed group, in the same order (largest retained first).
    const left = new Float64Array(groups.length)
    for (const { g } of shownGroups) left[g] = perGroup > 0 ? perGroup : Number.POSITIVE_INFINITY
    chosen = rankedComponents.filter((c) => left[groupOf[c]]-- > 0)
  }
  const outside = externalRetainersOf(s, r, chosen, member, firstMember, component)
  const cycles = chosen.map((c, i): Cycle => {
    const members = Array.from(member.subarray(firstMember[c], firstMember[c + 1]))
    return {
      members,
      retainedSize: componentRetained[c],
      classes: classCounts(members, classNames),
      path: loops.get(c) ?? [],
      externalRetainers: outside[i].list,
      externalRetainerCount: outside[i].count,
      signature: groups[groupOf[c]].signature,
    }
  })
  return { componentCount, groupCount: groups.length, groups: groupList, cycles }
}

/** Class counts of some nodes, most common first. */
function classCounts(nodes: ArrayLike<number>, classNames: ClassNames): { name: string; count: number }[] {
  // A count per class, reused from call to call (reset after use): no Map per component.
  const { classIndex, names } = classNames
  if (scratch === null || scratch.length < names.length) scratch = new Uint32Array(names.length)
  const counts = scratch
  const seen: number[] = []
  for (let i = 0; i < nodes.length; i++) {
    const k = classIndex[nodes[i]]
    if (counts[k]++ === 0) seen.push(k)
  }
  const out = seen.map((k) => ({ name: names[k], count: counts[k] }))
  for (const k of seen) counts[k] = 0
  return out.sort((x, y) => y.count - x.count || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
}
let scratch: Uint32Array | null = null

/**
 * References from outside each chosen component into its members (not
 * weak, up to 20 each, and their count): through the reverse index when
 * the caller has one, else in one pass over the edges for all of them.
 */
function externalRetainersOf(
  s: Snapshot,
  r: Retainers | null,
  chosen: number[],
  member: Uint32Array,
  firstMember: Uint32Array,
  component: Int32Array,
): { list: ExternalRetainer[]; count: number }[] {
  const out = chosen.map(() => ({ list: [] as ExternalRetainer[], count: 0 }))
  const weak = s.edgeTypes.weak
  const add = (i: number, from: number, e: number): void => {
    if (component[from] === chosen[i] || s.edgeType[e] === weak) return
    out[i].count++
    if (out[i].list.length < 20) out[i].list.push({ from, edge: e })
  }
  if (r !== null) {
    chosen.forEach((c, i) => {
      for (let k = firstMember[c]; k < firstMember[c + 1]; k++) {
        const n = member[k]
        for (let j = r.firstRetainer[n]; j < r.firstRetainer[n + 1]; j++) add(i, r.retainerNode[j], r.retainerEdge[j])
      }
    })
    return out
  }
  if (chosen.length === 0) return out
  // wanted[c]: 1 + the position of component c among the chosen, 0 for the others.
  let largest = 0
  for (const c of chosen) if (c > largest) largest = c
  const wanted = new Int32Array(largest + 1)
  for (let i = 0; i < chosen.length; i++) wanted[chosen[i]] = i + 1
  const { firstEdge, edgeTarget } = s
  for (let n = 0; n < s.nodeCount; n++) {
    for (let e = firstEdge[n], end = firstEdge[n + 1]; e < end; e++) {
      const c = component[edgeTarget[e]]
      if (c >= 0 && c <= largest && wanted[c] > 0) add(wanted[c] - 1, n, e)
    }
  }
  return out
}

/**
 * Shortest loops through a node inside its component: a breadth-first
 * search over the counted edges, stopping at the first edge back. Each node
 * is searched from at most once in all (it is in one component, and one
 * search runs per component), so no visited set is ever cleared.
 */
class LoopFinder {
  private readonly via: Uint32Array
  private readonly seen: Uint8Array
  private readonly queue: Uint32Array

  constructor(
    private readonly s: Snapshot,
    private readonly edges: EdgeBits,
    private readonly component: Int32Array,
  ) {
    this.via = new Uint32Array(s.nodeCount)
    this.seen = new Uint8Array(s.nodeCount)
    this.queue = new Uint32Array(s.nodeCount)
  }

  shortestLoop(anchor: number): CycleStep[] {
    const { s, edges, component, via, seen, queue } = this
    const { firstEdge, edgeTarget } = s
    const c = component[anchor]
    let head = 0
    let tail = 0
    queue[tail++] = anchor
    seen[anchor] = 1
    let closing = -1
    search: while (head < tail) {
      const v = queue[head++]
      for (let e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++) {
        if (((edges[e >>> 5] >>> (e & 31)) & 1) === 0) continue
        const w = edgeTarget[e]
        if (w === anchor) {
          closing = e
          break search
        }
        if (seen[w] === 1 || component[w] !== c) continue
        seen[w] = 1
        via[w] = e
        queue[tail++] = w
      }
    }
    if (closing < 0) return []
    const steps: CycleStep[] = []
    let e = closing
    for (;;) {
      const from = edgeSource(s, e)
      steps.push({ from, edge: e })
      if (from === anchor) break
      e = via[from]
    }
    return steps.reverse()
  }
}

/**
 * The loop rotated to start at its least step (by labels: the program's own
 * classes before closures before the runtime's structures), so equal loops
 * read alike whatever member anchored them.
 */
function canonicalRotation(loop: CycleStep[], labels: PathLabels): CycleStep[] {
  const length = loop.length
  if (length < 2 || length > 64) return loop
  // Objects of the program's own classes first, then closures, then the runtime's structures.
  const tokens = loop.map((step) => {
    const node = labels.node(step.from)
    const rank = node.endsWith('()') ? 1 : node.startsWith('(') || node.startsWith('system /') ? 2 : 0
    return `${rank}${node}\u0000${labels.edge(step.edge)}`
  })
  let best = 0
  for (let start = 1; start < length; start++) {
    for (let i = 0; i < length; i++) {
      const x = tokens[(start + i) % length]
      const y = tokens[(best + i) % length]
      if (x === y) continue
      if (x < y) best = start
      break
    }
  }
  return best === 0 ? loop : [...loop.slice(best), ...loop.slice(0, best)]
}

/** `Connection .socket -> Socket .conn -> Connection`: a loop's shape, as cluster paths read. */
export function formatLoopShape(s: Snapshot, loop: CycleStep[], labels: PathLabels): string {
  if (loop.length === 0) return '(no loop)'
  let out = labels.node(loop[0].from)
  for (const step of loop) out += ` ${labels.edge(step.edge)} -> ${labels.node(s.edgeTarget[step.edge])}`
  return out
}
