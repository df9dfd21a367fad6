/** Reading a plain file in chunks, for the parser (open.ts) and its helper thread (rest.ts). */
import type { FileHandle } from 'node:fs/promises'

/**
 * A file's bytes in chunks, read into two buffers in turn: the next chunk is
 * read while the parser works on this one, and a chunk's buffer is reused
 * once the one after it has been asked for (the parser is done with it by
 * then). Fresh buffers per chunk would leave a file's worth of garbage to
 * the GC, and in the process's peak memory. Reading starts at byte `start`.
 */
export async function* readChunks(handle: FileHandle, chunkSize: number, start = 0): AsyncGenerator<Uint8Array> {
  const buffers = [Buffer.allocUnsafeSlow(chunkSize), Buffer.allocUnsafeSlow(chunkSize)]
  let k = 0
  let position = start
  let pending = handle.read(buffers[0], 0, chunkSize, position)
  pending.catch(() => undefined)
  try {
    for (;;) {
      const { bytesRead } = await pending
      if (bytesRead === 0) return
      const chunk = buffers[k].subarray(0, bytesRead)
      position += bytesRead
      k ^= 1
      pending = handle.read(buffers[k], 0, chunkSize, position)
      // Awaited above on the next turn; if the parser stops before that, a failing read must
      // not become an unhandled rejection.
      pending.catch(() => undefined)
      yield chunk
    }
  } finally {
    await pending.catch(() => undefined)
  }
}
