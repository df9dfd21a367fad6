/**
 * The parser's helper thread (rest.ts): reads the rest of one file, from
 * part-way through its edges array, and sends it back. The columns and
 * string bytes it fills are SharedArrayBuffers (the parser allocates them
 * so): sent, they are shared, not copied; the rest is transferred.
 */
import { serveThread } from '../threads/worker.js'
import { readRestOfFile, type RestJob, type RestReply } from './rest.js'
import { transferList } from './snapshot.js'

serveThread<RestJob, RestReply>(async (inbox, reply) => {
  const job = await inbox.next()
  // What is not shared (the number lists) is moved, not copied.
  const send = (r: RestReply): void => reply(r, transferList(r))
  const rest = await readRestOfFile(
    job,
    (start) => send({ type: 'start', start }),
    (bytes) => send({ type: 'read', bytes }),
  )
  send({ type: 'done', rest })
})
