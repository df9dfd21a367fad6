/**
 * How reports show a node's name. Names of string nodes are the contents of
 * strings from the heap — customer data, tokens — so they are cut to a
 * limit, and `--redact` replaces them by their length. Every name is escaped
 * (no terminal control characters get through).
 */
import type { PositionMapper, Snapshot } from '../index.js'
import { DEFAULT_STRING_LIMIT, displayString, redactString } from './format.js'

export interface NodeNameOptions {
  /** replace the contents of string nodes with `<redacted N chars>` */
  redact?: boolean
  /** cut names to this many characters (default 60) */
  limit?: number
  /** source maps: closures' definitions and allocation stacks shown in the original source (createSourceMapper) */
  mapPosition?: PositionMapper
}

/** Whether node n holds string contents as its name (string, concatenated string, sliced string). */
export function isStringNode(s: Snapshot, n: number): boolean {
  const t = s.nodeType[n]
  const types = s.nodeTypes
  return t === types.string || t === types.consString || t === types.slicedString
}

/**
 * Node n's name as a report shows it.
 *
 * @example
 *   displayNodeName(s, n, { redact: true }) // '<redacted 36 chars>' for a string, 'Foo' for an object
 */
export function displayNodeName(s: Snapshot, n: number, options: NodeNameOptions = {}): string {
  const isString = isStringNode(s, n)
  // A string's contents are read afresh each time, not kept in the string
  // table's cache: a report of every object (`top -n 0`) would otherwise
  // keep every string of the heap decoded. Class names are few and kept.
  const name = isString ? s.strings.decode(s.nodeNameIndex[n]) : s.nodeName(n)
  if (options.redact === true && isString) return redactString(name)
  return displayString(name, options.limit ?? DEFAULT_STRING_LIMIT)
}
