// Colours of the pages, checked against WCAG 2.2 (SC 1.4.3 Contrast
// (Minimum), AA: 4.5:1 for text; "relative luminance" and "contrast ratio"
// as WCAG 2.2 defines them, over sRGB).

/** WCAG 2.2 AA for normal text. */
export const MIN_TEXT_CONTRAST = 4.5

export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/

type Rgb = [number, number, number]

function rgb(hex: string): Rgb {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb
}

const toHex = (c: Rgb): string => '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')

/** WCAG 2.2 relative luminance of an sRGB colour `#rrggbb`. */
export function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as Rgb
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** WCAG 2.2 contrast ratio of two colours, from 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

/**
 * The text colour for a button filled with `background`: black or white,
 * whichever contrasts more, or null when neither reaches 4.5:1. (One of
 * them always reaches √21 ≈ 4.58:1, so null never comes in practice; the
 * check stays so a change of threshold cannot pass silently.)
 */
export function textOn(background: string): '#000000' | '#ffffff' | null {
  const black = contrast('#000000', background)
  const white = contrast('#ffffff', background)
  const best = black >= white ? '#000000' : '#ffffff'
  return Math.max(black, white) >= MIN_TEXT_CONTRAST ? best : null
}

/**
 * `colour` used as text (links, secondary buttons) on every one of
 * `backgrounds`: as it is when it reaches 4.5:1 on each, else mixed toward
 * `toward` (black on light pages, white on dark ones) in small steps until it
 * does. Null when even `toward` itself does not.
 */
export function readableOn(colour: string, backgrounds: readonly string[], toward: '#000000' | '#ffffff'): string | null {
  const from = rgb(colour)
  const to = rgb(toward)
  for (let step = 0; step <= 100; step++) {
    const mixed = toHex(from.map((v, i) => v + (to[i]! - v) * step / 100) as Rgb)
    if (backgrounds.every((bg) => contrast(mixed, bg) >= MIN_TEXT_CONTRAST)) return mixed
  }
  return null
}
