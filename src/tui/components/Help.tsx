/** The `?` help: the key table and the path notation (help.ts), scrolled when taller than the terminal. */
import { Text } from 'ink'
import { statusHints } from '../keymap.js'
import { helpHeight } from '../layout.js'
import { helpLines } from '../help.js'
import { cutEnd } from '../text.js'
import type { Theme } from './theme.js'

export function Help({ top, columns, rows, theme }: { top: number; columns: number; rows: number; theme: Theme }) {
  const lines = helpLines()
  const height = helpHeight(rows)
  const shown = lines.slice(top, top + height)
  const more = lines.length > height ? `  lines ${top + 1}-${top + shown.length} of ${lines.length}, ↑↓ PgUp PgDn scroll` : ''
  return (
    <>
      <Text bold color={theme.accent} wrap="truncate">
        {cutEnd('heapscope — keys', columns - 1)}
      </Text>
      {Array.from({ length: height }, (_, i) => (
        <Text key={i} bold={shown[i] !== undefined && !shown[i].startsWith(' ') && shown[i] !== ''} wrap="truncate">
          {cutEnd(shown[i] ?? '', columns - 1) || ' '}
        </Text>
      ))}
      <Text dimColor wrap="truncate">
        {cutEnd(statusHints('help', columns - 1) + more, columns - 1)}
      </Text>
    </>
  )
}
