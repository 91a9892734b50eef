// UserInfo (OpenID Connect Core §5.3), GET or POST, as named steps:
// presented token (RFC 6750 §2.1 Bearer, RFC 9449 §7.1 DPoP) → the access
// token this issuer signed (a published key, typ at+jwt: RFC 9068 §4, iss,
// exp; aud any audience of its client) → sender constraint (the verify
// library's 'allow' rules: a token bound by cnf.jkt only under DPoP, with a
// proof of that key for this method and URL and this token's `ath`; an
// unbound one only under Bearer) → it holds openid (else 403
// insufficient_scope) → its user still exists → the claims of its identity
// scopes (§5.4), with sub. Failures are RFC 6750 §3 / RFC 9449 §7.1 challenges.
import type { IssuerCore } from '../../core/types.js'
import { identityClaims } from '../../core/identity-claims.js'
import { verifyOwnAccessToken } from '../../keys/own-token.js'
import { grantsOpenId } from '../shared/scope.js'
import { DpopFailure, verifyDpopProof } from '../dpop/index.js'
import { USERINFO_PATH } from '../paths.js'
import { BearerError, BearerErrors, proofError } from './bearer-errors.js'
import { presentedToken, type PresentedToken } from './presented-token.js'

export interface UserInfoAnswer {
  claims: Record<string, unknown>
}

/** The parts of the request UserInfo reads. */
export interface UserInfoRequest {
  method: 'GET' | 'POST'
  authorization: string | undefined
  /** Every value of the request's `DPoP` headers, in order. */
  dpop: readonly string[]
}

/** What one request learned, for its log line (never the token). */
export interface UserInfoSeen {
  clientId?: string
}

/** Step: the token as presented (a scheme we do not take counts as none). */
function readToken(authorization: string | undefined): PresentedToken | BearerError {
  const presented = presentedToken(authorization)
  if (presented === 'malformed') return BearerErrors.malformed
  return presented ?? BearerErrors.noToken
}

/** The access token's claims, once verified. */
type Claims = Record<string, unknown>

/** Step: the access token's signature under a key the issuer publishes, its type, issuer and lifetime (RFC 9068 §4). */
function verifyAccessToken(core: IssuerCore, token: string): Claims | BearerError {
  return verifyOwnAccessToken(core.jwks(), token, { issuer: core.config.issuer, now: core.now() }) ?? BearerErrors.invalidToken
}

/**
 * Step: the sender constraint (RFC 9449 §7.1; DESIGN.md, the verify
 * library's 'allow' mode). Bearer: only a token without `cnf.jkt`. DPoP:
 * only a bound token, with one valid proof for this request (htm, htu built
 * from the issuer identifier, ath, a jti unseen across the store, the
 * nonce when TESSERA_DPOP_NONCE is on) whose key is the token's.
 */
async function checkSenderConstraint(
  core: IssuerCore, request: UserInfoRequest, presented: PresentedToken, claims: Claims,
): Promise<BearerError | undefined> {
  const cnf = claims.cnf as { jkt?: unknown } | undefined
  const jkt = typeof cnf?.jkt === 'string' ? cnf.jkt : undefined
  if (presented.scheme === 'Bearer') return jkt === undefined ? undefined : BearerErrors.boundToken
  if (jkt === undefined) return BearerErrors.unboundToken.under('DPoP')
  const proof = await verifyDpopProof(core, request.dpop, {
    htm: request.method, htu: core.config.issuer + USERINFO_PATH, accessToken: presented.token,
  })
  if (proof instanceof DpopFailure) return proofError(proof.error, proof.description)
  return proof.jkt === jkt ? undefined : proofError('invalid_dpop_proof', 'the DPoP proof key is not the key the access token is bound to')
}

/** Step: `aud` is one of the audiences of the client the token was issued to (DESIGN.md). */
async function checkAudience(core: IssuerCore, claims: Claims): Promise<BearerError | undefined> {
  const client = typeof claims.client_id === 'string' ? await core.findClient(claims.client_id) : null
  if (client === null) return BearerErrors.invalidToken
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  return audiences.some((a) => typeof a === 'string' && client.audiences.includes(a)) ? undefined : BearerErrors.invalidToken
}

export async function userInfo(core: IssuerCore, request: UserInfoRequest, seen: UserInfoSeen): Promise<UserInfoAnswer | BearerError> {
  const presented = readToken(request.authorization)
  if (presented instanceof BearerError) return presented

  const claims = verifyAccessToken(core, presented.token)
  if (claims instanceof BearerError) return claims.under(presented.scheme)
  seen.clientId = claims.client_id as string

  const constraint = await checkSenderConstraint(core, request, presented, claims)
  if (constraint !== undefined) return constraint

  const audience = await checkAudience(core, claims)
  if (audience !== undefined) return audience.under(presented.scheme)

  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : []
  if (!grantsOpenId(scopes)) return BearerErrors.noOpenId.under(presented.scheme)

  const user = await core.userProfile(claims.sub as string)
  if (user === null) return BearerErrors.userGone.under(presented.scheme)

  return { claims: { sub: user.id, ...identityClaims(user, scopes) } }
}
