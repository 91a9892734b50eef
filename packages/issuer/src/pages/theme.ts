// The pages' colours and brand (DESIGN.md "The account page, remembered
// consent, scope descriptions and branding"), made once from the
// configuration: every text colour meets WCAG 2.2 AA (4.5:1) on the
// backgrounds it is drawn on, in light and in dark mode, with the default
// accent and with the operator's. The accent fills buttons, whose text is
// black or white (whichever meets 4.5:1); as link text it is darkened
// (light mode) or lightened (dark mode) until it meets 4.5:1.
import { readableOn, textOn } from '../config/colour.js'

/** The fixed colours of each mode. */
export const LIGHT = { fg: '#1a1a1a', bg: '#f6f6f4', card: '#ffffff', muted: '#5b5b5b', line: '#d4d4d0', danger: '#b3261e' } as const
export const DARK = { fg: '#ececea', bg: '#161616', card: '#222222', muted: '#a8a8a4', line: '#444444', danger: '#ff8a80' } as const
/** The default accent of each mode (no TESSERA_BRAND_COLOR). */
export const DEFAULT_ACCENT = { light: '#1d5fd0', dark: '#7aa7ff' } as const

export interface ModeColours {
  fg: string; bg: string; card: string; muted: string; line: string; danger: string
  /** Button fill. */
  accent: string
  /** Button text on the accent. */
  onAccent: string
  /** Links and secondary buttons' text, on the card and the page background. */
  link: string
}

export interface Palette { light: ModeColours; dark: ModeColours }

function mode(base: typeof LIGHT | typeof DARK, accent: string, toward: '#000000' | '#ffffff'): ModeColours {
  const onAccent = textOn(accent)
  const link = readableOn(accent, [base.bg, base.card], toward)
  // Settings refuse an accent with no readable text colour, and black or white always reads on these backgrounds.
  if (onAccent === null || link === null) throw new Error(`no readable text for accent ${accent}`)
  return { ...base, accent, onAccent, link }
}

/** The colours of both modes for an accent (null: the default). */
export function palette(accent: string | null): Palette {
  return {
    light: mode(LIGHT, accent ?? DEFAULT_ACCENT.light, '#000000'),
    dark: mode(DARK, accent ?? DEFAULT_ACCENT.dark, '#ffffff'),
  }
}

/** The CSS custom properties of a mode. */
export function cssVariables(c: ModeColours): string {
  return `--fg:${c.fg};--bg:${c.bg};--card:${c.card};--muted:${c.muted};--line:${c.line};--danger:${c.danger};` +
    `--accent:${c.accent};--on-accent:${c.onAccent};--link:${c.link}`
}
