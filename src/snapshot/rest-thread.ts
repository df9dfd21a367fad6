/**
 * The parser's helper thread (rest.ts): reads the rest of one file, from
 * part-way through its edges array, and sends it back. The columns and
 * string bytes it fills are SharedArrayBuffers (the scanner allocates them
 * so): sent, they are shared, not copied; the rest is transferred.
 */
import { parentPort } from 'node:worker_threads'
import { readRestOfFile, type RestJob, type RestReply } from './rest.js'
import { transferList } from './snapshot.js'

const port = parentPort
if (port !== null) {
  port.once('message', (job: RestJob) => {
    // What is not shared (the number lists) is moved, not copied.
    const send = (reply: RestReply): void => port.postMessage(reply, transferList(reply))
    readRestOfFile(
      job,
      (start) => send({ type: 'start', start }),
      (bytes) => send({ type: 'read', bytes }),
    ).then(
      (rest) => send({ type: 'done', rest }),
      (e: unknown) => send({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
    )
  })
}
