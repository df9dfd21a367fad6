/**
 * JSON output. Every `--json` document is an object with `schemaVersion`
 * (bumped on any incompatible change) and `command`; the per-command shapes
 * are documented next to their builders (e.g. report/summary.ts).
 * Pure: returns strings; no I/O.
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
 * Serialises a report document: two-space indentation, a trailing newline.
 *
 * @example
 *   renderJson({ schemaVersion: 1, command: 'summary' })
 *   // '{\n  "schemaVersion": 1,\n  "command": "summary"\n}\n'
 */
export function renderJson(document: JsonDocument): string {
  return JSON.stringify(document, null, 2) + '\n'
}
