/**
 * What heapscope record reads from a Python command line without running it:
 * the name its files get (the script, the module run with -m), whether it is
 * Python at all, and the options that would keep heapscope's sitecustomize
 * from loading (-S, -I, -E, alone or among other flags), as python3's own
 * option parsing reads them (-X and -W take a value).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { recordTargetKinds } from '../../../src/capture/record-target.js'
import { parsePythonCommand, pythonModuleDir } from '../../../src/capture/python-target.js'

describe('python command lines', () => {
  it('names the files after the script, the module, or python for -c', () => {
    const cases: [string[], string][] = [
      [['python3', 'app.py', '--port', '8080'], 'app'],
      [['/usr/bin/python3.11', '-X', 'dev', '-W', 'error', 'tools/serve.py'], 'serve'],
      [['python3', '-u', '-Xfrozen_modules=off', 'worker.pyw'], 'worker'],
      [['python3', '-m', 'myapp.server', '--debug'], 'server'],
      [['python3', '-c', 'import app; app.main()'], 'python'],
      [['python3'], 'python'],
    ]
    for (const [command, name] of cases) assert.equal(parsePythonCommand(command).name, name, command.join(' '))
  })

  it('finds -S, -I and -E before the script, alone or among other flags, and not after it', () => {
    assert.equal(parsePythonCommand(['python3', '-S', 'app.py']).blocking, '-S')
    assert.equal(parsePythonCommand(['python3', '-uI', 'app.py']).blocking, '-I')
    assert.equal(parsePythonCommand(['python3', '-X', 'dev', '-bE', '-m', 'app']).blocking, '-E')
    assert.equal(parsePythonCommand(['python3', '-u', '-X', 'importtime', 'app.py']).blocking, undefined)
    assert.equal(parsePythonCommand(['python3', 'app.py', '-S']).blocking, undefined, "the script's own -S")
    assert.equal(parsePythonCommand(['python3', '-W', 'ignore::SyntaxWarning', 'app.py']).blocking, undefined, "-W's value is not flags")
  })

  it('record takes python, python3 and python3.11 to its Python target, node to Node', () => {
    const kindOf = (program: string): string | undefined => recordTargetKinds.find((k) => k.matches([program, 'app']))?.runtime
    assert.equal(kindOf('python3'), 'Python')
    assert.equal(kindOf('/usr/local/bin/python3.11'), 'Python')
    assert.equal(kindOf('python'), 'Python')
    assert.equal(kindOf('node'), 'Node.js')
    assert.equal(kindOf('pythonista'), undefined)
  })

  it('finds the module and its sitecustomize in the checkout', () => {
    const dir = pythonModuleDir()
    assert.match(dir, /[/\\]python[/\\]?$/)
  })
})
