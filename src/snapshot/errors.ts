/**
 * Errors the library throws. Every error carries a stable `code` so callers
 * (the CLI's exit funnel, tests) branch on it, never on message text.
 * The library never prints and never exits.
 */
export type HeapscopeErrorCode =
  | 'E_INPUT' // cannot read the input: missing file, a directory, permissions
  | 'E_FORMAT' // the bytes are not a valid heap snapshot
  | 'E_GZIP' // corrupt or truncated gzip stream
  | 'E_USAGE' // bad arguments or options given to a library function
  | 'E_NOT_FOUND' // an object id that is not in the snapshot
  | 'E_CANCELLED' // the caller aborted the work (Ctrl-C in the UI)
  | 'E_CAPTURE' // taking a snapshot failed: no such process, no inspector there, connection lost, disk full

/**
 * The base of every error the library throws; `code` says which kind it is.
 *
 * @example
 *   await openSnapshot(file).catch((err) => {
 *     if (err instanceof HeapscopeError) console.error(err.code, err.message) // 'E_FORMAT', 'app.heapsnapshot: expected …'
 *   })
 */
export class HeapscopeError extends Error {
  readonly code: HeapscopeErrorCode
  constructor(code: HeapscopeErrorCode, message: string) {
    super(message)
    this.name = 'HeapscopeError'
    this.code = code
  }
}

/** Paths longer than this are shortened in messages, so that what went wrong still shows. */
const MAX_NAME_IN_MESSAGE = 240

/**
 * `file` as a message shows it: whole up to MAX_NAME_IN_MESSAGE characters,
 * else its start and end around '…' (a path of thousands of characters
 * filled the CLI's one-line cap, and the reason never showed). The error's
 * `file` keeps the whole path.
 */
export function nameInMessage(file: string): string {
  if (file.length <= MAX_NAME_IN_MESSAGE) return file
  const head = Math.floor(MAX_NAME_IN_MESSAGE / 3)
  return `${file.slice(0, head)}…${file.slice(file.length - (MAX_NAME_IN_MESSAGE - head - 1))}`
}

/**
 * The input cannot be read at all (missing, a directory, permission denied).
 *
 * @example
 *   await openSnapshot('missing.heapsnapshot').catch((err) => err instanceof InputError) // true
 */
export class InputError extends HeapscopeError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super('E_INPUT', `${nameInMessage(file)}: ${reason}`)
    this.name = 'InputError'
  }
}

/**
 * The input was read but is not a well-formed heap snapshot. `byteOffset` is
 * the offset in the (decompressed) JSON text where the problem was seen, or -1
 * when the problem is not tied to one place (e.g. counts that disagree).
 *
 * @example
 *   await openSnapshot(file).catch((err) => {
 *     if (err instanceof SnapshotFormatError) console.error(err.byteOffset, err.expected, err.found)
 *   })
 */
export class SnapshotFormatError extends HeapscopeError {
  constructor(
    readonly file: string,
    readonly byteOffset: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super('E_FORMAT', `${nameInMessage(file)}: expected ${expected}${byteOffset >= 0 ? ` at byte ${byteOffset}` : ''}, found ${found}`)
    this.name = 'SnapshotFormatError'
  }
}

/**
 * The gzip layer failed: corrupt data or a truncated stream (a `.gz` snapshot
 * is recognised by its first bytes, whatever its name).
 *
 * @example
 *   await openSnapshot('app.heapsnapshot.gz').catch((err) => {
 *     if (err instanceof GzipError) console.error(`${err.file} is damaged: take the snapshot again`)
 *   })
 */
export class GzipError extends HeapscopeError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super('E_GZIP', `${nameInMessage(file)}: corrupt or truncated gzip data (${reason})`)
    this.name = 'GzipError'
  }
}

/** An object id that no node in the snapshot has. */
export class NodeNotFoundError extends HeapscopeError {
  constructor(
    readonly file: string,
    readonly id: number,
  ) {
    super('E_NOT_FOUND', `${nameInMessage(file)}: no object with id @${id} in this snapshot`)
    this.name = 'NodeNotFoundError'
  }
}

/**
 * The work was cancelled (a user pressed Ctrl-C). The library rejects with
 * whatever reason its AbortSignal carries; this is a reason callers can give.
 *
 * @example
 *   controller.abort(new CancelledError('closed by the user'))
 *   await openSnapshot(file, { signal: controller.signal }) // rejects with that CancelledError
 */
export class CancelledError extends HeapscopeError {
  constructor(message = 'cancelled') {
    super('E_CANCELLED', message)
    this.name = 'CancelledError'
  }
}

/**
 * A library function was called with options it does not accept (an unknown
 * option key, arrays of the wrong length); the message names the function.
 *
 * @example
 *   diffSnapshots(a, b, { groupby: 'class' }) // throws UsageError: diffSnapshots: unknown option "groupby"
 */
export class UsageError extends HeapscopeError {
  constructor(message: string) {
    super('E_USAGE', message)
    this.name = 'UsageError'
  }
}
