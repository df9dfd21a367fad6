// The part of the WebAssembly JS API that records.ts uses. Node has it as a global; the
// TypeScript libs declare it only with "dom", which this project does not load.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array)
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, unknown>)
    readonly exports: Record<string, unknown>
  }
  class Memory {
    readonly buffer: ArrayBuffer
    grow(pages: number): number
  }
  class Global {
    value: unknown
  }
}
