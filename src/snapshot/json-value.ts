/**
 * Any one JSON value, walked byte by byte and checked as JSON.parse checks
 * it (RFC 8259: strings and their escapes, numbers without leading zeros,
 * `true`/`false`/`null`, commas and colons in place), without being built:
 * the sections heapscope does not read (Chromium's `scopes…`, whatever V8
 * adds next) are skipped this way in O(depth) memory, and the small
 * `snapshot` header is captured as text for JSON.parse. Skipping without a
 * check let a broken file pass, and a known section whose name was damaged
 * silently disappear.
 *
 * The walk's state is kept across chunks, so a token may be split at any
 * byte.
 */
import { BACKSLASH, type ByteCursor, COLON, COMMA, isWhitespace, LBRACE, LBRACKET, NINE, QUOTE, RBRACE, RBRACKET, ZERO } from './cursor.js'

const MINUS = 0x2d
const PLUS = 0x2b
const DOT = 0x2e

const enum Walk {
  /** a value */
  Value,
  /** just after '[': a value or ']' */
  ValueOrClose,
  /** just after '{': a key or '}' */
  KeyOrClose,
  /** after ',' in an object: a key */
  Key,
  /** after a key: ':' */
  Colon,
  /** after a value inside an array or object: ',' or its closing bracket */
  CommaOrClose,
  /** inside a string (a key when `inKey`) */
  InString,
  /** just after a backslash in a string */
  Escape,
  /** in the four hex digits of a \u escape */
  Unicode,
  /** in `true`, `false` or `null` */
  Literal,
  /** just after '-': a digit */
  Minus,
  /** after a leading 0: '.', 'e', or the number's end (no more digits) */
  Zero,
  /** in the integer's digits */
  Integer,
  /** just after '.': a digit */
  Dot,
  Fraction,
  /** just after 'e': a sign or a digit */
  Exponent,
  /** after the exponent's sign: a digit */
  ExponentSign,
  ExponentDigits,
  /** the value is complete */
  Done,
}

const ARRAY = 0
const OBJECT = 1

/** Which bytes may follow a backslash in a JSON string. */
const ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74, 0x75])

function isHex(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
}

/** The states in which a number may end. */
function numberMayEnd(s: Walk): boolean {
  return s === Walk.Zero || s === Walk.Integer || s === Walk.Fraction || s === Walk.ExponentDigits
}

/**
 * Walks one JSON value from the cursor (after any whitespace), checking its
 * syntax; hands each consumed byte range to `sink` (null: skip). `what`
 * names it in errors ('the "scopes" section'). The cursor ends just after
 * the value.
 */
export async function walkValue(c: ByteCursor, what: string, sink: ((bytes: Uint8Array) => void) | null): Promise<void> {
  const startOffset = c.offset
  if ((await c.peek()) === undefined) c.fail(`${what}: a JSON value`)
  let state: Walk = Walk.Value
  /** open arrays and objects, innermost last */
  let stack = new Uint8Array(16)
  let depth = 0
  let inKey = false
  let hexLeft = 0
  let literal = ''
  let literalAt = 0
  for (;;) {
    if (!(await c.fill())) {
      // A number is the one value that ends at the end of input.
      if (depth === 0 && numberMayEnd(state)) return
      c.fail(`the end of ${what} that starts at byte ${startOffset}`, 'end of file')
    }
    const buf = c.buf
    const from = c.pos
    let i = from
    const bad = (expected: string): never => {
      c.pos = i
      return c.fail(`${expected} in ${what}`)
    }
    /** After a complete value: the end of the walk, or what its container takes next. */
    const valueEnded = (): Walk => (depth === 0 ? Walk.Done : Walk.CommaOrClose)
    for (; i < buf.length && state !== Walk.Done; i++) {
      const b = buf[i]
      switch (state) {
        case Walk.InString:
          if (b === QUOTE) {
            if (inKey) {
              inKey = false
              state = Walk.Colon
            } else state = valueEnded()
          } else if (b === BACKSLASH) state = Walk.Escape
          else if (b < 0x20) bad('no control character (escape it)')
          continue
        case Walk.Escape:
          if (!ESCAPES.has(b)) bad('a valid escape after \\')
          if (b === 0x75) {
            state = Walk.Unicode
            hexLeft = 4
          } else state = Walk.InString
          continue
        case Walk.Unicode:
          if (!isHex(b)) bad('a hex digit in a \\u escape')
          if (--hexLeft === 0) state = Walk.InString
          continue
        case Walk.Literal:
          if (b !== literal.charCodeAt(literalAt)) bad(`'${literal}'`)
          if (++literalAt === literal.length) state = valueEnded()
          continue
        case Walk.Minus:
          if (b === ZERO) state = Walk.Zero
          else if (b > ZERO && b <= NINE) state = Walk.Integer
          else bad('a digit after -')
          continue
        case Walk.Dot:
        case Walk.ExponentSign:
          if (b < ZERO || b > NINE) bad(state === Walk.Dot ? "a digit after '.'" : 'a digit in the exponent')
          state = state === Walk.Dot ? Walk.Fraction : Walk.ExponentDigits
          continue
        case Walk.Exponent:
          if (b === PLUS || b === MINUS) state = Walk.ExponentSign
          else if (b >= ZERO && b <= NINE) state = Walk.ExponentDigits
          else bad('a digit in the exponent')
          continue
        case Walk.Zero:
        case Walk.Integer:
        case Walk.Fraction:
        case Walk.ExponentDigits:
          if (b >= ZERO && b <= NINE) {
            if (state === Walk.Zero) bad('no leading zero (a number, or one 0)')
            continue
          }
          if (b === DOT && (state === Walk.Zero || state === Walk.Integer)) {
            state = Walk.Dot
            continue
          }
          if ((b === 0x65 || b === 0x45) && state !== Walk.ExponentDigits) {
            state = Walk.Exponent
            continue
          }
          // The number ended before this byte, which its container reads (or, at the top, what follows).
          state = valueEnded()
          i--
          continue
      }
      if (isWhitespace(b)) continue
      switch (state) {
        case Walk.Colon:
          if (b !== COLON) bad("':' after a key")
          state = Walk.Value
          continue
        case Walk.KeyOrClose:
        case Walk.Key:
          if (b === QUOTE) {
            inKey = true
            state = Walk.InString
          } else if (b === RBRACE && state === Walk.KeyOrClose) {
            depth--
            state = valueEnded()
          } else bad(state === Walk.Key ? 'a key in quotes' : "a key in quotes or '}'")
          continue
        case Walk.CommaOrClose: {
          const inObject = stack[depth - 1] === OBJECT
          if (b === COMMA) state = inObject ? Walk.Key : Walk.Value
          else if (b === (inObject ? RBRACE : RBRACKET)) {
            depth--
            state = valueEnded()
          } else bad(inObject ? "',' or '}'" : "',' or ']'")
          continue
        }
      }
      // Walk.Value or Walk.ValueOrClose: a value starts here.
      if (b === RBRACKET && state === Walk.ValueOrClose) {
        depth--
        state = valueEnded()
      } else if (b === LBRACKET || b === LBRACE) {
        if (depth === stack.length) {
          const grown = new Uint8Array(stack.length * 2)
          grown.set(stack)
          stack = grown
        }
        stack[depth++] = b === LBRACKET ? ARRAY : OBJECT
        state = b === LBRACKET ? Walk.ValueOrClose : Walk.KeyOrClose
      } else if (b === QUOTE) state = Walk.InString
      else if (b === MINUS) state = Walk.Minus
      else if (b === ZERO) state = Walk.Zero
      else if (b > ZERO && b <= NINE) state = Walk.Integer
      else if (b === 0x74 || b === 0x66 || b === 0x6e) {
        literal = b === 0x74 ? 'true' : b === 0x66 ? 'false' : 'null'
        literalAt = 1
        state = Walk.Literal
      } else bad(state === Walk.ValueOrClose ? "a value or ']'" : 'a value')
    }
    sink?.(buf.subarray(from, i))
    c.pos = i
    if (state === Walk.Done) return
  }
}

/** Returns the raw text of the JSON value at the cursor, checked, of at most `maxBytes` (the small header). */
export async function captureValue(c: ByteCursor, maxBytes: number, what: string): Promise<string> {
  const parts: Uint8Array[] = []
  let total = 0
  const start = c.offset
  await walkValue(c, what, (chunk) => {
    total += chunk.length
    if (total > maxBytes) c.fail(`${what} of at most ${maxBytes} bytes`, 'more', start)
    parts.push(Buffer.from(chunk)) // a copy: chunk buffers are reused
  })
  return Buffer.concat(parts).toString('utf8')
}

/** Skips the JSON value at the cursor, checking its syntax. */
export async function skipValue(c: ByteCursor, section: string): Promise<void> {
  await walkValue(c, `the "${section}" section`, null)
}
