// POST /oauth2/authorize: the sign-in page's form, as named steps in order:
// Origin → form → anti-CSRF token (bound to the cookie and to the pending
// request) → the pending request → the client still registered → Deny, or
// who allows (the password typed now, or the session) → granted scopes →
// the code. A refused form (403) changes nothing. The password is checked
// as in the password grant (core.checkUserPassword: argon2id, admission
// control, the shared per-username failure counter and lock), and the answer
// is a 303 (RFC 9700 §4.12: never 307 after a POST of credentials).
import { BusyError } from '../../domain/errors.js'
import type { AuthorizationRequest, Client, SignedInUser } from '../../domain/types.js'
import type { IssuerCore } from '../../core/types.js'
import { authorizePurpose, csrfTokenValid, originAllowed } from '../shared/csrf.js'
import { currentSession, type BrowserContext } from '../browser.js'
import { FormBody } from '../form.js'
import { issue, type Seen } from './begin.js'
import { AuthorizationError, busyProblem, Problem, Problems, Refusals } from './errors.js'
import { grantedScopes, isFirstPartySignIn, signInOutcome } from './interaction.js'
import { redirectUriMatches } from './redirect-uri.js'
import { problemPage, refusal, Refused, type Outcome, type PageOutcome } from './response.js'

const FIELDS = ['request', 'csrf', 'action', 'username', 'password'] as const
type Form = Partial<Record<(typeof FIELDS)[number], string>>

export const Messages = {
  wrongPassword: 'Wrong username or password.',
  locked: 'Too many failed attempts. Try again later.',
  missing: 'Enter your username and password.',
  signInAgain: 'Sign in to continue.',
} as const

/** Step: a form body, each field at most once. */
function readForm(body: unknown): Form | Problem {
  if (!(body instanceof FormBody) || body.malformed) return Problems.malformedForm
  const form: Form = {}
  for (const name of FIELDS) {
    const value = body.params[name]
    if (Array.isArray(value)) return Problems.malformedForm
    if (value !== undefined) form[name] = value
  }
  return form
}

/** Step: the client is still registered, with the grant and the redirect URI the request was checked against. */
async function stillRegistered(core: IssuerCore, request: AuthorizationRequest): Promise<Client | Problem> {
  const client = await core.findClient(request.clientId)
  const valid = client !== null && client.grants.includes('authorization_code') &&
    client.redirectUris.some((r) => redirectUriMatches(r, request.redirectUri))
  return valid ? client : Problems.clientGone
}

/** Step: the password typed on the page; success starts a session (a previous one of this browser ends). */
async function signIn(core: IssuerCore, client: Client, request: AuthorizationRequest, reference: string, form: Form, browser: BrowserContext): Promise<SignedInUser | PageOutcome> {
  const { username, password } = form
  const again = (status: number, message: string, outcome: string, retryAfter?: number) =>
    signInOutcome(client, request, reference, browser.csrfSecret(), { status, username, message, outcome, retryAfter })
  if (username === undefined || password === undefined) return again(400, Messages.missing, 'missing_credentials')
  let checked
  try {
    checked = await core.checkUserPassword(username, password)
  } catch (err) {
    if (!(err instanceof BusyError)) throw err
    core.observer.signIn('busy')
    return problemPage(busyProblem(err), 'busy')
  }
  if (!checked.ok) {
    if (checked.reason === 'locked') {
      core.observer.signIn('locked')
      return again(429, Messages.locked, 'locked', checked.retryAfter)
    }
    // Unknown user and wrong password: one page (DESIGN.md).
    core.observer.signIn('invalid_credentials')
    return again(400, Messages.wrongPassword, 'invalid_credentials')
  }
  core.observer.signIn('ok')
  const previous = browser.sessionCookie()
  if (previous !== undefined) await core.signIn.endSession(previous)
  const session = await core.signIn.startSession(checked.user)
  browser.setSession(session.id)
  return { userId: checked.user.id, username: checked.user.username, scopes: checked.user.scopes, authTime: session.authTime }
}

export async function answerAuthorization(core: IssuerCore, body: unknown, browser: BrowserContext, seen: Seen): Promise<Outcome> {
  if (!originAllowed(browser.origin, core.config.issuer)) return problemPage(Problems.forbidden, 'forbidden_origin')

  const form = readForm(body)
  if (form instanceof Problem) return problemPage(form, 'malformed_form')

  const reference = form.request
  if (reference === undefined || !csrfTokenValid(browser.csrfCookie(), authorizePurpose(reference), form.csrf)) {
    return problemPage(Problems.forbidden, 'forbidden_csrf')
  }

  const request = await core.signIn.pendingRequest(reference)
  if (request === null) return problemPage(Problems.expired, 'expired')

  const client = await stillRegistered(core, request)
  if (client instanceof Problem) return problemPage(client, 'client_gone')
  seen.clientId = client.id
  const refuse = (error: AuthorizationError) => refusal(new Refused(request.redirectUri, request.state, error), core.config.issuer)

  // RFC 6749 §4.1.2.1 access_denied: no password needed to say no.
  if (form.action === 'deny') {
    if (!(await core.signIn.dropRequest(reference))) return problemPage(Problems.expired, 'expired')
    return refuse(Refusals.accessDenied)
  }
  // "Sign in" (a first-party client's plain page) allows without recording a consent; "Allow" records one.
  const allows = form.action === 'allow' || (form.action === 'sign-in' && isFirstPartySignIn(client, request))
  if (!allows) return problemPage(Problems.malformedForm, 'malformed_form')

  let user: SignedInUser
  if (form.username !== undefined || form.password !== undefined) {
    const signedIn = await signIn(core, client, request, reference, form, browser)
    if ('type' in signedIn) return signedIn
    user = signedIn
  } else {
    const session = request.prompt === 'login' ? null : await currentSession(core, browser)
    // The session ended since the page was shown (or the page asked for a password): sign in again.
    if (session === null) return signInOutcome(client, request, reference, browser.csrfSecret(), { message: Messages.signInAgain, outcome: 'sign_in_page' })
    user = session.user
  }

  const scopes = grantedScopes(request, user.scopes)
  // Answered either way: the page cannot be used again. Taken atomically, so
  // of two answers sent at once (a double submit, a replayed form) one gets the code.
  if (!(await core.signIn.dropRequest(reference))) return problemPage(Problems.expired, 'expired')
  if (scopes instanceof AuthorizationError) return refuse(scopes)
  if (form.action === 'allow') await core.consents.remember(user.userId, client.id, request.audience, scopes)
  return issue(core, client, request, user, scopes)
}
