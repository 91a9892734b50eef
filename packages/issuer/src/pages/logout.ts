// The sign-out page (one button) and what follows it. Rendering only: the
// logout route decides who is signed in and checks the form.
import { html } from './html.js'
import { layout, type Page } from './layout.js'
import type { LogoutView } from '../oauth/views.js'

/** With a session: who is signed in and one button; without one, nothing to press (DESIGN.md). */
export function logoutPage(view: LogoutView): Page {
  if (view.username === null) {
    return layout('Sign out', html`<h1>Sign out</h1>
<p>You are not signed in on this browser.</p>`)
  }
  return layout('Sign out', html`<h1>Sign out</h1>
<p>Signed in as <strong class="name">${view.username}</strong>.</p>
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<div class="buttons"><button type="submit">Sign out</button></div>
</form>`)
}

export function signedOutPage(): Page {
  return layout('Signed out', html`<h1>Signed out.</h1>
<p>You can close this page.</p>`)
}
