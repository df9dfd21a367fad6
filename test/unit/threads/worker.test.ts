/**
 * The typed worker helper: replies in order, a thread's error with its name
 * and code, a thread that dies or never loads, a throwing reply handler, and
 * stop(): each reaches the parent once, as the handler's contract says.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deferred, startThread, ThreadError } from '../../../src/threads/worker.js'
import type { TestMessage, TestReply } from '../../helpers/test-thread.js'

const MODULE = new URL('../../helpers/test-thread.js', import.meta.url)

/**
 * Runs the test thread on `messages` and gathers what comes back: the
 * replies, and the failure; null if there is none within 200 ms of the
 * `expected`-th reply (the thread exits at once after its last one).
 */
async function run(
  messages: TestMessage[],
  expected = Number.POSITIVE_INFINITY,
  onReply?: (r: TestReply) => void,
  url = MODULE,
): Promise<{ replies: number[]; failure: Error | null }> {
  const replies: number[] = []
  const failure = deferred<Error | null>()
  let timer: NodeJS.Timeout | undefined
  const thread = startThread<TestMessage, TestReply>(url, {
    onReply: (r) => {
      onReply?.(r)
      replies.push(r.value)
      if (replies.length === expected) timer = setTimeout(() => failure.resolve(null), 200)
    },
    onFailure: (e) => failure.resolve(e),
  })
  assert.ok(thread !== null)
  for (const m of messages) thread.send(m)
  try {
    return { replies, failure: await failure.promise }
  } finally {
    clearTimeout(timer)
    thread.stop()
  }
}

describe('startThread / serveThread', () => {
  it('delivers the replies in order; a thread that ends its work is no failure', async () => {
    const { replies, failure } = await run([{ type: 'wait' }, { type: 'echo', values: [3, 1, 2] }], 3)
    assert.deepEqual(replies, [3, 1, 2])
    assert.equal(failure, null)
  })

  it("rethrows the thread's error with its name, message and code", async () => {
    const { failure } = await run([{ type: 'throw', code: 'E_FORMAT' }])
    assert.ok(failure instanceof ThreadError)
    assert.equal(failure.name, 'RangeError')
    assert.equal(failure.message, 'thrown in the thread')
    assert.equal(failure.code, 'E_FORMAT')
    assert.match(failure.stack ?? '', /test-thread/)
    const plain = await run([{ type: 'throw', code: null }])
    assert.equal((plain.failure as ThreadError).code, undefined)
  })

  it('reports a thread that stops before ending its work, or whose module does not load', async () => {
    const died = await run([{ type: 'exit', code: 3 }])
    assert.match(String(died.failure?.message), /stopped \(exit code 3\) before it ended its work/)
    const missing = await run([], undefined, undefined, new URL('./no-such-thread.js', import.meta.url))
    assert.ok(missing.failure !== null && !(missing.failure instanceof ThreadError))
  })

  it('stops the thread when a reply handler throws, and hands that error over once', async () => {
    const thrown = new Error('the handler threw')
    const { replies, failure } = await run([{ type: 'echo', values: [1, 2, 3] }], undefined, (r) => {
      if (r.value === 2) throw thrown
    })
    assert.equal(failure, thrown)
    assert.deepEqual(replies, [1], 'no reply after the failure')
  })
})
