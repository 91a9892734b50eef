// What a checked authorization request needs from the person (DESIGN.md,
// "The sign-in page"): the password form without a session, with
// prompt=login (or select_account), or when the session is older than
// max_age; within a session, the "Allow" / "Deny" page, skipped for a
// first-party (--skip-consent) client unless prompt=consent, and never for
// a client that registered itself (RFC 7591: unverified, every
// authorization asks); prompt=none never shows a page (OpenID Connect Core
// §3.1.2.1: login_required, consent_required). Also the granted scopes,
// and the pages' views.
import type { AuthorizationRequest, Client, SignedInUser } from '../../domain/types.js'
import { intersectScopes, scopesUserLacks } from '../shared/scope.js'
import type { IssuerConfig } from '../../config.js'
import { AUTHORIZE_PATH, FORGOT_PATH, SIGNUP_PATH } from '../paths.js'
import { formTargets } from './form-targets.js'
import { AuthorizationError, Refusals } from './errors.js'
import type { PageOutcome } from './response.js'

export type Next =
  | { kind: 'sign-in' }
  | { kind: 'consent'; scopes: string[] }
  | { kind: 'code'; scopes: string[] }
  | AuthorizationError

/**
 * Granted scopes (DESIGN.md, as for the password grant): the scopes asked
 * for, each of which the user must have; when `scope` was omitted, the
 * client's scopes that the user has. Identity scopes are not the user's to
 * lack (every user has them). An empty result is invalid_scope.
 */
export function grantedScopes(request: AuthorizationRequest, userScopes: readonly string[]): string[] | AuthorizationError {
  if (request.scopeRequested && scopesUserLacks(request.scopes, userScopes).length > 0) return Refusals.scopeNotGranted
  const granted = intersectScopes(request.scopes, userScopes)
  return granted.length === 0 ? Refusals.noScope : granted
}

/**
 * Whether the consent page may be skipped for this client: never for one
 * that registered itself (DESIGN.md: not even after a remembered consent),
 * else when it was created with --skip-consent.
 */
export const maySkipConsent = (client: Client): boolean => client.skipConsent && !client.registered

/** The client as the pages name it: its name, or its id when it registered without one (RFC 7591 `client_name` is optional). */
const shownName = (client: Client) => ({ clientName: client.name === '' ? client.id : client.name, clientUnverified: client.registered })

/**
 * The session may answer without a password: not with prompt=login, and
 * not when it is older than max_age (OpenID Connect Core §3.1.2.1; 0: a
 * password every time).
 */
export function sessionSuffices(request: AuthorizationRequest, user: SignedInUser, now: number): boolean {
  if (request.prompt.includes('login')) return false
  if (request.maxAge === null) return true
  return request.maxAge > 0 && now - user.authTime <= request.maxAge * 1000
}

/** The step after the checks: who must do what, given the browser's session (or none), at `now`. */
export function nextStep(client: Client, request: AuthorizationRequest, user: SignedInUser | null, now: number): Next {
  if (user === null || !sessionSuffices(request, user, now)) {
    return request.prompt.includes('none') ? Refusals.loginRequired : { kind: 'sign-in' }
  }
  const scopes = grantedScopes(request, user.scopes)
  if (scopes instanceof AuthorizationError) return scopes
  if (maySkipConsent(client) && !request.prompt.includes('consent')) return { kind: 'code', scopes }
  if (request.prompt.includes('none')) return Refusals.consentRequired
  return { kind: 'consent', scopes }
}

/** The same authorization request with prompt=login (and consent, if asked): the consent page's "sign in as someone else". */
export const switchUserHref = (request: AuthorizationRequest): string =>
  authorizeHref(request, request.prompt.includes('consent') ? ['login', 'consent'] : ['login'])

/** The authorization request again as a URL (its checked parameters), with `prompt` as given (empty: none sent). */
export function authorizeHref(request: AuthorizationRequest, prompt: AuthorizationRequest['prompt']): string {
  const query = new URLSearchParams({ response_type: 'code', client_id: request.clientId })
  if (request.redirectUriSent !== null) query.set('redirect_uri', request.redirectUriSent)
  if (request.scopeRequested) query.set('scope', request.scopes.join(' '))
  if (request.state !== null) query.set('state', request.state)
  query.set('code_challenge', request.codeChallenge)
  query.set('code_challenge_method', 'S256')
  query.set('resource', request.audience)
  // The app's OpenID Connect and DPoP parameters go along: its ID token must still carry its nonce, its code its key.
  if (request.nonce !== null) query.set('nonce', request.nonce)
  if (request.maxAge !== null) query.set('max_age', String(request.maxAge))
  if (request.dpopJkt !== undefined) query.set('dpop_jkt', request.dpopJkt)
  if (prompt.length > 0) query.set('prompt', prompt.join(' '))
  return `${AUTHORIZE_PATH}?${query}`
}

export interface SignInExtras {
  status?: number
  username?: string
  message?: string
  retryAfter?: number
  outcome?: string
}

/** A page's hidden fields: the sealed request and the anti-CSRF token bound to it. */
export interface PageFields {
  reference: string
  csrf: string
}

/**
 * The sign-in page's links (DESIGN.md, "Accounts"): "Create an account"
 * carrying the pending (sealed) request when sign-up is open, "Forgot your
 * password?" when e-mail is on; neither otherwise.
 */
export function accountLinks(config: Pick<IssuerConfig, 'signup' | 'smtpUrl'>, reference: string): { signupHref?: string; forgotHref?: string } {
  return {
    signupHref: config.signup === 'open' ? `${SIGNUP_PATH}?${new URLSearchParams({ request: reference })}` : undefined,
    forgotHref: config.smtpUrl !== null ? FORGOT_PATH : undefined,
  }
}

/** The password form for a sealed request. */
export function signInOutcome(
  config: Pick<IssuerConfig, 'signup' | 'smtpUrl'>, client: Client, request: AuthorizationRequest, fields: PageFields,
  extras: SignInExtras = {},
): PageOutcome {
  const view = {
    kind: 'sign-in' as const,
    action: AUTHORIZE_PATH, reference: fields.reference, csrf: fields.csrf,
    // OpenID Connect Core §3.1.2.1 login_hint prefills the username (escaped by the page, like every value).
    ...shownName(client), scopes: request.scopes, username: extras.username ?? request.loginHint ?? undefined, message: extras.message,
    ...accountLinks(config, fields.reference),
  }
  return {
    type: 'page', status: extras.status ?? 200, view, formTargets: formTargets(request.redirectUri),
    retryAfter: extras.retryAfter, outcome: extras.outcome ?? 'sign_in_page',
  }
}

/** The Allow / Deny page within a session. */
export function consentOutcome(client: Client, request: AuthorizationRequest, fields: PageFields, user: SignedInUser, scopes: string[]): PageOutcome {
  const view = {
    kind: 'consent' as const,
    action: AUTHORIZE_PATH, reference: fields.reference, csrf: fields.csrf,
    ...shownName(client), scopes, username: user.username, switchUserHref: switchUserHref(request),
  }
  return { type: 'page', status: 200, view, formTargets: formTargets(request.redirectUri), outcome: 'consent_page' }
}
