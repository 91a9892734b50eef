// WCAG 2.2 AA contrast (SC 1.4.3: 4.5:1 for text) of every text colour the
// pages use, on every background it is drawn on, in light and dark mode,
// with the default accent and with configured ones (DESIGN.md "Branding";
// issue 20: the dark-mode Allow button was white on light blue, ~2.4:1).
import t from 'tap'
import { contrast, MIN_TEXT_CONTRAST, readableOn, textOn } from '../../src/config/colour.js'
import { palette, type ModeColours } from '../../src/pages/theme.js'
import { theme } from '../../src/pages/layout.js'

/** [what, text, background] of every text the stylesheet draws. */
const pairs = (c: ModeColours): Array<[string, string, string]> => [
  ['text on card', c.fg, c.card], ['text on page', c.fg, c.bg], ['input text', c.fg, c.bg],
  ['muted on card', c.muted, c.card], ['muted on page (brand line)', c.muted, c.bg],
  ['alert on card', c.danger, c.card], ['unverified mark on card', c.danger, c.card],
  ['link on card', c.link, c.card], ['link on page', c.link, c.bg], ['secondary button on card', c.link, c.card],
  ['button text on accent', c.onAccent, c.accent],
  // The account page: "Delete account" and "(not confirmed)" in the danger colour, a described scope's check mark, the outcome line.
  ['danger button on card', c.danger, c.card], ['not-confirmed mark on card', c.danger, c.card],
  ['scope check mark on card', c.link, c.card], ['notice text on card', c.fg, c.card],
]

t.test('the WCAG formulas: black on white is 21:1, white on white 1:1', async (t) => {
  t.equal(Math.round(contrast('#000000', '#ffffff') * 100) / 100, 21)
  t.equal(contrast('#ffffff', '#ffffff'), 1)
  t.equal(Math.round(contrast('#777777', '#ffffff') * 100) / 100, 4.48)
})

for (const accent of [null, '#ffcc00', '#1d5fd0', '#7aa7ff', '#777777', '#00ff00', '#000080', '#ffffff', '#000000']) {
  t.test(`every text reaches ${MIN_TEXT_CONTRAST}:1 in light and dark mode, accent ${accent ?? 'default'}`, async (t) => {
    const colours = palette(accent)
    for (const [name, c] of Object.entries(colours)) {
      for (const [what, fg, bg] of pairs(c)) {
        const ratio = contrast(fg, bg)
        t.ok(ratio >= MIN_TEXT_CONTRAST, `${name}: ${what} ${fg} on ${bg} = ${ratio.toFixed(2)}:1`)
      }
    }
  })
}

t.test('the default dark-mode button is black on light blue, no longer white (issue 20: 2.4:1)', async (t) => {
  const dark = palette(null).dark
  t.equal(dark.onAccent, '#000000')
  t.ok(contrast('#ffffff', dark.accent) < MIN_TEXT_CONTRAST, 'white would fail')
  t.comment(`dark: white on ${dark.accent} = ${contrast('#ffffff', dark.accent).toFixed(2)}, black = ${contrast('#000000', dark.accent).toFixed(2)}`)
})

t.test('black or white always reads on an accent; a link colour is darkened or lightened until it reads', async (t) => {
  for (let v = 0; v < 256; v += 5) {
    const grey = '#' + v.toString(16).padStart(2, '0').repeat(3)
    t.not(textOn(grey), null, grey)
  }
  t.equal(readableOn('#ffcc00', ['#ffffff'], '#000000') !== '#ffcc00', true, 'yellow is darkened for text on white')
  t.equal(readableOn('#000000', ['#ffffff'], '#000000'), '#000000', 'a colour that reads is kept')
})

t.test('the stylesheet carries the palette, and its CSP hash follows it', async (t) => {
  const a = theme({ name: 'A', color: null, logo: false })
  const b = theme({ name: 'A', color: '#ffcc00', logo: false })
  t.match(a.style.value, /--on-accent:#ffffff;--link:#1d5fd0/)
  t.match(a.style.value, /@media \(prefers-color-scheme:dark\)\{:root\{[^}]*--accent:#7aa7ff;--on-accent:#000000/)
  t.not(a.styleSource, b.styleSource)
})
