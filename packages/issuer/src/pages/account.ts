// The account page (DESIGN.md "The account page, remembered consent, scope
// descriptions and branding"): its sign-in form without a session, and
// within one the person's account, a section per form, each a plain form
// posting to its own path (no JavaScript). Rendering only: what to show
// comes in the view; every value is escaped by the `html` tag. Fields
// carry the autocomplete tokens the contract names (current-password,
// new-password, email, name).
import { html, type Html } from './html.js'
import { layout, type Page } from './layout.js'
import { alert, csrfField, notice, retryLine, scopeItems } from './parts.js'
import type { AccountForm, AccountSignInView, AccountView, ConnectedAppView, FormTarget } from '../oauth/views.js'

/** The sign-in form of the account page: no app named, one "Sign in" button (DESIGN.md). */
export function accountSignInPage(view: AccountSignInView): Page {
  return layout('Sign in', html`<h1>Sign in</h1>
<p>to manage your account.</p>
${notice(view.notice)}
${alert(view.message)}
${retryLine(view.retryMinutes)}
<form method="post" action="${view.action}">
${csrfField(view.csrf)}
<label for="username">Username or e-mail address</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${view.username ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="buttons"><button type="submit">Sign in</button></div>
</form>
${view.forgotHref ? html`<p class="muted"><a href="${view.forgotHref}">Forgot your password?</a></p>` : ''}
${view.signupHref ? html`<p class="muted">New here? <a href="${view.signupHref}">Create an account</a></p>` : ''}`)
}

/** A form of the page: its target, hidden fields, body and one button. */
function form(target: FormTarget, body: Html | '', button: Html): Html {
  return html`<form method="post" action="${target.action}">
${csrfField(target.csrf)}
${body}
<div class="buttons">${button}</div>
</form>`
}

/** The refusal of this section's form, when it was the one refused. */
function problemAt(view: AccountView, which: AccountForm): Html | '' {
  if (view.problem?.form !== which) return ''
  return html`${alert(view.problem.message)}
${retryLine(view.problem.retryMinutes)}`
}

function section(id: string, title: string, body: Html): Html {
  return html`<section id="${id}" aria-labelledby="${id}-title">
<h2 id="${id}-title">${title}</h2>
${body}
</section>`
}

/** The current password, for a form that asks for it (checked as at sign-in). */
const currentPassword = (id: string, name: string, label = 'Current password'): Html => html`<label for="${id}">${label}</label>
<input id="${id}" name="${name}" type="password" autocomplete="current-password" required>`

function addressLines(view: AccountView): Html {
  const status = view.email === null ? html`<p>No e-mail address.</p>`
    : html`<p><strong class="name">${view.email}</strong> <span class="${view.emailVerified ? 'muted' : 'alert-text'}">${view.emailVerified ? '(confirmed)' : '(not confirmed)'}</span></p>`
  const pending = view.emailPending === null ? ''
    : html`<p>Waiting for confirmation: <strong class="name">${view.emailPending}</strong>. Open the link we sent to it; until then your address stays as it is.</p>`
  const resend = view.forms.resend === undefined ? ''
    : form(view.forms.resend, '', html`<button type="submit" class="secondary">Send the link again</button>`)
  return html`${status}
${pending}
${problemAt(view, 'resend')}
${resend}`
}

function emailChange(view: AccountView, target: FormTarget): Html {
  return html`${problemAt(view, 'email')}
${form(target, html`<label for="new-email">New e-mail address</label>
<input id="new-email" name="email" type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required value="${view.typed?.email ?? ''}">
${currentPassword('email-password', 'password')}`, html`<button type="submit">Change e-mail address</button>`)}`
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

function app(view: AccountView, entry: ConnectedAppView, target: FormTarget): Html {
  return html`<li>
<p><strong class="name">${entry.name}</strong> <span class="muted">since <time datetime="${new Date(entry.since).toISOString()}">${day(entry.since)}</time></span></p>
${entry.scopes.length > 0 ? scopeItems(entry.scopes, view.scopeText) : ''}
${form(target, html`<input type="hidden" name="client_id" value="${entry.clientId}">`, html`<button type="submit" class="secondary">Remove access</button>`)}
</li>`
}

function apps(view: AccountView, target: FormTarget): Html {
  if (view.apps.length === 0) return html`<p class="muted">No app has access to your account.</p>`
  return html`<ul class="apps">
${view.apps.map((entry) => app(view, entry, target))}
</ul>`
}

/** Within a session: who, the address, and every form (DESIGN.md). */
export function accountPage(view: AccountView): Page {
  const f = view.forms
  return layout('Your account', html`<h1>Your account</h1>
${notice(view.notice)}
<p>Signed in as <strong class="name">${view.username}</strong>.</p>
${section('address', 'E-mail address', html`${addressLines(view)}
${f.email === undefined ? '' : emailChange(view, f.email)}`)}
${f.name === undefined ? '' : section('name', 'Display name', html`${problemAt(view, 'name')}
${form(f.name, html`<label for="display-name">Your name, as apps see it</label>
<input id="display-name" name="name" type="text" autocomplete="name" maxlength="200" value="${view.typed?.name ?? view.name ?? ''}">`,
    html`<button type="submit">Save name</button>`)}`)}
${f.password === undefined ? '' : section('password', 'Password', html`${problemAt(view, 'password')}
${form(f.password, html`<input type="text" name="username" autocomplete="username" value="${view.username}" hidden readonly>
${currentPassword('current-password', 'current')}
<label for="new-password">New password</label>
<input id="new-password" name="password" type="password" autocomplete="new-password" minlength="${view.minLength}" maxlength="256" required>
<p class="muted">At least ${view.minLength} characters; not your username or e-mail address, nor a common password. Every other session ends.</p>`,
    html`<button type="submit">Change password</button>`)}`)}
${f['remove-access'] === undefined ? '' : section('apps', 'Connected apps', apps(view, f['remove-access']))}
${f['sign-out-everywhere'] === undefined ? '' : section('sessions', 'Sessions', html`<p>Sign out on every browser and device. Apps lose their refresh tokens and must sign you in again.</p>
${form(f['sign-out-everywhere'], '', html`<button type="submit" class="secondary">Sign out everywhere</button>`)}`)}
${f.delete === undefined ? '' : section('delete', 'Delete account', html`<p>This deletes your account and takes back every app's access. It cannot be undone.</p>
${problemAt(view, 'delete')}
${form(f.delete, currentPassword('delete-password', 'password', 'Password'), html`<button type="submit" class="danger">Delete account</button>`)}`)}`)
}
