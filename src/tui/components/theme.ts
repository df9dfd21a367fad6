/**
 * Colours carry meaning, and only that: growth red, freed green, bars and
 * titles in one accent. With colour off (NO_COLOR, --no-color, not a colour
 * terminal) every field is undefined and Ink draws plain text; bars stay,
 * as characters.
 */
export interface Theme {
  accent?: string
  grew?: string
  freed?: string
  bar?: string
}

export function themeFor(color: boolean): Theme {
  return color ? { accent: 'cyan', grew: 'red', freed: 'green', bar: 'cyan' } : {}
}
