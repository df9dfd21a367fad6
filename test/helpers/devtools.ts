/**
 * Loading a snapshot into DevTools' own heap snapshot model (the
 * heap-snapshot-toolkit devDependency bundles DevTools' worker), the
 * independent reference our numbers are checked against.
 *
 * DevTools crashes ("Cannot read properties of undefined (reading
 * 'addTraceTopNode')") on the first allocation-tracked snapshot Node writes
 * through its in-process inspector, whose header declares fewer
 * `trace_function_count` than `trace_function_infos` holds. heapscope trusts
 * the array (with a warning); to let the reference load the same data, the
 * copy handed to DevTools gets the count the array really has.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { parse } from 'heap-snapshot-toolkit'
import type { HeapAnalysis, Snapshot } from '../../src/index.js'

/** The snapshot's JSON text (gunzipped when need be), with trace_function_count made consistent. */
export function snapshotTextForDevTools(file: string): string {
  let bytes = readFileSync(file)
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
  const text = bytes.toString('utf8')
  const head = text.slice(0, 4096)
  const fields = /"trace_function_info_fields":\[([^\]]*)\]/.exec(head)
  const declared = /"trace_function_count":(\d+)/.exec(head)
  if (fields === null || declared === null) return text
  const width = fields[1].split(',').length
  const start = text.indexOf('"trace_function_infos":[')
  if (start < 0) return text
  const end = text.indexOf(']', start)
  const body = text.slice(start + '"trace_function_infos":['.length, end).trim()
  const actual = body === '' ? 0 : body.split(',').length / width
  if (actual === Number(declared[1])) return text
  return text.replace(`"trace_function_count":${declared[1]}`, `"trace_function_count":${actual}`)
}

/** DevTools' JSHeapSnapshot of `text` (the whole JSON as one string: fine for small fixtures). */
export async function loadWithDevTools(text: string): Promise<Awaited<ReturnType<typeof parse>>> {
  return parse(
    new ReadableStream<string>({
      start(controller) {
        controller.enqueue(text)
        controller.close()
      },
    }),
  )
}

/** DevTools' model of a fixture file. */
export async function loadFileWithDevTools(file: string): Promise<Awaited<ReturnType<typeof parse>>> {
  return loadWithDevTools(snapshotTextForDevTools(file))
}

/** DevTools' model of a snapshot (its worker's JSHeapSnapshot). */
export type DevToolsModel = Awaited<ReturnType<typeof parse>>

/**
 * Asserts that every node's dominator, shallow size, retained size and distance, and the total
 * size, equal DevTools'. The message (built only on a failure) names the first node that differs.
 */
export function assertSameAsDevTools(s: Snapshot, a: HeapAnalysis, d: DevToolsModel): void {
  assert.equal(d.nodeCount, s.nodeCount)
  const nf = d.nodeFieldCount
  const selfSizeOffset = d.nodeSelfSizeOffset
  const where = (n: number): string => `node ${n} (@${s.nodeId[n]} ${s.nodeTypeName(n)} ${JSON.stringify(s.nodeName(n).slice(0, 40))})`
  for (let n = 0; n < s.nodeCount; n++) {
    if (d.dominatorsTree[n] !== a.dominators.dominator[n]) {
      assert.fail(`${where(n)}: dominator @${s.nodeId[a.dominators.dominator[n]]}, DevTools @${s.nodeId[d.dominatorsTree[n]]}`)
    }
    if (d.nodes.getValue(n * nf + selfSizeOffset) !== a.shallowSize[n]) {
      assert.fail(`${where(n)}: shallow size ${a.shallowSize[n]}, DevTools ${d.nodes.getValue(n * nf + selfSizeOffset)}`)
    }
    if (d.retainedSizes[n] !== a.retainedSize[n]) assert.fail(`${where(n)}: retained ${a.retainedSize[n]}, DevTools ${d.retainedSizes[n]}`)
    if (d.nodeDistances[n] !== a.distance[n]) assert.fail(`${where(n)}: distance ${a.distance[n]}, DevTools ${d.nodeDistances[n]}`)
  }
  assert.equal(a.totalSize, d.totalSize)
}

/** DevTools' Summary class name of every node. */
export function devToolsClassNames(d: DevToolsModel): string[] {
  const node = d.createNode(0)
  const names: string[] = []
  for (let n = 0; n < d.nodeCount; n++) {
    node.nodeIndex = n * d.nodeFieldCount
    names.push(node.className())
  }
  return names
}

/** DevTools' Summary rows summed by class name (it splits a name by constructor location). */
function devToolsClasses(d: DevToolsModel): Map<string, { count: number; self: number; maxRet: number }> {
  const aggregates: Record<string, { name: string; count: number; self: number; maxRet: number }> = d.aggregatesWithFilter(
    {} as Parameters<DevToolsModel['aggregatesWithFilter']>[0],
  )
  const out = new Map<string, { count: number; self: number; maxRet: number }>()
  for (const a of Object.values(aggregates)) {
    const c = out.get(a.name) ?? { count: 0, self: 0, maxRet: 0 }
    c.count += a.count
    c.self += a.self
    c.maxRet += a.maxRet
    out.set(a.name, c)
  }
  return out
}

/** How many nodes DevTools flags as part of a detached DOM tree. */
export function devToolsDetachedCount(d: DevToolsModel): number {
  const flag = d.nodeFlags.detachedDOMTreeNode
  const flags = (d as unknown as { flags: Uint8Array }).flags
  let count = 0
  for (let n = 0; n < d.nodeCount; n++) if (flags[n] & flag) count++
  return count
}

/**
 * Asserts that Summary classes (the library's, or the CLI's JSON) equal DevTools' Summary rows
 * summed by name: the same names, and for each its count, shallow size and retained size.
 */
export function assertSameClassesAsDevTools(
  classes: readonly { name: string; count: number; selfSize: number; retainedSize?: number }[],
  d: DevToolsModel,
): void {
  const reference = devToolsClasses(d)
  const byName = new Map(classes.map((c) => [c.name, c]))
  assert.equal(byName.size, reference.size)
  for (const [cls, expected] of reference) {
    const got = byName.get(cls)
    assert.ok(got !== undefined, `class ${cls} missing`)
    assert.equal(got.count, expected.count, `count of ${cls}`)
    assert.equal(got.selfSize, expected.self, `shallow size of ${cls}`)
    assert.equal(got.retainedSize, expected.maxRet, `retained size of ${cls}`)
  }
}
