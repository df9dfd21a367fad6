// memlab (@memlab/core), Meta's heap analysis library.
//
// parse:   utils.getSnapshotFromFile(file, { buildNodeIdIndex: true }), as memlab's own
//          getFullHeapFromFile loads a heap: typed arrays for nodes and edges (streamed by its
//          StringLoader), JSON.parse for the rest of the file (strings included), then its
//          HeapSnapshot model with the node id index.
// analyze: parse, then new TraceFinder().calculateAllNodesRetainedSizes(snapshot): memlab's
//          dominators (page-owned flags, essential edges) and retained sizes for all nodes,
//          written back onto its node objects. (memlab's analysis.preparePathFinder() also
//          computes shortest paths and marks React Fiber nodes; that is not timed here.)
import memlab from '@memlab/core'
import { runMode } from './common.mjs'

const { utils, config, TraceFinder } = memlab
config.muteConsole = true // memlab prints progress to stdout, which carries our report

function load(file) {
  return utils.getSnapshotFromFile(file, { buildNodeIdIndex: true })
}

async function parse(file) {
  const snapshot = await load(file)
  return { nodeCount: snapshot.nodes.length, edgeCount: snapshot.edges.length }
}

async function analyze(file) {
  const snapshot = await load(file)
  new TraceFinder().calculateAllNodesRetainedSizes(snapshot)
  return { nodeCount: snapshot.nodes.length, rootRetainedSize: snapshot.nodes.get(0).retainedSize }
}

await runMode({ parse, analyze })
