// POST /oauth2/authorize: the sign-in page's form, as named steps in order:
// Origin → form → anti-CSRF token (bound to the cookie and to the sealed
// request) → the sealed request (opens under the server key, unexpired,
// sealed for this browser's cookie; else 400, no password checked) → the
// client still registered → Deny, or who allows (the password typed now, or
// the session) → granted scopes → the page marked answered (one page, one
// code) → the code. A refused form (403, 400) changes nothing. The password is checked
// as in the password grant (core.checkUserPassword: argon2id, admission
// control, the shared per-username failure counter and lock), and the answer
// is a 303 (RFC 9700 §4.12: never 307 after a POST of credentials).
import type { AuthorizationRequest, Client, SignedInUser } from '../../domain/types.js'
import type { IssuerCore } from '../../core/types.js'
import { authorizePurpose, formTokenValid, originAllowed } from '../shared/csrf.js'
import { checkPagePassword, PasswordMessages, startPageSession } from '../shared/password-check.js'
import { currentSession, type BrowserContext } from '../browser.js'
import { readFields } from '../form.js'
import { issue, type Seen } from './begin.js'
import { AuthorizationError, Problem, Problems, Refusals } from './errors.js'
import { grantedScopes, isFirstPartySignIn, sessionSuffices, signInOutcome, type PageFields } from './interaction.js'
import { redirectUriMatches } from './redirect-uri.js'
import { problemPage, refusal, Refused, type Outcome, type PageOutcome } from './response.js'

const FIELDS = ['request', 'csrf', 'action', 'username', 'password'] as const
type Form = Partial<Record<(typeof FIELDS)[number], string>>

export const Messages = { ...PasswordMessages, signInAgain: 'Sign in to continue.' } as const

/** Step: a form body, each field at most once. */
const readForm = (body: unknown): Form | Problem => readFields(body, FIELDS) ?? Problems.malformedForm

/** Step: the client is still registered, with the grant and the redirect URI the request was checked against. */
async function stillRegistered(core: IssuerCore, request: AuthorizationRequest): Promise<Client | Problem> {
  const client = await core.findClient(request.clientId)
  const valid = client !== null && client.grants.includes('authorization_code') &&
    client.redirectUris.some((r) => redirectUriMatches(r, request.redirectUri))
  return valid ? client : Problems.clientGone
}

/** Step: the password typed on the page; success starts a session (a previous one of this browser ends). */
async function signIn(core: IssuerCore, client: Client, request: AuthorizationRequest, fields: PageFields, form: Form, browser: BrowserContext): Promise<SignedInUser | PageOutcome> {
  const { username, password } = form
  const again = (status: number, message: string, outcome: string, retryAfter?: number) =>
    signInOutcome(core.config, client, request, fields, { status, username, message, outcome, retryAfter })
  if (username === undefined || password === undefined) return again(400, Messages.missing, 'missing_credentials')
  const checked = await checkPagePassword(core, browser, username, password)
  if ('type' in checked) return checked
  if (!checked.ok) {
    if (checked.reason === 'locked') return again(429, Messages.locked, 'locked', checked.retryAfter)
    // Unknown user and wrong password: one page (DESIGN.md).
    return again(400, Messages.wrongPassword, 'invalid_credentials')
  }
  return startPageSession(core, browser, checked.user)
}

export async function answerAuthorization(core: IssuerCore, body: unknown, browser: BrowserContext, seen: Seen): Promise<Outcome> {
  if (!originAllowed(browser.origin, core.config.issuer)) return problemPage(Problems.forbidden, 'forbidden_origin')

  const form = readForm(body)
  if (form instanceof Problem) return problemPage(form, 'malformed_form')

  const reference = form.request
  if (reference === undefined || !formTokenValid(core, browser, authorizePurpose(reference), form.csrf)) {
    return problemPage(Problems.forbidden, 'forbidden_csrf')
  }
  // The same page again (a wrong password, "sign in to continue"): same sealed request, same token.
  const fields: PageFields = { reference, csrf: form.csrf! }

  const opened = core.signIn.openRequest(reference, core.csrf.binding(browser.csrfCookie()!))
  if (opened === null) return problemPage(Problems.expired, 'expired')
  const { request } = opened

  const client = await stillRegistered(core, request)
  if (client instanceof Problem) return problemPage(client, 'client_gone')
  seen.clientId = client.id
  const refuse = (error: AuthorizationError) => refusal(new Refused(request.redirectUri, request.state, error), core.config.issuer)

  // RFC 6749 §4.1.2.1 access_denied: no password needed to say no, and nothing
  // written (saying no again, from this page, tells the app nothing new).
  if (form.action === 'deny') return refuse(Refusals.accessDenied)
  // "Sign in" (a first-party client's plain page) allows without recording a consent; "Allow" records one.
  const allows = form.action === 'allow' || (form.action === 'sign-in' && isFirstPartySignIn(client, request))
  if (!allows) return problemPage(Problems.malformedForm, 'malformed_form')

  let user: SignedInUser
  if (form.username !== undefined || form.password !== undefined) {
    const signedIn = await signIn(core, client, request, fields, form, browser)
    if ('type' in signedIn) return signedIn
    user = signedIn
  } else {
    const session = await currentSession(core, browser)
    // The session ended since the page was shown (or the page asked for a password): sign in again.
    if (session === null || !sessionSuffices(request, session.user, core.now())) {
      return signInOutcome(core.config, client, request, fields, { message: Messages.signInAgain, outcome: 'sign_in_page' })
    }
    user = session.user
  }

  const scopes = grantedScopes(request, user.scopes)
  if (scopes instanceof AuthorizationError) return refuse(scopes)
  // One page, at most one code: marked atomically in the store, so of two
  // answers sent at once (a double submit, a replayed form) one gets the code.
  if (!(await core.signIn.markAnswered(opened))) return problemPage(Problems.expired, 'expired')
  if (form.action === 'allow') await core.consents.remember(user.userId, client.id, request.audience, scopes)
  return issue(core, client, request, user, scopes)
}
