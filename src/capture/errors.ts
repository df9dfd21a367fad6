/**
 * The one error taking a snapshot can end with. Its message is a whole
 * sentence for the user: what was tried (the process, the address, the file)
 * and what happened, and where it helps what to do — "no process with pid
 * 4242", "127.0.0.1:9230 refused the connection: is the inspector open there?".
 */
import { HeapscopeError } from '../snapshot/errors.js'

/**
 * Taking a snapshot failed: no such process, no inspector at the address, the connection was lost, the disk is full.
 *
 * @example
 *   await takeSnapshotSeries(source, options).catch((err) => {
 *     if (err instanceof CaptureError) console.error(err.message) // '127.0.0.1:9230 refused the connection: …'
 *   })
 */
export class CaptureError extends HeapscopeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_CAPTURE', message)
    this.name = 'CaptureError'
    if (options?.cause !== undefined) this.cause = options.cause
  }
}
