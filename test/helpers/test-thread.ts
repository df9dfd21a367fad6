/** A thread for the tests of src/threads/worker.ts: it does what each message says. */
import { serveThread } from '../../src/threads/worker.js'

export type TestMessage = { type: 'echo'; values: number[] } | { type: 'throw'; code: string | null } | { type: 'exit'; code: number } | { type: 'wait' }
export type TestReply = { type: 'value'; value: number }

serveThread<TestMessage, TestReply>(async (inbox, reply) => {
  for (;;) {
    const m = await inbox.next()
    if (m.type === 'echo') {
      for (const value of m.values) reply({ type: 'value', value })
      return
    }
    if (m.type === 'throw') {
      const e = Object.assign(new RangeError('thrown in the thread'), m.code === null ? {} : { code: m.code })
      throw e
    }
    if (m.type === 'exit') process.exit(m.code)
  }
})
