/**
 * Retainer clusters as reports show them: a line per cluster (`6,000
 * objects, 687 KiB retained (self 94 KiB), e.g. @812, @815`) with its path
 * shape on the next (`Context .cache -> Map {table} -> (array) [] ->
 * CacheEntry`), and the `--json` form. Pure: strings and plain data.
 */
import type { ClusterStep, RetainerCluster } from '../index.js'
import { formatBytes, formatCount, truncate } from './format.js'

/** Paths longer than this many steps are cut in text (when that leaves out two steps or more): their first PATH_HEAD_STEPS and last steps stay. */
export const PATH_MAX_STEPS = 12
const PATH_HEAD_STEPS = 3
/** Class names (object shapes such as `{join, line, softline, ...}` can run long) are cut to this many characters in text. */
export const CLASS_NAME_MAX = 40

/** A cluster in `--json`: `{count, selfSize, retainedSize, path, steps, exampleIds}`. */
export function clusterJson(c: RetainerCluster) {
  return { count: c.count, selfSize: c.selfSize, retainedSize: c.retainedSize, path: c.path, steps: c.steps, exampleIds: c.exampleIds }
}

/** `N objects` / `1 object`. */
export function objectCount(n: number, noun = 'object'): string {
  return `${formatCount(n)} ${n === 1 ? noun : `${noun}s`}`
}

/**
 * A cluster's path for a text report: as `path` reads (repeated blocks as
 * `( ... )+`), with long class names cut and, past `maxSteps` steps, the
 * middle left out (`A .x -> B -> … 7 steps … .y -> C`). A repeated block
 * that the cut goes through is not marked.
 *
 * @example
 *   formatClusterPathText(cluster.steps) // 'global .cache -> Map {table} -> (array) [] -> Entry'
 */
export function formatClusterPathText(steps: ClusterStep[], maxSteps = PATH_MAX_STEPS): string {
  if (steps.length === 0) return '(root)'
  const cut = steps.length > maxSteps + 1
  const headEnd = cut ? PATH_HEAD_STEPS : steps.length // steps [0, headEnd) and [tailStart, length) are shown
  const tailStart = cut ? steps.length - (maxSteps - PATH_HEAD_STEPS) : steps.length
  const shown = (from: number, to: number): boolean => (from >= tailStart || to < headEnd) && from >= 0
  // Where each repeated block opens and closes; a block overlapping one already open, or the cut, is not marked.
  const opens = new Array<number>(steps.length).fill(0)
  const closes = new Array<boolean>(steps.length).fill(false)
  let free = 0
  steps.forEach((step, i) => {
    const k = step.repeat ?? 0
    if (k > 0 && i - k + 1 >= free && shown(i - k + 1, i)) {
      opens[i - k + 1]++
      closes[i] = true
      free = i + 1
    }
  })
  let out = ''
  steps.forEach((step, i) => {
    if (i >= headEnd && i < tailStart) return
    const className = truncate(step.className, CLASS_NAME_MAX)
    const text = i === 0 ? className : `${step.edge} -> ${className}`
    const gap = i === tailStart && cut ? ` -> … ${objectCount(tailStart - headEnd, 'step')} …` : ''
    out += gap + (i === 0 ? '' : ' ') + '('.repeat(opens[i]) + text + (closes[i] ? ')+' : '')
  })
  return out
}

/**
 * Clusters as text, the first `top` (0 = all): a line with the count,
 * sizes and example ids, the path shape on the next, and a line for the rest.
 */
export function renderClustersText(clusters: RetainerCluster[], top: number, indent = ''): string {
  const shown = top > 0 ? clusters.slice(0, top) : clusters
  let out = ''
  for (const c of shown) {
    const examples = c.exampleIds
      .slice(0, 3)
      .map((id) => `@${id}`)
      .join(', ')
    out += `${indent}${objectCount(c.count)}, ${formatBytes(c.retainedSize)} retained (self ${formatBytes(c.selfSize)}), e.g. ${examples}\n`
    out += `${indent}  ${formatClusterPathText(c.steps)}\n`
  }
  const rest = clusters.slice(shown.length)
  if (rest.length > 0) {
    const objects = rest.reduce((sum, c) => sum + c.count, 0)
    out += `${indent}… ${objectCount(rest.length, 'more path')} (${objectCount(objects)})\n`
  }
  return out
}
