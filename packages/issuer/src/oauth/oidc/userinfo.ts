// UserInfo (OpenID Connect Core §5.3), GET or POST, as named steps:
// presented token (RFC 6750 §2.1; DPoP plugs in here, RFC 9449 §7.1) →
// sender constraint (a DPoP-bound token never under Bearer) → the access
// token this issuer signed (a published key, typ at+jwt: RFC 9068 §4, iss,
// exp; aud any audience of its client) → it holds openid (else 403
// insufficient_scope) → its user still exists → the claims of its identity
// scopes (§5.4), with sub. Failures are RFC 6750 §3 challenges.
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose'
import type { IssuerCore } from '../../core/types.js'
import { identityClaims } from '../../core/identity-claims.js'
import { SIGNING_ALGS } from '../../domain/types.js'
import { grantsOpenId } from '../shared/scope.js'
import { BearerError, BearerErrors } from './bearer-errors.js'
import { ownKeys } from './own-keys.js'
import { presentedToken, type PresentedToken } from './presented-token.js'

export interface UserInfoAnswer {
  claims: Record<string, unknown>
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

/** Step: the access token's signature under a key the issuer publishes, its type, issuer and lifetime (RFC 9068 §4). */
async function verifyAccessToken(core: IssuerCore, token: string): Promise<JWTPayload | BearerError> {
  try {
    const { payload } = await jwtVerify(token, ownKeys(core), {
      issuer: core.config.issuer, typ: 'at+jwt', algorithms: [...SIGNING_ALGS], requiredClaims: ['sub', 'exp', 'client_id', 'aud'],
      currentDate: new Date(core.now()),
    })
    return payload
  } catch (err) {
    if (err instanceof joseErrors.JOSEError || err instanceof TypeError) return BearerErrors.invalidToken
    throw err
  }
}

/** Step: a token bound to a key (RFC 9449 §6 `cnf.jkt`) is refused under Bearer. */
function checkSenderConstraint(presented: PresentedToken, claims: JWTPayload): BearerError | undefined {
  const cnf = claims.cnf as { jkt?: unknown } | undefined
  return presented.scheme === 'Bearer' && cnf?.jkt !== undefined ? BearerErrors.boundToken : undefined
}

/** Step: `aud` is one of the audiences of the client the token was issued to (DESIGN.md). */
async function checkAudience(core: IssuerCore, claims: JWTPayload): Promise<BearerError | undefined> {
  const client = typeof claims.client_id === 'string' ? await core.findClient(claims.client_id) : null
  if (client === null) return BearerErrors.invalidToken
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  return audiences.some((a) => typeof a === 'string' && client.audiences.includes(a)) ? undefined : BearerErrors.invalidToken
}

export async function userInfo(core: IssuerCore, authorization: string | undefined, seen: UserInfoSeen): Promise<UserInfoAnswer | BearerError> {
  const presented = readToken(authorization)
  if (presented instanceof BearerError) return presented

  const claims = await verifyAccessToken(core, presented.token)
  if (claims instanceof BearerError) return claims
  seen.clientId = claims.client_id as string

  const unbound = checkSenderConstraint(presented, claims)
  if (unbound !== undefined) return unbound

  const audience = await checkAudience(core, claims)
  if (audience !== undefined) return audience

  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : []
  if (!grantsOpenId(scopes)) return BearerErrors.noOpenId

  const user = await core.userProfile(claims.sub!)
  if (user === null) return BearerErrors.userGone

  return { claims: { sub: user.id, ...identityClaims(user, scopes) } }
}
