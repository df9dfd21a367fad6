// heapsnapshot-parser: reads the whole file as one string, JSON.parse, then one object per node
// and per edge (with references and referrers). Parse only: it has no dominators or retained sizes.
import { readFileSync } from 'node:fs'
import parser from 'heapsnapshot-parser'
import { NotAvailable, runMode } from './common.mjs'

function parse(file) {
  const snapshot = parser.parse(readFileSync(file, 'utf8'))
  return { nodeCount: snapshot.nodes.length, edgeCount: snapshot.edges.length }
}

function analyze() {
  throw new NotAvailable('heapsnapshot-parser has no dominators or retained sizes')
}

await runMode({ parse, analyze })
