// Builds a heap that looks like a long-running service's, then writes a snapshot of it.
//
//   node --max-old-space-size=16000 programs/realistic-heap.mjs <scale> <out.heapsnapshot>
//
// <scale> is a real number; the heap (and so the snapshot's node and edge counts) grows in
// proportion to it. One unit of scale is one "tenant": a few hundred objects of ~60 generated
// classes holding each other (trees with parent back-pointers, so cycles), arrays of objects and
// numbers, Maps and Sets keyed by strings, WeakMaps keyed by objects, closures over shared state,
// and strings of which many are duplicates (so the snapshot's string table dedups them) and some
// are built by concatenation and slicing. A seeded PRNG keeps the heap the same from run to run.
//
// On its last stdout line it prints JSON: the scale, the time spent building and writing, and the
// file size.

import { renameSync, statSync } from 'node:fs'
import { writeHeapSnapshot } from 'node:v8'

const scale = Number(process.argv[2])
const out = process.argv[3]
if (!(scale > 0) || !out) {
  console.error('usage: realistic-heap.mjs <scale> <out.heapsnapshot>')
  process.exit(2)
}

// mulberry32: small, seeded, good enough for picking shapes
let seed = 0x9e3779b9
function random() {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (array) => array[Math.floor(random() * array.length)]
const int = (n) => Math.floor(random() * n)

// ~60 classes with distinct names and field sets, made from source so V8 names them.
const CLASS_COUNT = 60
const classes = []
for (let c = 0; c < CLASS_COUNT; c++) {
  const fieldCount = 2 + (c % 7)
  const fields = Array.from({ length: fieldCount }, (_, f) => `field${c}_${f}`)
  const kind = ['Order', 'Customer', 'Session', 'Widget', 'Request', 'CacheEntry', 'Node', 'Token', 'Span', 'Event'][c % 10]
  const source = `return class ${kind}${c} {
    constructor(${fields.join(', ')}) { ${fields.map((f) => `this.${f} = ${f};`).join(' ')} }
    describe() { return '${kind}${c}:' + this.${fields[0]} }
  }`
  classes.push({ ctor: new Function(source)(), fields })
}

// A vocabulary of words: values pick from it, so many strings are duplicates.
const words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}_${'abcdefghij'.slice(0, 1 + (i % 10))}`)
// Template literals make concatenated (cons) strings; join makes flat ones. Real heaps have both.
const sentence = () => `${pick(words)} ${pick(words)} ${pick(words)}`
const flatSentence = () => [pick(words), pick(words), pick(words), int(1000)].join(' ')

function makeValue(depth, parent) {
  const r = random()
  if (r < 0.25) return pick(words) // duplicate string
  if (r < 0.35) return int(1_000_000) // smi
  if (r < 0.4) return random() * 1000 // heap number
  if (r < 0.44) return sentence() + int(100) // fresh concatenated string
  if (r < 0.48) return flatSentence() // fresh flat string
  if (r < 0.5) return parent // back-pointer to its owner: a cycle
  if (depth > 0 && r < 0.8) return makeObject(depth - 1, parent)
  return null
}

function makeObject(depth, parent) {
  const { ctor, fields } = pick(classes)
  const self = new ctor() // every field present (undefined), so filling them keeps the class's map
  self[fields[0]] = parent // the child points back at its parent: cycles everywhere
  for (let f = 1; f < fields.length; f++) self[fields[f]] = makeValue(depth, self)
  return self
}

class Tenant {
  constructor(id) {
    this.id = id
    this.name = `tenant-${id}`
    this.roots = []
    this.byKey = new Map()
    this.tags = new Set()
    this.meta = new WeakMap()
    this.numbers = []
    this.listeners = []
    this.log = []
  }
}

const world = { tenants: [], shared: new Map(), registry: new WeakMap() }
globalThis.__benchWorld = world

function buildTenant(id) {
  const t = new Tenant(id)
  // trees of class instances, depth 3, with parent back-pointers
  for (let i = 0; i < 12; i++) {
    const o = makeObject(3, t)
    t.roots.push(o)
    t.meta.set(o, { seen: int(100), note: pick(words) }) // ephemeron: key -> value
    world.registry.set(o, t)
  }
  // Map and Set keyed by strings, some shared keys across tenants
  for (let i = 0; i < 20; i++) {
    const key = i % 3 === 0 ? pick(words) : `${t.name}/${i}`
    t.byKey.set(key, i % 4 === 0 ? makeObject(1, t) : [int(10), pick(words), t])
    t.tags.add(pick(words))
  }
  // arrays of numbers (packed smi and double), and of objects
  t.numbers.push(Array.from({ length: 32 }, () => int(1000)))
  t.numbers.push(Float64Array.from({ length: 16 }, () => random()))
  t.numbers.push(Array.from({ length: 8 }, () => random() * 10))
  // closures sharing a context that holds the tenant
  let counter = 0
  const label = sentence()
  for (let i = 0; i < 4; i++) {
    t.listeners.push(function onEvent(event) {
      counter += i
      return label.length + event + counter + t.id
    })
  }
  t.listeners.push((x) => x + counter)
  // a log of fresh strings, some sliced out of a longer one
  const line = `${t.name} ${sentence()} ${sentence()} ${sentence()} ${'x'.repeat(int(40))}`
  for (let i = 0; i < 6; i++) t.log.push(i % 2 ? line.slice(i, i + 20 + int(20)) : `${pick(words)}#${id}:${i}`)
  // cross-tenant links: cycles across tenants
  if (world.tenants.length > 0) {
    const other = world.tenants[int(world.tenants.length)]
    t.roots.push({ peer: other, back: t })
  }
  return t
}

const tenantCount = Math.max(1, Math.round(scale * 1000))
const started = process.hrtime.bigint()
for (let i = 0; i < tenantCount; i++) {
  const t = buildTenant(i)
  world.tenants.push(t)
  if (i % 50 === 0) world.shared.set(t.name, t)
}
const built = process.hrtime.bigint()
writeHeapSnapshot(out)
const written = process.hrtime.bigint()
// `<scale> <out> <growth> <out2>`: a second snapshot of the same process
// after `growth` x the tenants more (a leak), and a fifth of the first ones
// released: a before/after pair for the diff benchmark.
// `<scale> <prefix> series <count>`: <count> snapshots of the same process,
// `<prefix>-1.heapsnapshot` ... : between two, 2% more tenants (a leak that
// grows in every interval), a churn buffer of objects replaced whole (comes
// and goes without growing) and 1% of the oldest tenants released. For the
// growth benchmark (bench/generate-series.mjs).
if (process.argv[4] === 'series') {
  const count = Number(process.argv[5])
  const churn = []
  renameSync(out, `${out}-1.heapsnapshot`)
  for (let k = 2; k <= count; k++) {
    world.tenants.splice(0, Math.floor(tenantCount / 100))
    const base = tenantCount + (k - 2) * Math.round(tenantCount * 0.02)
    for (let i = 0; i < Math.round(tenantCount * 0.02); i++) world.tenants.push(buildTenant(base + i))
    churn.length = 0
    for (let i = 0; i < 2000; i++) churn.push(makeObject(1, null))
    globalThis.__benchChurn = churn.slice()
    writeHeapSnapshot(`${out}-${k}.heapsnapshot`)
  }
}
const growth = Number(process.argv[4] ?? 0)
const out2 = process.argv[5]
if (growth > 0 && out2) {
  world.tenants.splice(0, Math.floor(world.tenants.length / 5))
  for (let i = 0; i < Math.round(tenantCount * growth); i++) world.tenants.push(buildTenant(tenantCount + i))
  writeHeapSnapshot(out2)
}
console.log(
  JSON.stringify({
    scale,
    tenants: tenantCount,
    buildSeconds: Number(built - started) / 1e9,
    snapshotSeconds: Number(written - built) / 1e9,
    bytes: statSync(process.argv[4] === 'series' ? `${out}-1.heapsnapshot` : out).size,
  }),
)
