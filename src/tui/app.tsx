/**
 * The terminal UI (Ink). Thin: screens come from screens.ts (library API
 * only), state from the reducer in state.ts, keys from keymap.ts. Only the
 * visible rows are rendered; the layout follows the terminal's size.
 */
import { Box, Text, render, useApp, useInput, useStdout } from 'ink'
import { useEffect, useReducer } from 'react'
import { KEYMAP, statusLine } from './keymap.js'
import type { Screen } from './screens.js'
import { currentFrame, initialState, reduce, type State } from './state.js'

/** Lines the UI uses besides the list: tabs, title, header, column names, status. */
function chromeLines(state: State): number {
  const frame = currentFrame(state)
  return 4 + Math.min(frame.screen.header.length, 4) + 1
}

function fit(text: string, width: number): string {
  if (width <= 0) return ''
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?')
  return clean.length <= width ? clean : clean.slice(0, Math.max(0, width - 1)) + '…'
}

/** Cuts from the left: the end of a retainer path (the object) matters most. */
function fitTail(text: string, width: number): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?')
  return clean.length <= width ? clean : '…' + clean.slice(clean.length - width + 1)
}

/** `path 2: …the end of the path`: the label stays, the path loses its start. */
function fitPath(text: string, width: number): string {
  const colon = text.indexOf(': ')
  const label = text.slice(0, colon + 2)
  return label + fitTail(text.slice(colon + 2), width - label.length)
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const t = fit(text, width)
  return align === 'right' ? t.padStart(width) : t.padEnd(width)
}

export interface AppProps {
  initial: State
  color: boolean
  columns: number
  rows: number
}

export function App({ initial, color, columns: startColumns, rows: startRows }: AppProps) {
  const [state, dispatch] = useReducer(reduce, initial)
  const { exit } = useApp()
  const { stdout } = useStdout()
  const width = stdout?.columns ?? startColumns
  const height = stdout?.rows ?? startRows

  useInput((input, key) => dispatch({ type: 'key', input, key }))
  useEffect(() => {
    dispatch({ type: 'resize', listHeight: height - chromeLines(state) })
  }, [height, state.tab, currentFrame(state).screen])
  useEffect(() => {
    const onResize = (): void => dispatch({ type: 'resize', listHeight: (stdout?.rows ?? startRows) - chromeLines(state) })
    stdout?.on('resize', onResize)
    return () => {
      stdout?.off('resize', onResize)
    }
  }, [stdout, state])
  useEffect(() => {
    if (state.quit) exit()
  }, [state.quit])

  const frame = currentFrame(state)
  const screen = frame.screen
  const listHeight = Math.max(1, height - chromeLines(state))
  // Column widths: numbers take what their widest visible cell needs; the first column the rest.
  const visible = frame.view.slice(frame.top, frame.top + listHeight)
  const widths = screen.columns.map((c, i) => Math.max(c.header.length, ...visible.map((r) => screen.rows[r].cells[i].length)))
  const others = widths.slice(1).reduce((a, w) => a + w + 2, 0)
  widths[0] = Math.max(10, width - others - 2)
  const line = (cells: string[]): string => cells.map((c, i) => pad(c, widths[i], screen.columns[i].align)).join('  ')
  const accent = color ? 'cyan' : undefined

  if (state.help) {
    return (
      <Box flexDirection="column">
        <Text bold>heapscope — keys</Text>
        {KEYMAP.map((k) => (
          <Text key={k.action}>{`  ${k.keys.padEnd(8)} ${k.description}`}</Text>
        ))}
        <Text dimColor>any key: back</Text>
      </Box>
    )
  }
  return (
    <Box flexDirection="column">
      <Text>
        {state.tabs.map((t, i) => (i === state.tab ? `[${t.name}]` : ` ${t.name} `)).join(' ')}
      </Text>
      <Text bold color={accent}>
        {fit(screen.title + (frame.filter !== '' || state.editing ? `   filter: ${frame.filter}${state.editing ? '▏' : ''}` : ''), width)}
      </Text>
      {screen.header.slice(0, 4).map((h, i) => (
        <Text key={i} dimColor={i > 0}>
          {h.startsWith('path ') ? fitPath(h, width) : fit(h, width)}
        </Text>
      ))}
      <Text underline>{fit(line(screen.columns.map((c, i) => (i === frame.sortColumn ? c.header + '↓' : c.header))), width)}</Text>
      {visible.map((r, i) => {
        const selected = frame.top + i === frame.selected
        return (
          <Text key={r} inverse={selected}>
            {fit(line(screen.rows[r].cells), width)}
          </Text>
        )
      })}
      {visible.length === 0 ? <Text dimColor>(nothing here)</Text> : null}
      <Text dimColor>{fit(state.message !== '' ? state.message : `${frame.view.length === 0 ? 0 : frame.selected + 1}/${frame.view.length}  ${statusLine()}`, width)}</Text>
    </Box>
  )
}

export interface TuiOptions {
  tabs: { name: string; make: () => Screen }[]
  color: boolean
}

/**
 * Runs the UI until the user quits. Resolves when it has unmounted.
 *
 * @example
 *   await runTui({ tabs: [{ name: 'Summary', make: () => summaryScreen(h) }], color: true })
 */
export async function runTui(options: TuiOptions): Promise<void> {
  const columns = process.stdout.columns ?? 100
  const rows = process.stdout.rows ?? 30
  const initial = initialState(options.tabs, rows - 10)
  const app = render(<App initial={initial} color={options.color} columns={columns} rows={rows} />, { exitOnCtrlC: false })
  await app.waitUntilExit()
}
