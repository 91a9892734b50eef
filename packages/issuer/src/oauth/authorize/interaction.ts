// What a checked authorization request needs from the person (DESIGN.md,
// "The sign-in page"): the password form without a session or with
// prompt=login; within a session, the "Allow" / "Deny" page, skipped for a
// first-party (--skip-consent) client unless prompt=consent, and never for
// a client that registered itself (RFC 7591: unverified, every
// authorization asks); prompt=none never shows a page (OpenID Connect Core
// §3.1.2.1: login_required, consent_required). Also the granted scopes,
// and the pages' views.
import type { AuthorizationRequest, Client, SignedInUser } from '../../domain/types.js'
import { intersectScopes } from '../shared/scopes.js'
import { AUTHORIZE_PATH } from '../paths.js'
import { formTargets } from './form-targets.js'
import { authorizePurpose, csrfToken } from '../shared/csrf.js'
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
 * client's scopes that the user has. An empty result is invalid_scope.
 */
export function grantedScopes(request: AuthorizationRequest, userScopes: readonly string[]): string[] | AuthorizationError {
  if (request.scopeRequested && request.scopes.some((s) => !userScopes.includes(s))) return Refusals.scopeNotGranted
  const granted = intersectScopes(request.scopes, userScopes)
  return granted.length === 0 ? Refusals.noScope : granted
}

/**
 * Whether a consent to this client may be remembered: not for one that
 * registered itself (RFC 7591: unverified), nor for a public client with a
 * loopback or private-use redirect URI (RFC 8252 §8.6: any program on the
 * device can claim that address); a public client only when every redirect
 * URI is https.
 */
export const mayRemember = (client: Client): boolean =>
  !client.registered && (!client.public || client.redirectUris.every((uri) => uri.startsWith('https://')))

/**
 * Whether the consent page may be skipped for this client and these
 * granted scopes: never for one that registered itself (DESIGN.md: not even
 * after a remembered consent); when it was created with --skip-consent; or
 * when a remembered consent (`remembered`) covers every scope and the
 * client may be remembered.
 */
export const maySkipConsent = (client: Client, granted: readonly string[] = [], remembered: readonly string[] = []): boolean =>
  !client.registered && (client.skipConsent ||
    (mayRemember(client) && granted.length > 0 && granted.every((s) => remembered.includes(s))))

/** The client as the pages name it: its name, or its id when it registered without one (RFC 7591 `client_name` is optional). */
const shownName = (client: Client) => ({ clientName: client.name === '' ? client.id : client.name, clientUnverified: client.registered })

/**
 * The step after the checks: who must do what, given the browser's session
 * (or none) and the scopes the user's consent to this client covers. The
 * consent page names only what is new, unless prompt=consent (or the
 * client may not be remembered): then everything.
 */
export function nextStep(client: Client, request: AuthorizationRequest, user: SignedInUser | null, remembered: readonly string[] = []): Next {
  if (user === null || request.prompt === 'login') {
    return request.prompt === 'none' ? Refusals.loginRequired : { kind: 'sign-in' }
  }
  const scopes = grantedScopes(request, user.scopes)
  if (scopes instanceof AuthorizationError) return scopes
  if (maySkipConsent(client, scopes, remembered) && request.prompt !== 'consent') return { kind: 'code', scopes }
  if (request.prompt === 'none') return Refusals.consentRequired
  const everything = request.prompt === 'consent' || !mayRemember(client)
  return { kind: 'consent', scopes: everything ? scopes : scopes.filter((s) => !remembered.includes(s)) }
}

/** The same authorization request with prompt=login: the consent page's "sign in as someone else". */
export function switchUserHref(request: AuthorizationRequest): string {
  const query = new URLSearchParams({ response_type: 'code', client_id: request.clientId })
  if (request.redirectUriSent !== null) query.set('redirect_uri', request.redirectUriSent)
  if (request.scopeRequested) query.set('scope', request.scopes.join(' '))
  if (request.state !== null) query.set('state', request.state)
  query.set('code_challenge', request.codeChallenge)
  query.set('code_challenge_method', 'S256')
  query.set('resource', request.audience)
  query.set('prompt', 'login')
  return `${AUTHORIZE_PATH}?${query}`
}

export interface SignInExtras {
  status?: number
  username?: string
  message?: string
  retryAfter?: number
  outcome?: string
}

/** A first-party client's page without a session: a plain sign-in page, one "Sign in" button that records no consent (DESIGN.md). */
export const isFirstPartySignIn = (client: Client, request: AuthorizationRequest): boolean =>
  maySkipConsent(client) && request.prompt !== 'consent'

/** The password form for a held request. */
export function signInOutcome(client: Client, request: AuthorizationRequest, reference: string, csrfSecret: string, extras: SignInExtras = {}): PageOutcome {
  const view = {
    kind: 'sign-in' as const,
    action: AUTHORIZE_PATH, reference, csrf: csrfToken(csrfSecret, authorizePurpose(reference)),
    ...shownName(client), scopes: request.scopes, username: extras.username, message: extras.message,
    firstParty: isFirstPartySignIn(client, request),
    retryMinutes: extras.retryAfter === undefined ? undefined : Math.max(1, Math.ceil(extras.retryAfter / 60)),
  }
  return {
    type: 'page', status: extras.status ?? 200, view, formTargets: formTargets(request.redirectUri),
    retryAfter: extras.retryAfter, outcome: extras.outcome ?? 'sign_in_page',
  }
}

/** The Allow / Deny page within a session. */
export function consentOutcome(client: Client, request: AuthorizationRequest, reference: string, csrfSecret: string, user: SignedInUser, scopes: string[]): PageOutcome {
  const view = {
    kind: 'consent' as const,
    action: AUTHORIZE_PATH, reference, csrf: csrfToken(csrfSecret, authorizePurpose(reference)),
    ...shownName(client), scopes, username: user.username, switchUserHref: switchUserHref(request),
  }
  return { type: 'page', status: 200, view, formTargets: formTargets(request.redirectUri), outcome: 'consent_page' }
}
