/**
 * Retainer clusters as reports show them: a line per cluster (`6,000
 * objects, 687 KiB retained: Context .cache -> Map {table} -> (array) [] ->
 * CacheEntry`) and the `--json` form. Pure: strings and plain data.
 */
import type { RetainerCluster } from '../index.js'
import { formatBytes, formatCount } from './format.js'

/** A cluster in `--json`: `{count, selfSize, retainedSize, path, steps, exampleIds}`. */
export function clusterJson(c: RetainerCluster) {
  return { count: c.count, selfSize: c.selfSize, retainedSize: c.retainedSize, path: c.path, steps: c.steps, exampleIds: c.exampleIds }
}

/** `N objects` / `1 object`. */
export function objectCount(n: number, noun = 'object'): string {
  return `${formatCount(n)} ${n === 1 ? noun : `${noun}s`}`
}

/**
 * Clusters as lines, the first `top` (0 = all), each with its example ids,
 * and a line for the rest.
 */
export function renderClustersText(clusters: RetainerCluster[], top: number, indent = ''): string {
  const shown = top > 0 ? clusters.slice(0, top) : clusters
  let out = ''
  for (const c of shown) {
    out += `${indent}${objectCount(c.count)}, ${formatBytes(c.retainedSize)} retained (self ${formatBytes(c.selfSize)}): ${c.path}\n`
    out += `${indent}  e.g. ${c.exampleIds
      .slice(0, 3)
      .map((id) => `@${id}`)
      .join(', ')}\n`
  }
  const rest = clusters.slice(shown.length)
  if (rest.length > 0) {
    const objects = rest.reduce((sum, c) => sum + c.count, 0)
    out += `${indent}… ${objectCount(rest.length, 'more path')} (${objectCount(objects)})\n`
  }
  return out
}
