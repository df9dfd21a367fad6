/**
 * Script paths as a list of sites shows them: relative to the working
 * directory when they are under it, else without the directory that all of
 * them share (`/srv/app/dist/` said once is noise on every row). Columns cut
 * them in the middle (text.ts), so `file:line` stays.
 */
import { relative, sep } from 'node:path'
import type { AllocationSite } from '../../index.js'

/** A script name as a path, when it is a local file (`/x/y.js`, `file:///x/y.js`); else null (`node:fs`, `https://…`, ''). */
function localPath(script: string): string | null {
  if (script.startsWith('file://')) {
    try {
      return decodeURIComponent(new URL(script).pathname)
    } catch {
      return null
    }
  }
  return script.startsWith('/') ? script : null
}

/** The directory (ending in /) that every path starts with, or ''. */
function commonDirectory(paths: string[]): string {
  if (paths.length === 0) return ''
  let prefix = paths[0].slice(0, paths[0].lastIndexOf('/') + 1)
  for (const p of paths) {
    while (prefix !== '' && !p.startsWith(prefix)) prefix = prefix.slice(0, prefix.lastIndexOf('/', prefix.length - 2) + 1)
  }
  return prefix === '/' ? '' : prefix
}

/**
 * A function showing each of `scripts` shorter: relative to `cwd` when under
 * it, else without the directory they all share.
 *
 * @example
 *   scriptNamer(['/srv/a/x.js', '/srv/a/lib/y.js'], '/home/me')('/srv/a/lib/y.js') // 'lib/y.js'
 */
export function scriptNamer(scripts: Iterable<string>, cwd: string = process.cwd()): (script: string) => string {
  const base = cwd.endsWith(sep) ? cwd : cwd + sep
  const outside: string[] = []
  for (const script of new Set(scripts)) {
    const p = localPath(script)
    if (p !== null && !p.startsWith(base)) outside.push(p)
  }
  const shared = commonDirectory(outside)
  return (script) => {
    const p = localPath(script)
    if (p === null) return script
    if (p.startsWith(base)) return relative(cwd, p)
    return shared !== '' && p.startsWith(shared) ? p.slice(shared.length) : p
  }
}

/** `fn script:line:column` with the script as `scriptName` shows it. */
export function siteText(site: AllocationSite, scriptName: (script: string) => string): string {
  // A source map's original position, when one was found (growth maps them).
  const o = site.original
  if (o !== undefined) return `${site.functionName} ${scriptName(o.source)}:${o.line}:${o.column}`.trim()
  if (site.scriptName === '') return site.functionName
  const where = site.line > 0 ? `:${site.line}${site.column > 0 ? `:${site.column}` : ''}` : ''
  return `${site.functionName} ${scriptName(site.scriptName)}${where}`.trim()
}
