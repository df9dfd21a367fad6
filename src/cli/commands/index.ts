/**
 * Every command, in the order `--help` lists them. A plain array: nothing is
 * discovered by file name at run time. To add a command, write
 * `commands/<name>.ts` exporting `<name>Command(ctx): CommandModule<GlobalArgs, <Name>Args>`
 * and add one line here.
 */
import type { Argv, CommandModule } from 'yargs'
import type { CliContext, GlobalArgs } from '../context.js'
import { captureCommand } from './capture.js'
import { cyclesCommand } from './cycles.js'
import { detachedCommand } from './detached.js'
import { diffCommand } from './diff.js'
import { dominatorsCommand } from './dominators.js'
import { exportCommand } from './export.js'
import { growthCommand } from './growth.js'
import { inspectCommand } from './inspect.js'
import { openCommand } from './open.js'
import { recordCommand } from './record.js'
import { retainersCommand } from './retainers.js'
import { summaryCommand } from './summary.js'
import { topCommand } from './top.js'

/** A command bound to the context, with its argument type hidden, so differently-typed commands share one array. */
export interface CommandEntry {
  name: string
  /**
   * What follows `--`: files (the default: `summary -- -odd.heapsnapshot`), or
   * a program and its arguments that the command reads from `args['--']`
   * (`record -- node app.js`).
   */
  afterDashes: 'files' | 'program'
  register(y: Argv<GlobalArgs>, ctx: CliContext): Argv<GlobalArgs>
}

function entry<A>(name: string, command: (ctx: CliContext) => CommandModule<GlobalArgs, A>, afterDashes: CommandEntry['afterDashes'] = 'files'): CommandEntry {
  return { name, afterDashes, register: (y, ctx) => y.command(command(ctx)) }
}

export const commands: readonly CommandEntry[] = [
  entry('summary', summaryCommand),
  entry('diff', diffCommand),
  entry('growth', growthCommand),
  entry('open', openCommand),
  entry('top', topCommand),
  entry('dominators', dominatorsCommand),
  entry('retainers', retainersCommand),
  entry('inspect', inspectCommand),
  entry('export', exportCommand),
  entry('cycles', cyclesCommand),
  entry('detached', detachedCommand),
  entry('capture', captureCommand),
  entry('record', recordCommand, 'program'),
]
