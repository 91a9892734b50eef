// The shape of one grant in the registry (RFC 6749 §4): the parameters it
// accepts beyond the common ones, and a handler that turns an authenticated
// client and those parameters into a subject and the scopes it may receive.
// A grant that spends something (a code, a refresh token) or issues a
// refresh token does so in `complete`, which runs only once scope and
// resource have passed: a request refused for its scope changes nothing.

import type { Client, GrantType, ProofKey } from '../../domain/types.js'
import type { IssuerCore } from '../../core/types.js'
import type { OAuthError } from '../errors.js'
import type { FormValue } from '../form.js'
import type { ScopeLimits } from '../shared/scope.js'

/** What one token request learned, for its log line (never a secret). */
export class TokenRequestSeen {
  /** The client id claimed (logged only when it has the issuer's form). */
  clientId: string | undefined = undefined
  /** The grant_type sent (logged only when it is a known one). */
  grantType: string | undefined = undefined
  /** The refresh token family concerned, when there is one. */
  familyId: string | undefined = undefined
  /** A spent refresh token or code was presented again: its family was revoked. */
  replayed = false
  /** A refresh answered within the reuse grace with the same successor. */
  reused = false
}

export interface GrantCompletion {
  /** RFC 6749 §5.1 refresh_token to answer, if the grant issues one. */
  refreshToken?: string
}

/** What an ID token is made of, beyond the token request: the person, the sign-in, the nonce. */
export interface IdentityGrant {
  userId: string
  authTime: number
  /** The authorization request's nonce: on the code grant's ID token only (OpenID Connect Core §12.2: not on refresh). */
  nonce: string | null
  /** The public id of the session of the sign-in the grant came from. */
  sid: string | null
}

export interface GrantSubject {
  /** The token's `sub` (RFC 9068 §2.2). */
  sub: string
  /** The most this subject may be granted, what `scope` omitted grants (RFC 6749 §3.3), and what is refused. */
  scopes: ScopeLimits
  /** The audiences `resource` may name (RFC 8707 §2); default the client's. */
  audiences?: readonly string[]
  /** The audience when `resource` is omitted; default the first of `audiences`. */
  defaultAudience?: string
  /** Sign-in time (ms), for the RFC 9068 §2.2.1 auth_time claim. */
  authTime?: number
  /**
   * Set when the grant descends from an authorization request whose granted
   * scopes held `openid`: an ID token goes with the access token (OpenID
   * Connect Core §3.1.3.3, §12.2).
   */
  identity?: IdentityGrant
  /** Spends what the grant spends, once scope and resource have passed. */
  complete?(granted: { scopes: string[]; audience: string }): Promise<GrantCompletion | OAuthError>
}

/**
 * The services grants use, and nothing else of the core (fosite's lesson: a
 * grant handler sees only what it needs). Each grant names its own subset.
 */
export type GrantServices = Pick<IssuerCore, 'codes' | 'refreshTokens' | 'checkUserPassword'>

export interface Grant {
  readonly type: GrantType
  /** Parameters this grant reads from the body (each recognised: sent twice is invalid_request). */
  readonly parameters: readonly string[]
  /**
   * Checks the grant's own parameters (RFC 6749 §4.x.2) for an authenticated
   * client that is allowed this grant. Parameters are already known to be
   * single-valued. `proofKey`: the thumbprint of the request's checked DPoP
   * proof key, or null (RFC 9449 §5).
   */
  handle(
    services: GrantServices, client: Client, params: Record<string, FormValue>, seen: TokenRequestSeen, proofKey: ProofKey,
  ): GrantSubject | OAuthError | Promise<GrantSubject | OAuthError>
}
