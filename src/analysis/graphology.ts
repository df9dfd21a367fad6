/**
 * graphology, loaded on first use. Only a few analyses build a graph (the
 * small extracted subgraphs, a cycle's shortest loop), so importing the
 * library does not load it: `import('heapscope')` and every CLI command
 * that draws no graph start faster and smaller (about 5 MB of RSS).
 */
import { createRequire } from 'node:module'

type Graphology = typeof import('graphology')

const require = createRequire(import.meta.url)
let loaded: Graphology | null = null

/** graphology's constructors (`new (graphology().DirectedGraph)()`). */
export function graphology(): Graphology {
  loaded ??= require('graphology') as Graphology
  return loaded
}
