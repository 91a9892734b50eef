// The token endpoint (RFC 6749 §3.2) as a pipeline of named steps, in the
// order DESIGN.md fixes: (method, no-cache headers and transport checks are
// done by the route) → form body → repeated parameters → grant_type →
// client authentication → grant allowed → DPoP proof (RFC 9449 §5) →
// grant parameters → scope → resource → the person of an OpenID Connect
// grant (still there) → complete (what the grant spends or issues) → sign
// (and the ID token). Each step
// returns an OAuthError value to stop, so the whole request is one straight
// line with no exceptions on the error path.

import type { Client, ProofKey, UserProfile } from '../../domain/types.js'
import type { IssuerCore } from '../../core/types.js'
import { Errors, OAuthError } from '../errors.js'
import { FormBody, type FormValue } from '../form.js'
import { findGrant, TokenRequestSeen, unsupportedGrantType, type Grant, type GrantSubject } from '../grants/index.js'
import { authenticate, readClientCredentials } from '../shared/client-auth.js'
import { checkRepeatedParameters, single } from '../shared/parameters.js'
import { selectAudience } from '../shared/resource.js'
import { grantScopes } from '../shared/scope.js'
import { checkTokenProof } from './dpop.js'

export { TokenRequestSeen }

/** RFC 6749 §5.1 successful response, serialised. */
export interface TokenResponse {
  body: string
}

/** What the token endpoint reads of a request. */
export interface TokenRequest {
  /** The parsed body (a FormBody when it was a form). */
  body: unknown
  /** The Authorization header. */
  authorization: string | undefined
  /** Every `DPoP` header's value, in order (RFC 9449 §4.1: more than one is refused). */
  dpop: readonly string[]
}

/** Step: the body must be a form (RFC 6749 §3.2, Appendix B); the revocation endpoint (RFC 7009 §2.1) takes the same. */
export function requireForm(body: unknown): Record<string, FormValue> | OAuthError {
  if (!(body instanceof FormBody)) return Errors.contentType
  if (body.malformed) return Errors.malformedBody
  return body.params
}

/** Step: grant_type present (invalid_request) and supported (unsupported_grant_type), RFC 6749 §5.2. */
function selectGrant(params: Record<string, FormValue>, seen: TokenRequestSeen): Grant | OAuthError {
  const grantType = single(params, 'grant_type')
  if (grantType === undefined) return Errors.missingGrantType
  seen.grantType = grantType
  return findGrant(grantType) ?? unsupportedGrantType
}

/** Step: RFC 6749 §5.2 unauthorized_client: a client uses only the grants it was created with. */
function checkGrantAllowed(client: Client, grant: Grant): OAuthError | undefined {
  return client.grants.includes(grant.type) ? undefined : Errors.unauthorizedClient
}

/** Step: an OpenID Connect grant's user must still exist: the ID token speaks of them (OpenID Connect Core §3.1.3.3). */
async function identityOf(core: IssuerCore, subject: GrantSubject): Promise<UserProfile | null | OAuthError> {
  if (subject.identity === undefined) return null
  return (await core.userProfile(subject.identity.userId)) ?? Errors.userGone
}

/**
 * Step: sign (RFC 9068) and answer (RFC 6749 §5.1), with the grant's
 * refresh token if it issued one, and the ID token of an OpenID Connect
 * grant (OpenID Connect Core §3.1.3.3), which lives as long as the access
 * token; with a proof, a DPoP-bound access token (RFC 9449 §5, §6.1; the ID
 * token is not bound: it is not presented to resource servers).
 */
function respond(
  core: IssuerCore, client: Client, subject: GrantSubject, scopes: string[], audience: string, refreshToken: string | undefined,
  proofKey: ProofKey, user: UserProfile | null,
): TokenResponse {
  const issued = core.issueAccessToken({
    sub: subject.sub, clientId: client.id, audience, scopes, ttl: client.ttl, authTime: subject.authTime, jkt: proofKey ?? undefined,
  })
  const answer: Record<string, unknown> = {
    access_token: issued.accessToken,
    token_type: proofKey === null ? 'Bearer' : 'DPoP',
    expires_in: issued.expiresIn,
    scope: scopes.join(' '),
  }
  if (refreshToken !== undefined) answer.refresh_token = refreshToken
  const identity = subject.identity
  if (identity !== undefined && user !== null) {
    answer.id_token = core.issueIdToken({
      user, clientId: client.id, scopes, ttl: client.ttl, authTime: identity.authTime, nonce: identity.nonce, sid: identity.sid,
    })
  }
  return { body: JSON.stringify(answer) }
}

export async function answerTokenRequest(core: IssuerCore, request: TokenRequest, seen: TokenRequestSeen): Promise<TokenResponse | OAuthError> {
  const params = requireForm(request.body)
  if (params instanceof OAuthError) return params

  const repeated = checkRepeatedParameters(params)
  if (repeated !== undefined) return repeated

  const grant = selectGrant(params, seen)
  if (grant instanceof OAuthError) return grant

  const claimed = readClientCredentials(request.authorization, params)
  if (claimed instanceof OAuthError) return claimed
  seen.clientId = claimed.id
  const client = await authenticate(core, claimed)
  if (client instanceof OAuthError) return client

  const notAllowed = checkGrantAllowed(client, grant)
  if (notAllowed !== undefined) return notAllowed

  const proofKey = await checkTokenProof(core, client, request.dpop)
  if (proofKey instanceof OAuthError) return proofKey

  const subject = await grant.handle(core, client, params, seen, proofKey)
  if (subject instanceof OAuthError) return subject

  const scopes = grantScopes(single(params, 'scope'), subject.scopes)
  if (scopes instanceof OAuthError) return scopes

  const audience = selectAudience(subject.audiences ?? client.audiences, subject.defaultAudience, single(params, 'resource'), single(params, 'audience'))
  if (audience instanceof OAuthError) return audience

  const user = await identityOf(core, subject)
  if (user instanceof OAuthError) return user

  const completed = subject.complete === undefined ? undefined : await subject.complete({ scopes, audience })
  if (completed instanceof OAuthError) return completed

  // A token issued is a use of a self-registered client: it is deleted 30 days after its last one (DESIGN.md).
  if (client.registered) await core.registrations.recordUse(client)

  return respond(core, client, subject, scopes, audience, completed?.refreshToken, proofKey, user)
}
