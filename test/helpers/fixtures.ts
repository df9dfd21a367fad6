/** The real snapshots in fixtures/ and the facts fixtures/manifest.json records about each. */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { fixturePath } from './paths.js'

/** The gzipped snapshots in fixtures/, by file name, sorted. */
export const fixtureNames: string[] = readdirSync(fixturePath(''))
  .filter((f) => f.endsWith('.heapsnapshot.gz'))
  .sort()

/** A fixture's facts in fixtures/manifest.json, from the program that wrote it. */
export interface ManifestEntry {
  kind: string
  hasAllocationTraces: boolean
  /** live objects per class name */
  classCounts?: Record<string, number>
}

let manifest: Record<string, ManifestEntry> | undefined

/** The manifest's entry for `name` (a file name, with or without `.heapsnapshot.gz`). */
export function manifestEntry(name: string): ManifestEntry {
  manifest ??= JSON.parse(readFileSync(fixturePath('manifest.json'), 'utf8')) as Record<string, ManifestEntry>
  const entry = manifest[name.replace(/\.heapsnapshot\.gz$/, '')]
  assert.ok(entry !== undefined, `fixtures/manifest.json has no entry for ${name}`)
  return entry
}
