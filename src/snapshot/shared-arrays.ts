/**
 * Arrays in shared memory: the parser writes the model's columns and string
 * bytes into them, and the helper threads (the parser's, rest.ts; the
 * analysis's, heap-analysis.ts) read them without a copy. From one thread
 * they cost the same as ordinary ones.
 */

export const sharedU8 = (n: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(n))
export const sharedU32 = (n: number): Uint32Array => new Uint32Array(new SharedArrayBuffer(4 * n))
