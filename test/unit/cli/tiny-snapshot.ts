/**
 * A minimal heap snapshot writer for CLI and report tests: nodes and edges
 * by name, written as the JSON V8 writes, then parsed by the real parser.
 */
import { parseSnapshotChunks, type Snapshot } from '../../../src/index.js'

/** The node types V8 writes in `meta.node_types[0]`, in its order. */
export const V8_NODE_TYPES = [
  'hidden',
  'array',
  'string',
  'object',
  'code',
  'closure',
  'regexp',
  'number',
  'native',
  'synthetic',
  'concatenated string',
  'sliced string',
  'symbol',
  'bigint',
  'object shape',
]
/** The edge types V8 writes in `meta.edge_types[0]`, in its order. */
export const V8_EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak']

interface TinyNode {
  type: string
  name: string
  selfSize: number
  detachedness: number
  edges: { type: string; name: string | number; to: number }[]
}

export class TinySnapshot {
  private readonly nodes: TinyNode[] = []
  extraNativeBytes: number | null = null

  /** Adds a node; the first one added is the root. Returns its ordinal. */
  node(type: string, name: string, selfSize: number, detachedness = 0): number {
    if (!V8_NODE_TYPES.includes(type)) throw new Error(`unknown node type ${type}`)
    this.nodes.push({ type, name, selfSize, detachedness, edges: [] })
    return this.nodes.length - 1
  }

  edge(from: number, type: string, name: string | number, to: number): this {
    if (!V8_EDGE_TYPES.includes(type)) throw new Error(`unknown edge type ${type}`)
    this.nodes[from].edges.push({ type, name, to })
    return this
  }

  toJson(): string {
    const strings: string[] = []
    const index = new Map<string, number>()
    const str = (s: string): number => {
      let i = index.get(s)
      if (i === undefined) {
        i = strings.length
        strings.push(s)
        index.set(s, i)
      }
      return i
    }
    str('')
    const nodes: number[] = []
    const edges: number[] = []
    const nodeFields = 7
    this.nodes.forEach((n, i) => {
      nodes.push(V8_NODE_TYPES.indexOf(n.type), str(n.name), i * 2 + 1, n.selfSize, n.edges.length, 0, n.detachedness)
      for (const e of n.edges) {
        const byIndex = e.type === 'element' || e.type === 'hidden'
        edges.push(V8_EDGE_TYPES.indexOf(e.type), byIndex ? Number(e.name) : str(String(e.name)), e.to * nodeFields)
      }
    })
    const snapshot: Record<string, unknown> = {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
        node_types: [V8_NODE_TYPES, 'string', 'number', 'number', 'number', 'number', 'number'],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [V8_EDGE_TYPES, 'string_or_number', 'node'],
        trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
        trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
        sample_fields: ['timestamp_us', 'last_assigned_id'],
        location_fields: ['object_index', 'script_id', 'line', 'column'],
      },
      node_count: this.nodes.length,
      edge_count: edges.length / 3,
      trace_function_count: 0,
    }
    if (this.extraNativeBytes !== null) snapshot.extra_native_bytes = this.extraNativeBytes
    return JSON.stringify({
      snapshot,
      nodes,
      edges,
      trace_function_infos: [],
      trace_tree: [],
      samples: [],
      locations: [],
      strings,
    })
  }

  parse(file = 'tiny.heapsnapshot'): Promise<Snapshot> {
    return parseSnapshotChunks([Buffer.from(this.toJson())], file)
  }
}

/**
 * A small Node-like heap: root → global (with a `process` property), three
 * `Foo`s, two `{a, b}` plain objects, strings, a closure, and an array.
 */
export function nodeLikeSnapshot(): TinySnapshot {
  const t = new TinySnapshot()
  const root = t.node('synthetic', '', 0)
  const gcRoots = t.node('synthetic', '(GC roots)', 0)
  const global = t.node('object', 'global', 40)
  const processObject = t.node('object', 'process', 64)
  t.edge(root, 'element', 1, gcRoots).edge(root, 'shortcut', 'global', global)
  t.edge(global, 'property', 'process', processObject)
  for (let i = 0; i < 3; i++) {
    const foo = t.node('object', 'Foo', 32)
    const secret = t.node('string', `secret-token-${i}`, 24)
    t.edge(global, 'element', i, foo).edge(foo, 'property', 'token', secret)
  }
  for (let i = 0; i < 2; i++) {
    const o = t.node('object', 'Object', 20)
    const v = t.node('number', 'heap number', 16)
    t.edge(global, 'element', 10 + i, o)
      .edge(o, 'property', 'a', v)
      .edge(o, 'property', 'b', v)
  }
  const f = t.node('closure', 'run', 56)
  const code = t.node('code', 'run', 100)
  const arr = t.node('array', '(object elements)', 80)
  const empty = t.node('hidden', 'system / Zero', 0)
  t.edge(global, 'property', 'run', f).edge(f, 'internal', 'code', code).edge(global, 'internal', 'elements', arr)
  t.edge(global, 'weak', 'nothing', empty)
  return t
}
