// The sign-out page and what follows it. Rendering only: the logout
// endpoint decides who is signed in, which app asked and where it may
// return, and checks the form. Every value is escaped by the `html` tag.
import { html, type Html } from './html.js'
import { layout } from './layout.js'
import type { LogoutView } from '../oauth/views.js'

function hiddenFields(view: LogoutView): Html {
  return html`${Object.entries(view.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">
`)}<input type="hidden" name="csrf" value="${view.csrf}">`
}

function backLink(view: LogoutView, text: string): Html | string {
  if (view.returnHref === null) return ''
  return html`<p><a href="${view.returnHref}">${text}${view.appName === null ? '' : html` to <strong class="name">${view.appName}</strong>`}</a></p>`
}

export function logoutPage(view: LogoutView): Html {
  const asking = view.appName === null ? '' : html`<p><strong class="name">${view.appName}</strong> asks you to sign out.</p>`
  if (view.username === null) {
    // No session: nothing to end, no button (DESIGN.md).
    return layout('Sign out', html`<h1>Sign out</h1>
${asking}
<p>You are not signed in on this browser.</p>
${backLink(view, 'Return')}`)
  }
  return layout('Sign out', html`<h1>Sign out</h1>
${asking}
<p>Signed in as <strong class="name">${view.username}</strong>.</p>
<form method="post" action="${view.action}">
${hiddenFields(view)}
<div class="buttons"><button type="submit">Sign out</button></div>
</form>
${backLink(view, 'Stay signed in and return')}`)
}

export function signedOutPage(): Html {
  return layout('Signed out', html`<h1>Signed out.</h1>
<p>You can close this page.</p>`)
}
