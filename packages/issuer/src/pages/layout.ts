// The shell every page shares: one column, readable on a phone (viewport
// meta), no external resources, no script. The stylesheet is one constant
// inline <style>, allowed by its SHA-256 hash in the Content-Security-Policy
// (CSP3 'sha256-…' source): no nonce to thread through, nothing else inline
// can run or style the page.
import { createHash } from 'node:crypto'
import { Html, html, type Interpolated } from './html.js'
import { cssVariables, palette, type Palette } from './theme.js'
import { LOGO_PATH } from '../oauth/paths.js'

const style = (colours: Palette) => `
:root{color-scheme:light dark;${cssVariables(colours.light)}}
@media (prefers-color-scheme:dark){:root{${cssVariables(colours.dark)}}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:26rem;margin:0 auto;padding:2rem 1rem}
@media (min-width:600px){main{padding-top:4rem}}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.5rem}
@media (max-width:480px){main{padding:1.25rem .75rem}.card{padding:1.25rem}}
.card>:last-child{margin-bottom:0}
form+p{margin-top:1.25rem}
h1{font-size:1.4rem;margin:0 0 1rem}
h2{font-size:1.1rem;margin:0 0 .75rem}
section{margin:1.5rem 0 0;padding-top:1.25rem;border-top:1px solid var(--line)}
ul.apps{margin:0;padding:0;list-style:none}
ul.apps>li{margin:0 0 1.25rem}
ul.apps>li:last-child{margin-bottom:0}
p{margin:0 0 1rem}
.brand{color:var(--muted);font-size:.9rem;margin-bottom:.75rem;letter-spacing:.02em}
.muted{color:var(--muted);font-size:.9rem}
ul.scopes{margin:0 0 1rem;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:.4rem}
ul.scopes li{border:1px solid var(--line);border-radius:999px;padding:.1rem .7rem;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem;overflow-wrap:anywhere}
ul.scopes li.described{flex-basis:100%;font-family:inherit;font-size:1rem;border:0;border-radius:0;padding:0 0 0 1.5rem;position:relative}
ul.scopes li.described::before{content:"\\2713";position:absolute;left:.2rem;color:var(--link);font-weight:700}
label{display:block;font-weight:600;margin:0 0 .25rem}
input{display:block;width:100%;font:inherit;padding:.6rem .7rem;margin:0 0 1rem;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg)}
[hidden]{display:none!important}
input:focus{outline:2px solid var(--accent);outline-offset:1px}
.buttons{display:flex;gap:.75rem;margin-top:.5rem}
button{flex:1;font:inherit;font-weight:600;padding:.7rem 1rem;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:var(--on-accent);cursor:pointer}
button.secondary{background:transparent;color:var(--link);border-color:var(--link)}
button.danger{background:transparent;color:var(--danger);border-color:var(--danger)}
.notice{border-left:4px solid var(--accent);padding:.5rem .75rem;margin:0 0 1rem}
.alert-text{color:var(--danger)}
.alert{border-left:4px solid var(--danger);padding:.5rem .75rem;margin:0 0 1rem;color:var(--danger);background:transparent}
a{color:var(--link)}
strong.name{overflow-wrap:anywhere}
.switch{margin:1.5rem 0 0;padding-top:1rem;border-top:1px solid var(--line)}
.unverified{color:var(--danger);font-size:.9rem;white-space:nowrap}
.brand img{display:block;max-height:48px;max-width:100%;margin-bottom:.5rem}
`.trim()

/** What every page carries from the configuration: the brand's name, colours and logo. */
export interface Theme {
  readonly name: string
  readonly logo: boolean
  readonly colours: Palette
  /** The stylesheet, a function of the colours only (never of a request). */
  readonly style: Html
  /** CSP hash source of the one inline stylesheet (CSP3 §2.3.1 hash-source). */
  readonly styleSource: string
}

export function theme(brand: { name: string; color: string | null; logo: boolean }): Theme {
  const colours = palette(brand.color)
  const text = style(colours)
  return Object.freeze({
    name: brand.name, logo: brand.logo, colours, style: new Html(text),
    styleSource: `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`,
  })
}

/** The default theme (no branding configured). */
export const DEFAULT_THEME = theme({ name: 'Tessera', color: null, logo: false })

/** A page before its shell: its title (text) and body. */
export interface Page {
  title: string
  body: Interpolated
}

/** A page's title and body; `document` puts them in the shell. */
export const layout = (title: string, body: Interpolated): Page => ({ title, body })

/** A whole document around the page, under the theme. */
export function document(page: Page, look: Theme): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${page.title}</title>
<style>${look.style}</style>
</head>
<body>
<main>
<div class="brand">${look.logo ? html`<img src="${LOGO_PATH}" alt="">` : ''}${look.name}</div>
<div class="card">
${page.body}
</div>
</main>
</body>
</html>
`
}
