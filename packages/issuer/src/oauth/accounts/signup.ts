// GET and POST /oauth2/signup (DESIGN.md, "Accounts", TESSERA_SIGNUP=open):
// the form, then, in order, Origin → form → anti-CSRF token (bound to the
// cookie and to the `request` value it carries) → the pending request
// (when one is carried: the sign-in page's opaque `request` value, passed
// through as it is) → the rules and limits (core) → the account, a session
// exactly as a sign-in starts one, the device cookie, a verification
// message after the answer (e-mail on) → 303: the authorization request
// again (within the new session it shows the consent page, or answers the
// code at once for a --skip-consent client, as after a sign-in), or the
// account page without a pending request.
import { BusyError } from '../../domain/errors.js'
import type { AuthorizationRequest, Client } from '../../domain/types.js'
import type { IssuerCore, SignUpInput } from '../../core/types.js'
import { busyProblem, Problem, Problems } from '../authorize/errors.js'
import { formTargets } from '../authorize/form-targets.js'
import { authorizeHref, switchUserHref } from '../authorize/interaction.js'
import { problemPage, seeOther, type Outcome, type PageOutcome } from '../authorize/response.js'
import type { BrowserContext } from '../browser.js'
import { ACCOUNT_PATH, SIGNUP_PATH, VERIFY_EMAIL_PATH } from '../paths.js'
import { formToken, signupPurpose } from '../shared/csrf.js'
import { startPageSession } from '../shared/password-check.js'
import { readQuery } from '../authorize/request.js'
import { guardedForm, isPage } from './guard.js'
import { signUpMessage, Texts } from './texts.js'

const FIELDS = ['request', 'username', 'email', 'password'] as const

interface Pending {
  reference: string
  request: AuthorizationRequest
  client: Client
}

/** Step: the pending request the form carries, when it carries one; a page when it no longer opens. */
async function pendingOf(core: IssuerCore, browser: BrowserContext, reference: string | undefined): Promise<Pending | null | PageOutcome> {
  if (reference === undefined) return null
  // The sealed request opens only for the browser it was sealed for (its anti-CSRF cookie).
  const cookie = browser.csrfCookie()
  const request = cookie === undefined ? null : core.signIn.openRequest(reference, core.csrf.binding(cookie))?.request ?? null
  const client = request === null ? null : await core.findClient(request.clientId)
  if (request === null || client === null) return problemPage(Problems.expired, 'expired')
  return { reference, request, client }
}

interface FormState {
  status?: number
  username?: string
  email?: string
  message?: string
  retryAfter?: number
  outcome?: string
}

function signUpForm(core: IssuerCore, browser: BrowserContext, pending: Pending | null, state: FormState = {}): PageOutcome {
  const reference = pending?.reference
  return {
    type: 'page',
    status: state.status ?? 200,
    view: {
      kind: 'signup', action: SIGNUP_PATH, csrf: formToken(core, browser, signupPurpose(reference)), request: reference,
      clientName: pending?.client.name, emailField: core.accounts.mailEnabled, minLength: core.config.passwordMinLength,
      username: state.username, email: state.email, message: state.message,
      // Back to the sign-in page of the same request, or, without one, the account page's sign-in form.
      signInHref: pending === null ? ACCOUNT_PATH : switchUserHref(pending.request),
    },
    // Success redirects on to the app (CSP form-action follows redirects after a form).
    formTargets: pending === null ? undefined : formTargets(pending.request.redirectUri),
    retryAfter: state.retryAfter,
    outcome: state.outcome ?? 'signup_page',
  }
}

export async function showSignUp(core: IssuerCore, url: string, browser: BrowserContext): Promise<PageOutcome> {
  const query = readQuery(url)
  if (query instanceof Problem) return problemPage(query, 'malformed_query')
  const carried = query.request
  if (Array.isArray(carried)) return problemPage(Problems.malformedQuery, 'malformed_query')
  const pending = await pendingOf(core, browser, carried)
  if (isPage(pending)) return pending
  return signUpForm(core, browser, pending)
}

export async function answerSignUp(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const form = guardedForm(core, browser, body, FIELDS, (f) => signupPurpose(f.request))
  if (isPage(form)) return form
  const pending = await pendingOf(core, browser, form.request)
  if (isPage(pending)) return pending

  const input: SignUpInput = { username: form.username ?? '', email: form.email, password: form.password ?? '' }
  let result
  try {
    result = await core.accounts.signUp(input, browser.clientAddress)
  } catch (err) {
    if (!(err instanceof BusyError)) throw err
    return problemPage(busyProblem(err), 'busy')
  }
  const again = { username: form.username, email: form.email }
  if (!result.ok) {
    if (result.rule === 'limited') {
      return signUpForm(core, browser, pending, { ...again, status: 429, message: Texts.signUpLimited, retryAfter: result.retryAfter, outcome: 'limited' })
    }
    return signUpForm(core, browser, pending, { ...again, status: 400, message: signUpMessage(result.rule, core.config.passwordMinLength), outcome: result.rule })
  }

  // A session exactly as a sign-in starts one (a previous one of this browser ends), and the device cookie.
  await startPageSession(core, browser, result.user)
  browser.setDevice(core.rememberDevice(browser.deviceCookie(), result.user.id))

  const verification = result.verification
  const after = verification === null ? undefined : async () => ({
    kind: 'verify-email' as const, to: verification.to, username: result.user.username,
    link: `${core.config.issuer}${VERIFY_EMAIL_PATH}?${new URLSearchParams({ token: verification.token })}`,
  })
  // Without a pending request, the account page shows the new account (DESIGN.md).
  if (pending === null) return seeOther(`${ACCOUNT_PATH}?done=created`, 'signed_up', after)
  // The request goes on as after a sign-in: asked again within the new session
  // (the sealed request issued no code: nothing to mark answered).
  return seeOther(authorizeHref(pending.request, pending.request.prompt.filter((p) => p === 'consent')), 'signed_up', after)
}
