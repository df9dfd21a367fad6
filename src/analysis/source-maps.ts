/**
 * Positions in transpiled or bundled code (TypeScript output, webpack or
 * esbuild bundles) mapped back to the original source through source maps,
 * the way Node's `--enable-source-maps` and DevTools find them:
 * - the script on disk ends with a `//# sourceMappingURL=` comment: a file
 *   next to it (resolved against the script's folder) or a `data:` URL;
 * - or a folder of maps given by the caller (`--source-maps DIR`): for a
 *   script `app.js`, `DIR/app.js.map` (or the map its comment names, looked up
 *   in DIR by file name), for scripts that are not on this machine or
 *   whose maps are deployed apart.
 * A snapshot names scripts as V8 knew them: absolute paths for Node's CommonJS,
 * `file://` URLs for ES modules and pages; `node:` built-ins and other URLs
 * have no file here and are mapped only through DIR.
 *
 * The mapping itself is @jridgewell/trace-mapping's (the library Node,
 * Babel, Jest and esbuild's tooling use). V8's positions are 1-based;
 * source maps count columns from 0, so columns are shifted on the way in and
 * out. A position maps to the nearest mapped segment at or before it on its
 * line (trace-mapping's default), which for a function's position is the
 * original function.
 *
 * This module reads files (the one place in src/analysis that does): each
 * script and map once, remembered by script name, and a missing or broken map
 * is no error — the position just stays as V8 gave it.
 */
import { readFileSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping'
import type { PositionMapper } from './grouping.js'
import type { OriginalPosition } from './locations.js'

export interface SourceMapOptions {
  /** folders where maps are looked up by file name (`--source-maps DIR`) */
  dirs?: readonly string[]
  /** reads a file as UTF-8, or returns null; fs by default (tests pass their own) */
  readFile?: (path: string) => string | null
}

const MAPPING_URL = /^\/\/[#@] sourceMappingURL=(\S+)\s*$/

function readFileOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

/** The path of a script on this machine, from V8's name for it, or null. */
function scriptPath(scriptName: string): string | null {
  if (scriptName.startsWith('file://')) {
    try {
      return fileURLToPath(scriptName.replace(/[?#].*$/, ''))
    } catch {
      return null
    }
  }
  return isAbsolute(scriptName) ? scriptName : null
}

/** The last `sourceMappingURL` comment of a script's text (an inline map can be megabytes long), or null. */
function mappingUrl(source: string): string | null {
  const at = Math.max(source.lastIndexOf('//# sourceMappingURL='), source.lastIndexOf('//@ sourceMappingURL='))
  if (at < 0) return null
  const m = MAPPING_URL.exec(source.slice(at).split('\n')[0])
  return m === null ? null : m[1]
}

/** A `data:application/json;base64,...` URL's text, or null. */
function dataUrlText(url: string): string | null {
  const comma = url.indexOf(',')
  if (!url.startsWith('data:') || comma < 0) return null
  const body = url.slice(comma + 1)
  return url.slice(0, comma).endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body)
}

/**
 * A PositionMapper over the source maps found for each script.
 *
 * @example
 *   const mapPosition = createSourceMapper({ dirs: ['dist/maps'] })
 *   mapPosition('/app/dist/server.js', 27, 5) // { source: '/app/src/server.ts', line: 31, column: 3 }
 */
export function createSourceMapper(options: SourceMapOptions = {}): PositionMapper {
  const read = options.readFile ?? readFileOrNull
  const dirs = options.dirs ?? []
  const maps = new Map<string, TraceMap | null>()

  const parse = (text: string | null, mapUrl: string): TraceMap | null => {
    if (text === null) return null
    try {
      return new TraceMap(text, mapUrl)
    } catch {
      return null
    }
  }

  const load = (scriptName: string): TraceMap | null => {
    const path = scriptPath(scriptName)
    const script = path === null ? null : read(path)
    const url = script === null ? null : mappingUrl(script)
    const name = basename(path ?? scriptName.replace(/[?#].*$/, ''))
    for (const dir of dirs) {
      for (const candidate of [`${name}.map`, ...(url === null || url.startsWith('data:') ? [] : [basename(url)])]) {
        const file = resolve(dir, candidate)
        const map = parse(read(file), file)
        if (map !== null) return map
      }
    }
    if (url === null || path === null) return null
    if (url.startsWith('data:')) return parse(dataUrlText(url), path)
    const file = url.startsWith('file://') ? scriptPath(url) : join(dirname(path), decodeURIComponent(url))
    return file === null ? null : parse(read(file), file)
  }

  return (scriptName: string, line: number, column: number): OriginalPosition | undefined => {
    let map = maps.get(scriptName)
    if (map === undefined) {
      map = load(scriptName)
      maps.set(scriptName, map)
    }
    if (map === null || line < 1) return undefined
    const o = originalPositionFor(map, { line, column: Math.max(0, column - 1) })
    if (o.source === null || o.line === null || o.column === null) return undefined
    return { source: o.source.startsWith('file://') ? (scriptPath(o.source) ?? o.source) : o.source, line: o.line, column: o.column + 1 }
  }
}
