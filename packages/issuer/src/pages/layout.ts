// The shell every page shares: one column, readable on a phone (viewport
// meta), no external resources, no script. The stylesheet is one constant
// inline <style>, allowed by its SHA-256 hash in the Content-Security-Policy
// (CSP3 'sha256-…' source): no nonce to thread through, nothing else inline
// can run or style the page.
import { createHash } from 'node:crypto'
import { Html, html, type Interpolated } from './html.js'

const STYLE = `
:root{color-scheme:light dark;--fg:#1a1a1a;--bg:#f6f6f4;--card:#fff;--muted:#5b5b5b;--line:#d4d4d0;--accent:#1d5fd0;--danger:#b3261e}
@media (prefers-color-scheme:dark){:root{--fg:#ececea;--bg:#161616;--card:#222;--muted:#a8a8a4;--line:#444;--accent:#7aa7ff;--danger:#ff8a80}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:26rem;margin:0 auto;padding:2rem 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.5rem}
h1{font-size:1.4rem;margin:0 0 1rem}
p{margin:0 0 1rem}
.brand{color:var(--muted);font-size:.9rem;margin-bottom:.75rem;letter-spacing:.02em}
.muted{color:var(--muted);font-size:.9rem}
ul.scopes{margin:0 0 1rem;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:.4rem}
ul.scopes li{border:1px solid var(--line);border-radius:999px;padding:.1rem .7rem;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem;overflow-wrap:anywhere}
ul.scopes li.described{font-family:inherit}
label{display:block;font-weight:600;margin:0 0 .25rem}
input{display:block;width:100%;font:inherit;padding:.6rem .7rem;margin:0 0 1rem;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg)}
input:focus{outline:2px solid var(--accent);outline-offset:1px}
.buttons{display:flex;gap:.75rem;margin-top:.5rem}
button{flex:1;font:inherit;font-weight:600;padding:.7rem 1rem;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
button.secondary{background:transparent;color:var(--accent)}
.alert{border-left:4px solid var(--danger);padding:.5rem .75rem;margin:0 0 1rem;color:var(--danger);background:transparent}
a{color:var(--accent)}
strong.name{overflow-wrap:anywhere}
.switch{margin:1.5rem 0 0;padding-top:1rem;border-top:1px solid var(--line)}
.unverified{color:var(--danger);font-size:.9rem;white-space:nowrap}
`.trim()

/** The name that heads every page. */
export const BRAND_NAME = 'Tessera'

/** The stylesheet as markup: a constant of this file, never from a request. */
const STYLE_MARKUP = new Html(STYLE)

/** CSP hash source of the one inline stylesheet (CSP3 §2.3.1 hash-source). */
export const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`

/** A whole document around `body`; `title` is text (escaped). */
export function layout(title: string, body: Interpolated): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title}</title>
<style>${STYLE_MARKUP}</style>
</head>
<body>
<main>
<div class="brand">${BRAND_NAME}</div>
<div class="card">
${body}
</div>
</main>
</body>
</html>
`
}
