// The accounts pages (DESIGN.md, "Accounts"): sign-up, the "Confirm"
// button of a verification link, "Forgot your password?" and the reset
// form. Rendering only; labelled fields with the autocomplete tokens the
// contract names (username, email, new-password), every value escaped by
// the `html` tag, plain forms that work without JavaScript.
import { html, type Html } from './html.js'
import { layout, type Page } from './layout.js'
import { alert } from './parts.js'
import type { AccountFormView, SignUpView } from '../oauth/views.js'


const hiddenToken = (name: string, value: string | undefined): Html | '' => value === undefined ? '' : html`<input type="hidden" name="${name}" value="${value}">`

function newPassword(minLength: number): Html {
  return html`<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${minLength}" maxlength="256" required>
<p class="muted">At least ${minLength} characters; not your username or e-mail address, nor a common password.</p>`
}

export function signUpPage(view: SignUpView): Page {
  return layout('Create an account', html`<h1>Create an account</h1>
${view.clientName ? html`<p>to continue to <strong class="name">${view.clientName}</strong>.</p>` : ''}
${alert(view.message)}
<form method="post" action="${view.action}">
${hiddenToken('request', view.request)}
<input type="hidden" name="csrf" value="${view.csrf}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="256" required value="${view.username ?? ''}">
${view.emailField ? html`<label for="email">E-mail address</label>
<input id="email" name="email" type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required value="${view.email ?? ''}">` : ''}
${newPassword(view.minLength)}
<div class="buttons"><button type="submit">Create account</button></div>
</form>
${view.signInHref ? html`<p class="muted">Have an account? <a href="${view.signInHref}">Sign in</a></p>` : ''}`)
}

export function verifyEmailPage(view: AccountFormView): Page {
  return layout('Confirm your e-mail address', html`<h1>Confirm your e-mail address</h1>
<p>Confirm <strong class="name">${view.subject ?? ''}</strong> as the address of your account.</p>
<form method="post" action="${view.action}">
${hiddenToken('token', view.token)}
<input type="hidden" name="csrf" value="${view.csrf}">
<div class="buttons"><button type="submit">Confirm</button></div>
</form>`)
}

export function forgotPage(view: AccountFormView): Page {
  return layout('Forgot your password?', html`<h1>Forgot your password?</h1>
<p>Enter your username or e-mail address. If your account has a confirmed e-mail address, we will send it a link to choose a new password.</p>
${alert(view.message)}
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<label for="login">Username or e-mail address</label>
<input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${view.login ?? ''}">
<div class="buttons"><button type="submit">Send link</button></div>
</form>`)
}

export function resetPage(view: AccountFormView): Page {
  return layout('Choose a new password', html`<h1>Choose a new password</h1>
${alert(view.message)}
<form method="post" action="${view.action}">
${hiddenToken('token', view.token)}
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="text" name="username" autocomplete="username" value="${view.subject ?? ''}" hidden readonly>
${newPassword(view.minLength ?? 8)}
<div class="buttons"><button type="submit">Change password</button></div>
</form>`)
}
