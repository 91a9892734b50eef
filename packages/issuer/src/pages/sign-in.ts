// The sign-in page and its consent-only form within a session. Pure
// rendering: what to show comes in a view, decided by the authorization
// endpoint; every value from a client or a request is text, escaped by the
// `html` tag. Works without JavaScript: a plain form posting to the
// authorization endpoint, "Allow" first (Enter), "Deny" without validation.
import { html, type Html } from './html.js'
import { BRAND_NAME, layout } from './layout.js'
import type { ClientNaming, ConsentView, FormFields, SignInView } from '../oauth/views.js'

function scopeList(scopes: readonly string[]): Html {
  if (scopes.length === 0) return html``
  return html`<p>It asks for:</p>
<ul class="scopes">${scopes.map((s) => html`<li>${s}</li>`)}</ul>`
}

/** The app's name, and beside it, for a client that registered itself, that no one vouched for it (DESIGN.md). */
function clientLine(view: ClientNaming): Html {
  const mark = view.clientUnverified ? html` <span class="unverified">(not verified by ${BRAND_NAME})</span>` : ''
  return html`<p><strong class="name">${view.clientName}</strong>${mark} wants to act for you.</p>`
}

function hidden(fields: FormFields): Html {
  return html`<input type="hidden" name="request" value="${fields.reference}">
<input type="hidden" name="csrf" value="${fields.csrf}">`
}

const buttons = html`<div class="buttons">
<button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny" class="secondary" formnovalidate>Deny</button>
</div>`

/** "Forgot your password?" (e-mail on) and "Create an account" (sign-up open), each only when its feature is. */
function accountLinks(view: SignInView): Html {
  return html`${view.forgotHref ? html`<p class="muted"><a href="${view.forgotHref}">Forgot your password?</a></p>` : ''}
${view.signupHref ? html`<p class="muted">New here? <a href="${view.signupHref}">Create an account</a></p>` : ''}`
}

/** Username, password, Allow and Deny: the page without a session (or with prompt=login). */
export function signInPage(view: SignInView): Html {
  return layout('Sign in', html`<h1>Sign in</h1>
${clientLine(view)}
${scopeList(view.scopes)}
${view.message ? html`<p class="alert" role="alert">${view.message}</p>` : ''}
<form method="post" action="${view.action}">
${hidden(view)}
<label for="username">Username or e-mail address</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${view.username ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
${buttons}
</form>
${accountLinks(view)}`)
}

/** Within a session: who is signed in, what the client asks, Allow and Deny, and a way to switch user. */
export function consentPage(view: ConsentView): Html {
  return layout('Allow access', html`<h1>Allow access?</h1>
<p>Signed in as <strong class="name">${view.username}</strong>.</p>
${clientLine(view)}
${scopeList(view.scopes)}
<form method="post" action="${view.action}">
${hidden(view)}
${buttons}
</form>
<p class="muted">Not you? <a href="${view.switchUserHref}">Sign in as someone else</a>.</p>`)
}
