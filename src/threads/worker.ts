/**
 * The project's threads, one way: start a worker, send it messages, get its
 * typed replies or the error it threw (name, message, stack and `code` kept),
 * end it. The parser's helper (snapshot/rest-thread.ts), the analysis's
 * helper (analysis/helper-thread.ts) and the UI's loading thread
 * (tui/load-worker.ts) all speak through it.
 *
 * This folder belongs to no layer: it knows nothing of snapshots, analyses or
 * terminals and imports only Node's built-ins, so every layer may import it
 * (the layers test checks both). It is not part of the public API.
 *
 * On the wire, what a thread sends is wrapped in an envelope — a reply, the
 * error it threw, or the end of its work — so that no reply type can be
 * mistaken for an error and a thread that ends without finishing is told
 * from one that is done.
 *
 * @example
 *   // parent
 *   const t = startThread<Job, Reply>(new URL('./my-thread.js', import.meta.url), { onReply: show, onFailure: fail })
 *   t?.send({ type: 'job', file })
 *   // my-thread.ts
 *   serveThread<Job, Reply>(async (inbox, reply) => reply(work(await inbox.take('job'))))
 */
import { parentPort, Worker, type MessagePort, type Transferable } from 'node:worker_threads'

/** An error as it crosses threads: structured cloning keeps an Error's message, not its class or its code. */
export interface ErrorData {
  name: string
  message: string
  code?: string
  stack?: string
}

/** What a thread threw, rethrown on the side that started it: its name, message, stack and `code` are the thrower's. */
export class ThreadError extends Error {
  readonly code: string | undefined
  constructor(data: ErrorData) {
    super(data.message)
    this.name = data.name
    this.code = data.code
    if (data.stack !== undefined) this.stack = data.stack
  }
}

/** The error data of anything thrown. */
export function errorData(thrown: unknown): ErrorData {
  if (!(thrown instanceof Error)) return { name: 'Error', message: String(thrown) }
  const code = (thrown as { code?: unknown }).code
  return { name: thrown.name, message: thrown.message, code: typeof code === 'string' ? code : undefined, stack: thrown.stack }
}

/** What a thread sends, wrapped. */
type Envelope<Reply> = { reply: Reply } | { error: ErrorData } | { end: true }

/** The parent's side of a started thread. */
export interface Thread<Message> {
  /** Sends a message: the job, or a later step of the conversation. */
  send(message: Message, transfer?: readonly Transferable[]): void
  /** Ends the thread; no handler is called after this. */
  stop(): void
}

export interface ThreadHandlers<Reply> {
  /** each reply, in the order sent */
  onReply(reply: Reply): void
  /**
   * Called once at most, and never after stop() or after the thread ended its
   * work: the thread threw (a ThreadError, with the thrower's code), its
   * module failed to load, it stopped before ending its work, or onReply
   * threw (that error, as it is; the thread is stopped).
   */
  onFailure(error: Error): void
}

/**
 * Starts `url` (a module that calls serveThread) on a worker thread. Null
 * when no thread can be created (a resource limit): the caller does the work
 * itself.
 */
export function startThread<Message, Reply>(url: URL, handlers: ThreadHandlers<Reply>): Thread<Message> | null {
  let worker: Worker
  try {
    worker = new Worker(url)
  } catch {
    return null
  }
  let over = false
  const stop = (): void => {
    over = true
    void worker.terminate()
  }
  const fail = (error: Error): void => {
    if (over) return
    stop()
    handlers.onFailure(error)
  }
  worker.on('message', (m: Envelope<Reply>) => {
    if (over) return
    if ('reply' in m) {
      try {
        handlers.onReply(m.reply)
      } catch (e) {
        fail(e instanceof Error ? e : new Error(String(e)))
      }
    } else if ('error' in m) fail(new ThreadError(m.error))
    else over = true // ended its work: its exit is no failure
  })
  worker.on('error', (e) => fail(e))
  worker.on('exit', (code) => fail(new Error(`the thread stopped (exit code ${code}) before it ended its work`)))
  return { send: (message, transfer) => worker.postMessage(message, transfer), stop }
}

/** The messages a thread is sent, in order. */
export interface Inbox<Message> {
  /** the next message */
  next(): Promise<Message>
  /** the next message, which must be of this type (an internal error otherwise) */
  take<K extends TypeOf<Message>>(type: K): Promise<Extract<Message, { type: K }>>
}

type TypeOf<M> = M extends { type: infer K } ? K : never

/** One listener for the thread's life, so that no message is missed between awaits. */
function inbox<Message>(port: MessagePort): Inbox<Message> {
  const queued: Message[] = []
  const waiting: ((message: Message) => void)[] = []
  port.on('message', (message: Message) => {
    const take = waiting.shift()
    if (take === undefined) queued.push(message)
    else take(message)
  })
  const next = (): Promise<Message> =>
    queued.length > 0 ? Promise.resolve(queued.shift() as Message) : new Promise<Message>((resolve) => waiting.push(resolve))
  return {
    next,
    async take(type) {
      const m = await next()
      const found = (m as { type?: unknown }).type
      if (found !== type) throw new Error(`internal: the thread expected a "${String(type)}" message, got "${String(found)}"`)
      return m as Extract<Message, { type: typeof type }>
    },
  }
}

/**
 * The thread's side (call it at the top of the thread's module): runs
 * `serve` with the messages sent to it and a way to reply; what it throws
 * goes back as the parent's ThreadError. When `serve` is done the thread
 * ends. Outside a worker thread (the module imported on the main thread)
 * this does nothing.
 */
export function serveThread<Message, Reply>(
  serve: (inbox: Inbox<Message>, reply: (reply: Reply, transfer?: readonly Transferable[]) => void) => Promise<void>,
): void {
  const port = parentPort
  if (port === null) return
  const post = (m: Envelope<Reply>, transfer?: readonly Transferable[]): void => port.postMessage(m, transfer)
  serve(inbox<Message>(port), (reply, transfer) => post({ reply }, transfer))
    .then(
      () => post({ end: true }),
      (e: unknown) => post({ error: errorData(e) }),
    )
    // Nothing is left to listen for: the thread ends.
    .finally(() => port.close())
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (reason: unknown) => void
}

/**
 * A promise with its settle functions, for a result that arrives as a
 * reply. It is awaited, if at all, only later (once this thread's own work
 * is done): never an unhandled rejection if that work fails or stops first.
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(() => undefined)
  return { promise, resolve, reject }
}
