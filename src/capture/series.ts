/**
 * A series of snapshots of one target, named so they sort in the order they
 * were taken (snapshot-file.ts). When to take the next one is the caller's
 * business (a timer, a key, a signal): `next` resolves true for "now" and
 * false for "that was the last".
 */
import type { SnapshotFile, TakeSnapshotOptions } from './heap-profiler.js'
import { nextSnapshotPath } from './snapshot-file.js'

/** Anything that can write a snapshot to a file: a HeapProfilerSession, a RecordTarget. */
export interface SnapshotSource {
  /** what the files are named after */
  readonly name: string
  /** the process id (or another short identity) in the file names */
  readonly pid: number | string | undefined
  takeSnapshot(file: string, options?: TakeSnapshotOptions): Promise<SnapshotFile>
}

export interface SeriesOptions {
  /** the folder the files go to */
  dir: string
  /** resolves true when the next snapshot is due, false when the series is over */
  next: () => Promise<boolean>
  /** called before each snapshot with its path */
  onStart?: (file: string) => void
  /** called with each snapshot once it is on disk */
  onSnapshot?: (taken: SnapshotFile) => void
  onProgress?: TakeSnapshotOptions['onProgress']
  /** aborts the snapshot under way (its partial file is removed) and the series */
  signal?: AbortSignal
}

/**
 * Takes snapshots of `source` into `options.dir` each time `next` says so;
 * resolves with the files taken. A failed snapshot rejects (its partial file
 * removed); the files already taken stay.
 *
 * @example
 *   let left = 2
 *   const files = await takeSnapshotSeries(session, { dir: '.', next: async () => left-- > 0 })
 */
export async function takeSnapshotSeries(source: SnapshotSource, options: SeriesOptions): Promise<SnapshotFile[]> {
  const taken: SnapshotFile[] = []
  const aborted = (): boolean => options.signal?.aborted === true
  while (!aborted() && (await options.next())) {
    if (aborted()) break
    const file = nextSnapshotPath(options.dir, source.name, source.pid ?? 'unknown')
    options.onStart?.(file)
    const snapshot = await source.takeSnapshot(file, {
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
    taken.push(snapshot)
    options.onSnapshot?.(snapshot)
  }
  return taken
}
