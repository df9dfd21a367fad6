/**
 * What the helper threads (the parser's, rest.ts; the analysis's,
 * heap-analysis.ts) and the code that feeds them share: arrays in shared
 * memory, which another thread reads without a copy (from one thread they
 * cost the same as ordinary ones), and promises settled by a thread's
 * messages.
 */

export const sharedU8 = (n: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(n))
export const sharedU32 = (n: number): Uint32Array => new Uint32Array(new SharedArrayBuffer(4 * n))

export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (reason: unknown) => void
}

/**
 * A promise with its settle functions, for a result that arrives as a
 * message. It is awaited, if at all, only later (once this thread's own work
 * is done): never an unhandled rejection if that work fails or stops first.
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(() => undefined)
  return { promise, resolve, reject }
}
