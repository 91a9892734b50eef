// The sign-in page and its consent-only form within a session. Pure
// rendering: what to show comes in a view, decided by the authorization
// endpoint; every value from a client or a request is text, escaped by the
// `html` tag. Works without JavaScript: a plain form posting to the
// authorization endpoint, "Allow" first (Enter), "Deny" without validation.
import { html, type Html } from './html.js'
import { layout, type Page } from './layout.js'
import { alert, retryLine, scopeItems } from './parts.js'
import type { ClientNaming, ConsentView, FormFields, ScopeText, SignInView } from '../oauth/views.js'

/** The scopes asked for: each one's description, its name where none is set (both escaped). */
function scopeList(scopes: readonly string[], text: ScopeText['scopeText']): Html {
  if (scopes.length === 0) return html``
  return html`<p>It asks for:</p>
${scopeItems(scopes, text)}`
}

/** The app's name, and beside it, for a client that registered itself, that no one vouched for it (DESIGN.md). */
function clientLine(view: ClientNaming, brand: string): Html {
  const mark = view.clientUnverified ? html` <span class="unverified">(not verified by ${brand})</span>` : ''
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

const signInButton = html`<div class="buttons">
<button type="submit" name="action" value="sign-in">Sign in</button>
</div>`


/**
 * Username, password, Allow and Deny: the page without a session (or with
 * prompt=login). For a first-party client, a plain sign-in page: its name,
 * the two fields and one "Sign in" button (DESIGN.md).
 */
export function signInPage(view: SignInView, brand: string): Page {
  const intro = view.firstParty
    ? html`<p>to continue to <strong class="name">${view.clientName}</strong>.</p>`
    : html`${clientLine(view, brand)}
${scopeList(view.scopes, view.scopeText)}`
  return layout('Sign in', html`<h1>Sign in</h1>
${intro}
${alert(view.message)}
${retryLine(view.retryMinutes)}
<form method="post" action="${view.action}">
${hidden(view)}
<label for="username">Username or e-mail address</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${view.username ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
${view.firstParty ? signInButton : buttons}
</form>
${accountLinks(view)}`)
}

/** Within a session: who is signed in, what the client asks, Allow and Deny, and a way to switch user. */
export function consentPage(view: ConsentView, brand: string): Page {
  return layout('Allow access', html`<h1>Allow access?</h1>
<p>Signed in as <strong class="name">${view.username}</strong>.</p>
${clientLine(view, brand)}
${scopeList(view.scopes, view.scopeText)}
<form method="post" action="${view.action}">
${hidden(view)}
${buttons}
</form>
<p class="muted switch">Not you? <a href="${view.switchUserHref}">Sign in as someone else</a>.</p>`)
}
