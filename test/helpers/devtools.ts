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
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { parse } from 'heap-snapshot-toolkit'

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
