/** The Dominators view: the dominator tree from the root (tree.ts), each row opening its object. */
import type { HeapContext, Screen } from '../screen.js'
import { objectScreen } from './objects.js'
import { dominatorTreeScreen } from './tree.js'

export function dominatorsScreen(h: HeapContext): Screen {
  return dominatorTreeScreen(h, h.s.rootOrdinal, (n) => objectScreen(h, n))
}
