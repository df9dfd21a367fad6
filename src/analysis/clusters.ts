/**
 * Retainer clusters: a set of objects (the new objects of a diff group, the
 * instances of a class, the detached nodes) grouped by the shape of their
 * shortest retainer path, so that 6,000 cache entries held by one Map read
 * as one line with a count instead of 6,000 paths.
 *
 * The path of each object is the one DevTools' distances count: the
 * distance search (distances.ts) records the edge each node was first
 * reached by (`predecessorEdge`), through user roots where there is one, so
 * every object's path is a walk up that tree: one search from the roots
 * serves every object, where memlab searches a path per object and then
 * clusters the paths by similarity. The *shape* of a path is its sequence of
 * steps, a step being (how the edge reads, the class of the object it leads
 * to), with what differs between instances elided:
 * - element and hidden indices, and internal edges named by a number (a
 *   Map's table slots), read `[]`;
 * - property names that look like keys — with a digit, or not an
 *   identifier (`cache['req-17']`, `require.cache['/app/lib/a.js']`) — of
 *   an object V8 keeps as a dictionary or that has DICTIONARY_MIN_KEYS such
 *   names, read `[*]`: they are keys, not fields (symbols stay, and so do
 *   identifiers, as the global object's variables);
 * - node ids inside edge names (`@123`, WeakMap entries) and the slot
 *   number before `/` in handle names (`4 / V8PerContextData::context_`)
 *   are dropped.
 * Classes are DevTools' Summary names (class-names.ts), except closures,
 * named by their function (`onTick()`), and V8's internal arrays and
 * structures, named by their node name (`(object elements)`,
 * `system / NativeContext`).
 *
 * Recursive structures (a linked list, a tree) would give each depth a shape
 * of its own. So a block of up to MAX_LOOP_STEPS steps that comes twice in a
 * row counts once, and the shape says that its block repeats, shown as
 * `( ... )+`: `List .head -> Node (.next -> Node)+` is every node of the list
 * after the head, `Tree .root -> Node (.children -> Array [] -> Node)+` every
 * node of the tree below the root (the children arrays below the first level
 * are a second cluster: their paths end half-way through a block). Only
 * whole blocks: a step seen a few steps back is not enough (closures and
 * their contexts alternate on many paths that are not recursive).
 *
 * Shapes are hashed walking up once per object, memoised per node: objects
 * that share a parent share the rest of the path, so clustering any set of
 * objects costs at most one step per node of the heap. A shape is an entry
 * (parent shape, step) of a table of pairs (pair-table.ts), so equal shapes
 * are equal integers.
 *
 * Retained size is counted once per cluster: a member counts only when no
 * other member of its cluster dominates it, found in one sweep of the
 * dominator tree's preorder (a member is nested when its preorder position
 * falls inside the interval of the last counted member).
 */
import type { Snapshot } from '../snapshot/snapshot.js'
import { computeClassNames, type ClassNames } from './class-names.js'
import { edgeSource, NO_PREDECESSOR } from './distances.js'
import type { HeapAnalysis } from './heap-analysis.js'
import { computeDominatorIntervals, type DominatorIntervals } from './dominator-intervals.js'
import { ABSENT, IntColumn, PairTable } from './pair-table.js'
import { EDGE_TYPE_SLOTS, normaliseEdgeName, readEdge } from './path-labels.js'

/** The longest block of steps that collapses when it repeats (see the header). */
export const MAX_LOOP_STEPS = 4
/** An object with this many property names that look like keys (see the header) is a dictionary. */
export const DICTIONARY_MIN_KEYS = 8

/** One step of a cluster's path: the edge taken and the class of the object it leads to. */
export interface ClusterStep {
  /** how the edge reads: `.cache`, `[]`, `{table}`, `[*]`; '' for the first step (the edge from the root) */
  edge: string
  /** the edge's type: property, element, context, internal, hidden, shortcut */
  edgeType: string
  /** the class of the object reached (DevTools' Summary name; `name()` for a closure) */
  className: string
  /**
   * set when the last `repeat` steps, ending with this one, stand for one or
   * more repetitions of themselves (a recursive structure: see MAX_LOOP_STEPS)
   */
  repeat?: number
}

/** Objects of a set that share the shape of their shortest retainer path. */
export interface RetainerCluster {
  /** objects of the set with this path shape */
  count: number
  /** their shallow sizes (DevTools', after the redistribution of owned arrays), bytes */
  selfSize: number
  /** what they retain, each byte once: the retained sizes of the members no other member of the cluster dominates */
  retainedSize: number
  /** the shape as one line: `global .cache -> Map {table} -> (array) [] -> Entry` */
  path: string
  steps: ClusterStep[]
  /** ids of the members that retain the most (up to `examples`) */
  exampleIds: number[]
  /** their ordinals */
  examples: number[]
}

export interface RetainerClusterOptions {
  /** DevTools' class names, when the caller has them (computed otherwise) */
  classNames?: ClassNames
  /** shapes already hashed for this snapshot and analysis: reuse them across calls */
  shapes?: RetainerShapes
  /** example members per cluster (default 5) */
  examples?: number
}

// Node labels: the kind in the low two bits, the index above.
const LABEL_CLASS = 0 // a DevTools class index
const LABEL_CLOSURE = 1 // a closure's name (string index)
const LABEL_NAME = 2 // a node name (string index)
// Edge keys: small constants, or (normalised name id + 3) * EDGE_TYPE_SLOTS + edge type.
const EDGE_INDEX = 0
const EDGE_KEY = 1
/** the edge from the root to the path's first object, whatever its name (an index, or `global` in some snapshots) */
const EDGE_FROM_ROOT = 2
/** nodeShape: not hashed yet */
const UNKNOWN = -1
/** nodeShape: no path from the root (unreachable, or held only weakly) */
const NO_PATH = -2
/** the shape of the root itself: the empty path */
const ROOT_SHAPE = 0

/**
 * The path shapes of a snapshot's nodes, hashed when first asked for and
 * remembered: one per analysed snapshot serves any number of sets (a UI
 * asking for the clusters of one class after another).
 *
 * @example
 *   const shapes = new RetainerShapes(s, a)
 *   shapes.path(shapes.shapeOf(n)) // 'global .cache -> Map {table} -> (array) [] -> Entry'
 */
export class RetainerShapes {
  readonly classNames: ClassNames
  private readonly s: Snapshot
  private readonly a: HeapAnalysis
  private readonly nodeShape: Int32Array
  /** (parent shape, step) -> shape; a step that closes a loop maps to an earlier shape */
  private readonly extensions = new PairTable(4096)
  /** (edge key, node label) -> step */
  private readonly stepIds = new PairTable(1024)
  private readonly stepEdge = new IntColumn()
  private readonly stepLabel = new IntColumn()
  /** an example edge of each step, to show it */
  private readonly stepExampleEdge = new IntColumn()
  private readonly shapeParent = new IntColumn()
  private readonly shapeStep = new IntColumn()
  /** how many of the shape's last steps repeated for some path (a block seen twice in a row), or 0 */
  private readonly shapeRepeat = new IntColumn()
  /** normalised edge name id + 3 of a string index; 0 = not seen; 1 = an index (all digits) */
  private readonly nameKey: Int32Array
  private readonly normalisedIds = new Map<string, number>()
  /** per string index: 0 unknown, 1 looks like a key (see isKeyLike), 2 not */
  private readonly nameKeyLike: Uint8Array
  /** per node: 0 unknown, 1 dictionary-like (see isDictionary), 2 not */
  private readonly dictionaryState: Uint8Array
  /** string indices of `properties` and `(object properties)` (V8's dictionary-mode property table), or -1 */
  private readonly propertiesName: number
  private readonly dictionaryName: number
  /** each step as shown, made when first shown */
  private readonly described: (ClusterStep | undefined)[] = []
  private intervals: DominatorIntervals | null = null

  constructor(s: Snapshot, a: HeapAnalysis, classNames?: ClassNames) {
    this.s = s
    this.a = a
    this.classNames = classNames ?? computeClassNames(s)
    this.nodeShape = new Int32Array(s.nodeCount).fill(UNKNOWN)
    this.nameKey = new Int32Array(s.strings.length)
    this.nameKeyLike = new Uint8Array(s.strings.length)
    this.dictionaryState = new Uint8Array(s.nodeCount)
    this.propertiesName = s.strings.indexOf('properties')
    this.dictionaryName = s.strings.indexOf('(object properties)')
    // Shape 0: the root's empty path.
    this.shapeParent.push(-1)
    this.shapeStep.push(-1)
    this.shapeRepeat.push(0)
    this.nodeShape[s.rootOrdinal] = ROOT_SHAPE
  }

  /** The snapshot and analysis these shapes were hashed from. */
  isFor(s: Snapshot, a: HeapAnalysis): boolean {
    return this.s === s && this.a.predecessorEdge === a.predecessorEdge
  }

  /** Node n's path shape, or -1 when nothing but weak references (or nothing) holds it. The root's is the empty path. */
  shapeOf(n: number): number {
    const known = this.nodeShape[n]
    if (known !== UNKNOWN) return known === NO_PATH ? -1 : known
    const { s, nodeShape } = this
    const predecessorEdge = this.a.predecessorEdge
    // Walk up to a node whose shape is known, then hash back down.
    const pending: number[] = []
    let m = n
    let top: number
    for (;;) {
      const e = predecessorEdge[m]
      if (e === NO_PREDECESSOR) {
        nodeShape[m] = NO_PATH
        top = NO_PATH
        break
      }
      pending.push(m)
      m = edgeSource(s, e)
      if (nodeShape[m] !== UNKNOWN) {
        top = nodeShape[m]
        break
      }
    }
    for (let i = pending.length - 1; i >= 0; i--) {
      const node = pending[i]
      if (top === NO_PATH) {
        nodeShape[node] = NO_PATH
        continue
      }
      top = this.extend(top, this.stepOf(predecessorEdge[node], node, top === ROOT_SHAPE))
      nodeShape[node] = top
    }
    return top === NO_PATH ? -1 : top
  }

  /** The steps of a shape, from the first after the root. */
  steps(shape: number): ClusterStep[] {
    const chain: number[] = []
    for (let h = shape; h > ROOT_SHAPE; h = this.shapeParent.data[h]) chain.push(h)
    chain.reverse()
    return chain.map((h, i) => {
      const step = this.describeStep(this.shapeStep.data[h], i === 0)
      const repeat = this.shapeRepeat.data[h]
      if (repeat > 0) step.repeat = repeat
      return step
    })
  }

  /** A shape as one line: `Window .cache -> Map {table} -> (array) [] -> Entry`. */
  path(shape: number): string {
    return formatClusterSteps(this.steps(shape))
  }

  /** The dominator tree's preorder intervals, computed once. */
  dominatorIntervals(): DominatorIntervals {
    this.intervals ??= computeDominatorIntervals(this.s, this.a)
    return this.intervals
  }

  /** The shape of the path `parent` followed by `step`. */
  private extend(parent: number, step: number): number {
    const known = this.extensions.get(parent, step)
    if (known !== ABSENT) return known
    // The path's last steps, newest first: this step, then the parent's chain.
    const { shapeParent, shapeStep, shapeRepeat } = this
    const last = [step]
    for (let h = parent; h > ROOT_SHAPE && last.length < 2 * MAX_LOOP_STEPS; h = shapeParent.data[h]) last.push(shapeStep.data[h])
    let result = -1
    for (let k = 1; k <= MAX_LOOP_STEPS && 2 * k <= last.length; k++) {
      let repeats = true
      for (let i = 0; i < k && repeats; i++) repeats = last[i] === last[i + k]
      if (!repeats) continue
      // The last k steps repeat the k before them: the path is its shape without them.
      result = parent
      for (let i = 1; i < k; i++) result = shapeParent.data[result]
      if (shapeRepeat.data[result] < k) shapeRepeat.data[result] = k
      break
    }
    if (result < 0) {
      result = shapeParent.push(parent)
      shapeStep.push(step)
      shapeRepeat.push(0)
    }
    this.extensions.set(parent, step, result)
    return result
  }

  private stepOf(e: number, n: number, fromRoot: boolean): number {
    const edge = fromRoot ? EDGE_FROM_ROOT : this.edgeKey(e)
    const label = this.labelOf(n)
    let step = this.stepIds.get(edge, label)
    if (step === ABSENT) {
      step = this.stepEdge.push(edge)
      this.stepLabel.push(label)
      this.stepExampleEdge.push(e)
      this.stepIds.set(edge, label, step)
    }
    return step
  }

  private labelOf(n: number): number {
    const { s } = this
    const t = s.nodeType[n]
    const types = s.nodeTypes
    if (t === types.closure) return ((s.nodeNameIndex[n] << 2) | LABEL_CLOSURE) >>> 0
    if (t === types.synthetic || t === types.hidden || t === types.array || t === types.objectShape) {
      if (s.strings.get(s.nodeNameIndex[n]) !== '') return ((s.nodeNameIndex[n] << 2) | LABEL_NAME) >>> 0
    }
    return ((this.classNames.classIndex[n] << 2) | LABEL_CLASS) >>> 0
  }

  private edgeKey(e: number): number {
    const { s } = this
    const t = s.edgeType[e]
    if (t === s.edgeTypes.element || t === s.edgeTypes.hidden) return EDGE_INDEX
    const nameIndex = s.edgeNameOrIndex[e]
    let key = this.nameKey[nameIndex]
    if (key === 0) {
      const normalised = normaliseEdgeName(s.strings.get(nameIndex))
      if (normalised === null) key = 1
      else {
        let id = this.normalisedIds.get(normalised)
        if (id === undefined) {
          id = this.normalisedIds.size
          this.normalisedIds.set(normalised, id)
        }
        key = id + 3
      }
      this.nameKey[nameIndex] = key
    }
    if (key === 1) return EDGE_INDEX
    if (t === s.edgeTypes.property && this.isKeyLike(nameIndex) && this.isDictionary(edgeSource(s, e))) return EDGE_KEY
    return (key * EDGE_TYPE_SLOTS + t) >>> 0
  }

  /** A property name with a digit, or that is not an identifier (a symbol is neither). */
  private isKeyLike(nameIndex: number): boolean {
    let state = this.nameKeyLike[nameIndex]
    if (state === 0) {
      const name = this.s.strings.get(nameIndex)
      state = !name.startsWith('<symbol ') && (/\d/.test(name) || !/^[A-Za-z_$][\w$]*$/.test(name)) ? 1 : 2
      this.nameKeyLike[nameIndex] = state
    }
    return state === 1
  }

  /**
   * Whether n's property names are keys rather than fields: V8 keeps it in
   * dictionary mode (its `properties` are an `(object properties)` table),
   * or it has DICTIONARY_MIN_KEYS or more property names that look like keys.
   */
  private isDictionary(n: number): boolean {
    let state = this.dictionaryState[n]
    if (state === 0) {
      const { s } = this
      const property = s.edgeTypes.property
      const internal = s.edgeTypes.internal
      let keys = 0
      let dictionary = false
      for (let e = s.firstEdge[n], end = s.firstEdge[n + 1]; e < end && !dictionary; e++) {
        const t = s.edgeType[e]
        if (t === property && this.isKeyLike(s.edgeNameOrIndex[e])) dictionary = ++keys >= DICTIONARY_MIN_KEYS
        else if (t === internal && s.edgeNameOrIndex[e] === this.propertiesName && s.nodeNameIndex[s.edgeTarget[e]] === this.dictionaryName) dictionary = true
      }
      state = dictionary ? 1 : 2
      this.dictionaryState[n] = state
    }
    return state === 1
  }

  /** Step `step` as shown (a copy: callers mark repeats on it). */
  private describeStep(step: number, first: boolean): ClusterStep {
    const key = 2 * step + (first ? 1 : 0)
    let described = this.described[key]
    if (described === undefined) {
      described = this.describeStepOnce(step, first)
      this.described[key] = described
    }
    return { ...described }
  }

  private describeStepOnce(step: number, first: boolean): ClusterStep {
    const { s } = this
    const e = this.stepExampleEdge.data[step]
    const edge = this.stepEdge.data[step]
    const label = this.stepLabel.data[step] >>> 0
    const kind = label & 3
    const index = label >>> 2
    const className =
      kind === LABEL_CLOSURE
        ? `${s.strings.get(index) || '(anonymous)'}()`
        : kind === LABEL_NAME
          ? s.strings.get(index).slice(0, 80).trim()
          : this.classNames.names[index].trim()
    let edgeText: string
    if (first) edgeText = ''
    else if (edge === EDGE_INDEX) edgeText = '[]'
    else if (edge === EDGE_KEY) edgeText = '[*]'
    else edgeText = readEdge(s.edgeTypeName(e), normaliseEdgeName(s.edgeName(e)) ?? '')
    return { edge: edgeText, edgeType: s.edgeTypeName(e), className }
  }
}

/** Cluster steps as one line; steps that repeat read `( ... )+`. */
export function formatClusterSteps(steps: ClusterStep[]): string {
  if (steps.length === 0) return '(root)'
  // Where each repeated block opens; a block overlapping one already open is not marked.
  const opens = new Array<number>(steps.length).fill(0)
  const closes = new Array<boolean>(steps.length).fill(false)
  let free = 0
  steps.forEach((step, i) => {
    const k = step.repeat ?? 0
    if (k > 0 && i - k + 1 >= free) {
      opens[i - k + 1]++
      closes[i] = true
      free = i + 1
    }
  })
  let out = ''
  steps.forEach((step, i) => {
    const text = i === 0 ? step.className : `${step.edge} -> ${step.className}`
    out += (i === 0 ? '' : ' ') + '('.repeat(opens[i]) + text + (closes[i] ? ')+' : '')
  })
  return out
}

/**
 * The retainer clusters of a set of objects, largest retained first. Objects
 * that nothing but weak references hold (no path from the roots) are in no
 * cluster: the counts add up to the set's reachable objects.
 *
 * @example
 *   const clusters = findRetainerClusters(s, a, instancesOf(s, 'Entry'))
 *   clusters[0].path  // 'global .cache -> Map {table} -> (array) [] -> Entry'
 *   clusters[0].count // 6000
 */
export function findRetainerClusters(s: Snapshot, a: HeapAnalysis, objects: ArrayLike<number>, options: RetainerClusterOptions = {}): RetainerCluster[] {
  const groupOf = new Int32Array(s.nodeCount).fill(-1)
  for (let i = 0; i < objects.length; i++) groupOf[objects[i]] = 0
  return findRetainerClustersByGroup(s, a, groupOf, 1, options)[0]
}

/**
 * Retainer clusters of many sets at once (the groups of a diff): node n
 * belongs to set groupOf[n] (-1: none). One pass over the heap for all.
 *
 * @example
 *   const [clustersOfGroup0, clustersOfGroup1] = findRetainerClustersByGroup(s, a, groupOf, 2)
 */
export function findRetainerClustersByGroup(
  s: Snapshot,
  a: HeapAnalysis,
  groupOf: Int32Array,
  groupCount: number,
  options: RetainerClusterOptions = {},
): RetainerCluster[][] {
  const given = options.shapes
  const shapes = given?.isFor(s, a) ? given : new RetainerShapes(s, a, options.classNames)
  const exampleCount = options.examples ?? 5
  const nodeCount = s.nodeCount
  const clusterOf = new Int32Array(nodeCount).fill(-1)
  const clusterIds = new PairTable()
  const clusterGroup = new IntColumn()
  const clusterShape = new IntColumn()
  const counts: number[] = []
  const selfSizes: number[] = []
  const shallow = a.shallowSize
  for (let n = 0; n < nodeCount; n++) {
    const g = groupOf[n]
    if (g < 0) continue
    const shape = shapes.shapeOf(n)
    if (shape < 0 || n === s.rootOrdinal) continue
    let c = clusterIds.get(g, shape)
    if (c === ABSENT) {
      c = clusterGroup.push(g)
      clusterShape.push(shape)
      counts.push(0)
      selfSizes.push(0)
      clusterIds.set(g, shape, c)
    }
    clusterOf[n] = c
    counts[c]++
    selfSizes[c] += shallow[n]
  }
  const clusterCount = clusterGroup.length
  // Retained sizes, each byte once: sweep the dominator tree in preorder.
  const { end, nodeAt } = shapes.dominatorIntervals()
  const retained = new Float64Array(clusterCount)
  const openUntil = new Uint32Array(clusterCount)
  // The members that retain the most: exampleCount slots per cluster, largest first (ties: smaller id).
  const slots = Math.max(1, exampleCount)
  const example = new Int32Array(clusterCount * slots)
  const exampleFill = new Uint8Array(clusterCount)
  const r = a.retainedSize
  const ids = s.nodeId
  const before = (x: number, y: number): boolean => r[x] > r[y] || (r[x] === r[y] && ids[x] < ids[y])
  for (let p = 0; p < nodeCount; p++) {
    const n = nodeAt[p]
    const c = clusterOf[n]
    if (c < 0) continue
    const base = c * slots
    const fill = exampleFill[c]
    if (exampleCount > 0 && (fill < slots || before(n, example[base + fill - 1]))) {
      let k = fill < slots ? fill : slots - 1
      while (k > 0 && before(n, example[base + k - 1])) {
        example[base + k] = example[base + k - 1]
        k--
      }
      example[base + k] = n
      if (fill < slots) exampleFill[c] = fill + 1
    }
    if (p < openUntil[c]) continue
    retained[c] += r[n]
    openUntil[c] = end[n]
  }
  const byGroup: RetainerCluster[][] = Array.from({ length: groupCount }, () => [])
  for (let c = 0; c < clusterCount; c++) {
    const members = Array.from(example.subarray(c * slots, c * slots + exampleFill[c]))
    byGroup[clusterGroup.data[c]].push(new LazyCluster(shapes, clusterShape.data[c], counts[c], selfSizes[c], retained[c], members, s))
  }
  // Ties (many clusters of one object) by the first example's id: the same order whatever was hashed before.
  for (const list of byGroup) list.sort((x, y) => y.retainedSize - x.retainedSize || y.count - x.count || x.exampleIds[0] - y.exampleIds[0])
  return byGroup
}

/**
 * A cluster whose `steps` and `path` are made when first read: a set can
 * have 100,000 path shapes, of which a report shows twenty. `toJSON` gives
 * the plain fields, so JSON.stringify sees it as plain data.
 */
class LazyCluster implements RetainerCluster {
  readonly exampleIds: number[]
  private stepList: ClusterStep[] | null = null
  private pathText: string | null = null

  constructor(
    private readonly shapes: RetainerShapes,
    private readonly shape: number,
    readonly count: number,
    readonly selfSize: number,
    readonly retainedSize: number,
    readonly examples: number[],
    s: Snapshot,
  ) {
    this.exampleIds = examples.map((n) => s.nodeId[n])
  }

  get steps(): ClusterStep[] {
    this.stepList ??= this.shapes.steps(this.shape)
    return this.stepList
  }

  get path(): string {
    this.pathText ??= formatClusterSteps(this.steps)
    return this.pathText
  }

  toJSON(): RetainerCluster {
    const { count, selfSize, retainedSize, path, steps, exampleIds, examples } = this
    return { count, selfSize, retainedSize, path, steps, exampleIds, examples }
  }
}

/**
 * The ordinals of the objects of a class, by DevTools' Summary name
 * (`Map`, `Detached <div>`, `{x, y}`; `(closure)`, the name older DevTools
 * gave functions, finds `Function`).
 *
 * @example
 *   findClassInstances(s, computeClassNames(s), 'CacheEntry') // [812, 815, ...]
 */
export function findClassInstances(s: Snapshot, classNames: ClassNames, name: string): number[] {
  const { classIndex, names } = classNames
  let wanted = names.indexOf(name)
  if (wanted < 0 && name === '(closure)') wanted = names.indexOf('Function')
  const out: number[] = []
  if (wanted < 0) return out
  for (let n = 0; n < s.nodeCount; n++) if (classIndex[n] === wanted) out.push(n)
  return out
}
