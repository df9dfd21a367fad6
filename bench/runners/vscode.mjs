// @vscode/v8-heap-parser: VS Code's heap snapshot parser, Rust compiled to WebAssembly (wasm32,
// so at most 4 GiB of wasm memory, which holds a copy of the whole file plus the graph).
//
// parse:   decode_bytes(readFileSync(file)): the whole file as one Uint8Array, copied into wasm
//          memory and decoded there (serde_json) into its graph.
// analyze: parse, then graph.node_children(graph.root_index, 0, 1, WasmSortBy.RetainedSize).
//          The graph computes dominators and retained sizes lazily, for all nodes at once, on the
//          first call that needs a retained size; this is the cheapest such call (one child of the
//          root, sorted by retained size). get_class_groups(…, false) triggers the same pass.
// The package's "import" export is its browser build, so it is loaded with require().
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { runMode } from './common.mjs'

const parser = createRequire(import.meta.url)('@vscode/v8-heap-parser')
const { decode_bytes, WasmSortBy } = parser

/**
 * A failed allocation in wasm aborts as `RuntimeError: unreachable` with no message (Rust's
 * alloc error handler does not go through the panic hook), so say how big wasm memory had grown.
 */
function explained(error) {
  const bytes = parser.__wasm?.memory?.buffer.byteLength
  if (error instanceof Error && bytes) {
    error.message += ` (wasm memory ${Math.round(bytes / 2 ** 20)} MiB of wasm32's 4096 MiB)`
  }
  return error
}

function parse(file) {
  try {
    const graph = decode_bytes(readFileSync(file))
    return { graph, check: { rootIndex: graph.root_index } }
  } catch (error) {
    throw explained(error)
  }
}

const modes = {
  parse: (file) => parse(file).check,
  analyze(file) {
    const { graph } = parse(file)
    let top
    try {
      ;[top] = graph.node_children(graph.root_index, 0, 1, WasmSortBy.RetainedSize)
    } catch (error) {
      throw explained(error)
    }
    return { topRootChild: top.name(), topRootChildRetainedSize: Number(top.retained_size) }
  },
}

await runMode(modes)
