import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { displayNodeName } from '../../../src/report/node-name.js'
import { TinySnapshot } from '../cli/tiny-snapshot.js'

describe('displayNodeName', () => {
  it('redacts string nodes only, and cuts and escapes every name', async () => {
    const t = new TinySnapshot()
    const root = t.node('synthetic', '', 0)
    const secret = t.node('string', 'password=hunter2\n', 20)
    const cons = t.node('concatenated string', 'ab'.repeat(50), 20)
    const sliced = t.node('sliced string', 'tok', 20)
    const foo = t.node('object', 'Foo', 20)
    const long = t.node('object', 'L'.repeat(100), 20)
    for (const n of [secret, cons, sliced, foo, long]) t.edge(root, 'element', n, n)
    const s = await t.parse()
    assert.equal(displayNodeName(s, secret), 'password=hunter2\\n')
    assert.equal(displayNodeName(s, secret, { redact: true }), '<redacted 17 chars>')
    assert.equal(displayNodeName(s, cons, { redact: true }), '<redacted 100 chars>')
    assert.equal(displayNodeName(s, sliced, { redact: true }), '<redacted 3 chars>')
    assert.equal(displayNodeName(s, cons), 'ab'.repeat(29) + 'a…')
    assert.equal(displayNodeName(s, foo, { redact: true }), 'Foo')
    assert.equal(displayNodeName(s, long, { limit: 10 }), 'LLLLLLLLL…')
  })
})
