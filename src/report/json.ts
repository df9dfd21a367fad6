/**
 * JSON output. Every `--json` document is an object with `schemaVersion`
 * (bumped on any incompatible change), `command` and `heapscopeVersion`; the
 * shapes are JSON Schema files in `schemas/` (one per command), which a test
 * checks every command's output against.
 *
 * Documents are serialised as a stream of text chunks, not one string: a
 * list of every object of a 600 MB snapshot (`top -n 0 --json`) is gigabytes
 * of JSON, past V8's string limit (~512 MiB) and far past what memory should
 * hold. A list a report builds lazily is wrapped in `jsonRows(iterable)`:
 * `jsonChunks` pulls its rows one at a time while the caller writes the
 * chunks out, so a row exists only while it is being written. The text is
 * exactly `JSON.stringify(document, null, 2)` of the same document with the
 * lists materialised (the tests compare both). Pure: yields strings, no I/O;
 * the CLI writes them with backpressure (cli/output.ts).
 */

/** The version of every `--json` document this build writes. */
export const JSON_SCHEMA_VERSION = 1

/** What every `--json` document starts with. */
export interface JsonDocument {
  schemaVersion: typeof JSON_SCHEMA_VERSION
  command: string
  [field: string]: unknown
}

/**
 * A list whose rows are produced while the document is written (see the
 * file's header). Iterated once; as JSON, an array.
 */
export class JsonRows<T> {
  constructor(readonly rows: Iterable<T>) {}

  /** A JsonRows inside plain JSON.stringify would silently lose its rows: refuse. */
  toJSON(): never {
    throw new Error('JsonRows is written by jsonChunks, not JSON.stringify')
  }
}

/** A JSON list: an array, or rows produced on demand. */
export type JsonList<T> = readonly T[] | JsonRows<T>

/**
 * Wraps rows produced on demand (a generator) so that `jsonChunks` writes
 * them one at a time.
 *
 * @example
 *   jsonRows((function* () { for (const n of order) yield objectRow(s, a, n) })())
 */
export function jsonRows<T>(rows: Iterable<T>): JsonRows<T> {
  return new JsonRows(rows)
}

/** Whether `value` holds a JsonRows anywhere (rows are small: this walk costs less than their text). */
function hasRows(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  if (value instanceof JsonRows) return true
  if (Array.isArray(value)) {
    for (const v of value) if (hasRows(v)) return true
    return false
  }
  for (const k in value) if (hasRows((value as Record<string, unknown>)[k])) return true
  return false
}

/** `JSON.stringify(value, null, 2)` for a value that starts at `indent`. */
function plain(value: unknown, indent: string): string {
  const text = JSON.stringify(value, null, 2)
  // Strings are escaped (no raw newline inside one): every '\n' is the layout's.
  return indent === '' || !text.includes('\n') ? text : text.replace(/\n/g, '\n' + indent)
}

/**
 * What an array element or property value serialises as, JSON.stringify's
 * way: undefined, functions and symbols are left out of objects and are
 * `null` in arrays.
 */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol'
}

function* valueChunks(value: unknown, indent: string): Generator<string> {
  if (!hasRows(value)) {
    yield plain(value, indent)
    return
  }
  const inner = indent + '  '
  if (value instanceof JsonRows || Array.isArray(value)) {
    const rows: Iterable<unknown> = value instanceof JsonRows ? value.rows : value
    let first = true
    for (const row of rows) {
      const start = first ? '[\n' + inner : ',\n' + inner
      first = false
      // The common row (no lists below it) in one chunk, without a generator of its own.
      if (isOmitted(row)) yield start + 'null'
      else if (!hasRows(row)) yield start + plain(row, inner)
      else {
        yield start
        yield* valueChunks(row, inner)
      }
    }
    yield first ? '[]' : '\n' + indent + ']'
    return
  }
  // An object with a JsonRows somewhere below (toJSON objects never get here: JsonRows refuses it).
  let first = true
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (isOmitted(v)) continue
    yield (first ? '{\n' : ',\n') + inner + JSON.stringify(key) + ': '
    first = false
    yield* valueChunks(v, inner)
  }
  yield first ? '{}' : '\n' + indent + '}'
}

/**
 * A document as text chunks, in order: `JSON.stringify(document, null, 2)`
 * plus a trailing newline, with every JsonRows list written row by row.
 *
 * @example
 *   for (const chunk of jsonChunks({ schemaVersion: 1, command: 'top', objects: jsonRows(rows()) })) out.write(chunk)
 */
export function* jsonChunks(document: JsonDocument): Generator<string> {
  yield* valueChunks(document, '')
  yield '\n'
}

/**
 * A whole document as one string (small documents, tests). Large ones go
 * through jsonChunks.
 *
 * @example
 *   renderJson({ schemaVersion: 1, command: 'summary' })
 *   // '{\n  "schemaVersion": 1,\n  "command": "summary"\n}\n'
 */
export function renderJson(document: JsonDocument): string {
  let out = ''
  for (const chunk of jsonChunks(document)) out += chunk
  return out
}
