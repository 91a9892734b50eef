// The authorization request (RFC 6749 §4.1.1) as a list of named steps, in
// the order DESIGN.md fixes, each returning an error value to stop:
//   1. query → client → redirect URI: failures are pages, never redirects
//      (RFC 6749 §4.1.2.1: no open redirector);
//   2. then every failure goes back to the redirect URI: request objects
//      (OpenID Connect Core §6, not supported) → repeated parameters →
//      lengths (state, nonce, login_hint) → response_type → grant → PKCE
//      (RFC 7636, S256 only: RFC 9700 §2.1.1) → scope → resource (RFC 8707)
//      → the OpenID Connect parameters (Core §3.1.2.1: prompt, max_age)
//      → dpop_jkt (RFC 9449 §10).
// The result is the AuthorizationRequest the sign-in page answers.
import type { AuthorizationRequest, Client, Prompt } from '../../domain/types.js'
import type { IssuerCore } from '../../core/types.js'
import { OAuthError } from '../errors.js'
import { parseForm, type FormValue } from '../form.js'
import { isThumbprint } from '../dpop/index.js'
import { single } from '../shared/parameters.js'
import { selectAudience } from '../shared/resource.js'
import { grantScopes, withoutIdentityScopes } from '../shared/scope.js'
import { AuthorizationError, fromOAuthError, MAX_ECHOED_LENGTH, Problem, Problems, Refusals } from './errors.js'
import { selectRedirectUri } from './redirect-uri.js'
import { Refused } from './response.js'

type Params = Record<string, FormValue>

/** Every parameter the endpoint reads: each at most once (RFC 6749 §3.1). */
const PARAMETERS = [
  'response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method',
  'resource', 'audience', 'prompt', 'dpop_jkt',
  // OpenID Connect Core §3.1.2.1; display, ui_locales, claims_locales and acr_values are accepted and ignored.
  'nonce', 'max_age', 'login_hint', 'request', 'request_uri', 'display', 'ui_locales', 'claims_locales', 'acr_values',
] as const

// RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is 43 characters.
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/
/** OpenID Connect Core §3.1.2.1 prompt values understood; `select_account` is treated as `login` (one account per sign-in). */
const PROMPTS: Record<string, Prompt> = { login: 'login', select_account: 'login', consent: 'consent', none: 'none' }
/** DESIGN.md: nonce and login_hint, like state, at most 2,048 characters. */
// OpenID Connect Core §3.1.2.1 max_age: a non-negative number of seconds.
const MAX_AGE = /^\d{1,10}$/

export interface CheckedRequest {
  client: Client
  request: AuthorizationRequest
}

/** Step: the query is application/x-www-form-urlencoded (RFC 6749 §3.1); empty values count as omitted. */
export function readQuery(url: string): Params | Problem {
  const at = url.indexOf('?')
  const parsed = parseForm(at === -1 ? '' : url.slice(at + 1))
  return parsed.malformed ? Problems.malformedQuery : parsed.params
}

/** Step 1: client_id names a client. */
async function findClient(core: IssuerCore, params: Params): Promise<Client | Problem> {
  const id = params.client_id
  if (id === undefined) return Problems.missingClientId
  if (Array.isArray(id)) return Problems.repeatedClient
  return (await core.findClient(id)) ?? Problems.unknownClient
}

/** Step 2, first: OpenID Connect Core §6 request objects, not supported (§3.1.2.6 request_not_supported, request_uri_not_supported). */
function checkRequestObject(params: Params): AuthorizationError | undefined {
  if (params.request !== undefined) return Refusals.requestNotSupported
  return params.request_uri !== undefined ? Refusals.requestUriNotSupported : undefined
}

/** Step: RFC 6749 §3.1: parameters MUST NOT be included more than once. */
function checkRepeated(params: Params): AuthorizationError | undefined {
  return PARAMETERS.some((p) => Array.isArray(params[p])) ? Refusals.repeatedParameter : undefined
}

/** Values a client sends to have them back (DESIGN.md: each at most 2,048 characters), read or not by this issuer's steps. */
const BOUNDED = ['state', 'nonce', 'login_hint'] as const

/** Step: `state`, `nonce` and `login_hint` are at most MAX_ECHOED_LENGTH characters (they travel in the sealed request). */
function checkLengths(params: Params): AuthorizationError | undefined {
  return BOUNDED.some((p) => (single(params, p)?.length ?? 0) > MAX_ECHOED_LENGTH) ? Refusals.tooLong : undefined
}

/** Step: RFC 6749 §4.1.1 response_type=code. */
function checkResponseType(params: Params): AuthorizationError | undefined {
  const type = single(params, 'response_type')
  if (type === undefined) return Refusals.missingResponseType
  return type === 'code' ? undefined : Refusals.unsupportedResponseType
}

/** Step: the client holds the authorization_code grant (RFC 6749 §4.1.2.1 unauthorized_client). */
function checkGrant(client: Client): AuthorizationError | undefined {
  return client.grants.includes('authorization_code') ? undefined : Refusals.unauthorizedClient
}

/** Step: RFC 7636 §4.3 code_challenge, S256 for every client; absent method is not S256 (`plain` never, RFC 9700 §2.1.1). */
function checkPkce(params: Params): string | AuthorizationError {
  const challenge = single(params, 'code_challenge')
  if (challenge === undefined) return Refusals.missingChallenge
  if (!S256_CHALLENGE.test(challenge)) return Refusals.malformedChallenge
  return single(params, 'code_challenge_method') === 'S256' ? challenge : Refusals.challengeMethod
}

/**
 * Step: RFC 6749 §3.3 scope, each allowed for the client; omitted: every
 * scope of the client but the identity scopes (an ID token only when openid
 * is asked for).
 */
function checkScope(params: Params, client: Client): { scopes: string[]; requested: boolean } | AuthorizationError {
  const requested = single(params, 'scope')
  const scopes = grantScopes(requested, { ceiling: client.scopes, defaults: withoutIdentityScopes(client.scopes) })
  return scopes instanceof OAuthError ? fromOAuthError(scopes) : { scopes, requested: requested !== undefined }
}

/** Step: RFC 8707 §2 resource (or its alias audience) is one of the client's audiences; default the first. */
function checkResource(params: Params, client: Client): string | AuthorizationError {
  const audience = selectAudience(client.audiences, undefined, single(params, 'resource'), single(params, 'audience'))
  return audience instanceof OAuthError ? fromOAuthError(audience) : audience
}

/**
 * Step: OpenID Connect Core §3.1.2.1 prompt, a space-delimited list: values
 * not understood are dropped first (so `none foo` is `none`), then `none`
 * must stand alone.
 */
function checkPrompt(params: Params): Prompt[] | AuthorizationError {
  const prompts: Prompt[] = []
  for (const value of (single(params, 'prompt') ?? '').split(' ')) {
    const prompt = Object.hasOwn(PROMPTS, value) ? PROMPTS[value]! : undefined
    if (prompt !== undefined && !prompts.includes(prompt)) prompts.push(prompt)
  }
  return prompts.includes('none') && prompts.length > 1 ? Refusals.promptNoneWithOthers : prompts
}

/** Step: OpenID Connect Core §3.1.2.1 max_age, whole seconds. */
function checkMaxAge(params: Params): number | null | AuthorizationError {
  const maxAge = single(params, 'max_age')
  if (maxAge === undefined) return null
  return MAX_AGE.test(maxAge) ? Number(maxAge) : Refusals.badMaxAge
}

/** Step: RFC 9449 §10 dpop_jkt, the thumbprint of the key the code will be bound to; absent: an unbound code. */
function checkDpopJkt(params: Params): string | undefined | AuthorizationError {
  const jkt = single(params, 'dpop_jkt')
  if (jkt === undefined) return undefined
  return isThumbprint(jkt) ? jkt : Refusals.malformedDpopJkt
}

export async function checkAuthorizationRequest(core: IssuerCore, url: string): Promise<CheckedRequest | Problem | Refused> {
  const params = readQuery(url)
  if (params instanceof Problem) return params

  const client = await findClient(core, params)
  if (client instanceof Problem) return client

  const target = selectRedirectUri(client, params.redirect_uri)
  if (target instanceof Problem) return target

  // From here the redirect URI is trusted: every error goes back to it (RFC 6749 §4.1.2.1).
  const state = single(params, 'state') ?? null
  const refuse = (error: AuthorizationError) => new Refused(target.redirectUri, state, error)

  const requestObject = checkRequestObject(params)
  if (requestObject !== undefined) return refuse(requestObject)

  const repeated = checkRepeated(params)
  if (repeated !== undefined) return refuse(repeated)

  const tooLong = checkLengths(params)
  if (tooLong !== undefined) return refuse(tooLong)

  const responseType = checkResponseType(params)
  if (responseType !== undefined) return refuse(responseType)

  const grant = checkGrant(client)
  if (grant !== undefined) return refuse(grant)

  const challenge = checkPkce(params)
  if (challenge instanceof AuthorizationError) return refuse(challenge)

  const scope = checkScope(params, client)
  if (scope instanceof AuthorizationError) return refuse(scope)

  const audience = checkResource(params, client)
  if (audience instanceof AuthorizationError) return refuse(audience)

  const prompt = checkPrompt(params)
  if (prompt instanceof AuthorizationError) return refuse(prompt)

  const maxAge = checkMaxAge(params)
  if (maxAge instanceof AuthorizationError) return refuse(maxAge)

  const dpopJkt = checkDpopJkt(params)
  if (dpopJkt instanceof AuthorizationError) return refuse(dpopJkt)

  return {
    client,
    request: {
      clientId: client.id, redirectUri: target.redirectUri, redirectUriSent: target.sent, scopes: scope.scopes,
      scopeRequested: scope.requested, state, codeChallenge: challenge, audience, prompt,
      nonce: single(params, 'nonce') ?? null, maxAge, loginHint: single(params, 'login_hint') ?? null,
      ...(dpopJkt === undefined ? {} : { dpopJkt }),
    },
  }
}
