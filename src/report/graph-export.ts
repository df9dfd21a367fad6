/**
 * Writing small graphology graphs: GEXF through graphology-gexf's writer,
 * JSON through graphology's own serialisation, and GraphML with the small
 * writer below (graphology-graphml 0.5 only parses GraphML).
 */
import gexf from 'graphology-gexf'
import type { AbstractGraph as Graph, Attributes } from 'graphology-types'

export type GraphFormat = 'gexf' | 'graphml' | 'json'

// XML 1.0 allows no control characters but tab, newline and carriage return.
// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what it finds
const NOT_IN_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g

function xml(text: string): string {
  return text.replace(NOT_IN_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function graphmlType(value: unknown): string {
  return typeof value === 'number' ? (Number.isInteger(value) ? 'long' : 'double') : typeof value === 'boolean' ? 'boolean' : 'string'
}

/** GraphML 1.0 of `g`: one <key> per attribute name, typed from its first value. */
export function writeGraphml(g: Graph): string {
  const keys = new Map<string, { id: string; for: 'node' | 'edge'; type: string }>()
  const declare = (kind: 'node' | 'edge', attrs: Attributes): void => {
    for (const [name, value] of Object.entries(attrs)) {
      const k = `${kind}:${name}`
      if (!keys.has(k)) keys.set(k, { id: `${kind[0]}${keys.size}`, for: kind, type: graphmlType(value) })
    }
  }
  g.forEachNode((_, attrs) => declare('node', attrs))
  g.forEachEdge((_, attrs) => declare('edge', attrs))
  const data = (kind: 'node' | 'edge', attrs: Attributes): string =>
    Object.entries(attrs)
      .map(([name, value]) => `<data key="${(keys.get(`${kind}:${name}`) as { id: string }).id}">${xml(String(value))}</data>`)
      .join('')
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
  for (const [k, key] of keys) {
    out += `  <key id="${key.id}" for="${key.for}" attr.name="${xml(k.slice(key.for.length + 1))}" attr.type="${key.type}"/>\n`
  }
  out += `  <graph edgedefault="${g.type === 'undirected' ? 'undirected' : 'directed'}">\n`
  g.forEachNode((node, attrs) => {
    out += `    <node id="${xml(node)}">${data('node', attrs)}</node>\n`
  })
  g.forEachEdge((edge, attrs, source, target) => {
    out += `    <edge id="${xml(edge)}" source="${xml(source)}" target="${xml(target)}">${data('edge', attrs)}</edge>\n`
  })
  return out + '  </graph>\n</graphml>\n'
}

/** `g` in the chosen format. */
export function writeGraph(g: Graph, format: GraphFormat): string {
  switch (format) {
    case 'gexf':
      return gexf.write(g)
    case 'graphml':
      return writeGraphml(g)
    case 'json':
      return JSON.stringify(g.export(), null, 2) + '\n'
  }
}
