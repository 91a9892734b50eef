// RFC 6750 §3 errors of a protected resource (here UserInfo, OpenID Connect
// Core §5.3.3), and RFC 9449 §7.1 for the DPoP scheme: the status, the
// WWW-Authenticate challenges, and a JSON body saying the same. No token
// at all: 401 with the bare challenges (RFC 6750 §3.1), one per scheme
// taken (Bearer, and DPoP with its algorithms, as the verify library's
// 'allow' mode sends them).
import { DPOP_ALGS } from '../dpop/index.js'
import type { TokenScheme } from './presented-token.js'

export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof' | 'use_dpop_nonce'

export const REALM = 'tessera'

/** RFC 9449 §7.1 `algs`: the proof algorithms the resource accepts. */
const ALGS = `algs="${DPOP_ALGS.join(' ')}"`

export class BearerError {
  constructor(
    readonly status: 400 | 401 | 403,
    readonly error: BearerErrorCode | null,
    /** Client-safe text (RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E). */
    readonly description: string | null,
    /** RFC 6750 §3 `scope` of the challenge, for insufficient_scope. */
    readonly scope?: string,
    /** The scheme the failing request used, whose challenge carries the error; null: no token, both bare challenges. */
    readonly scheme: TokenScheme | null = 'Bearer',
  ) {}

  /** The same error under the scheme the request used (RFC 9449 §7.1: a DPoP request's error comes in the DPoP challenge). */
  under(scheme: TokenScheme): BearerError {
    return scheme === this.scheme ? this : new BearerError(this.status, this.error, this.description, this.scope, scheme)
  }

  /** The WWW-Authenticate values: `Bearer realm="…"[, error="…", error_description="…"][, scope="…"]`, or the DPoP one with `algs`. */
  get challenges(): string[] {
    const parts = [`realm="${REALM}"`]
    if (this.error !== null) parts.push(`error="${this.error}"`)
    if (this.description !== null) parts.push(`error_description="${this.description}"`)
    if (this.scope !== undefined) parts.push(`scope="${this.scope}"`)
    if (this.scheme === null) return [`Bearer realm="${REALM}"`, `DPoP realm="${REALM}", ${ALGS}`]
    return this.scheme === 'DPoP' ? [`DPoP ${[...parts, ALGS].join(', ')}`] : [`Bearer ${parts.join(', ')}`]
  }

  get body(): string {
    return this.error === null ? '' : JSON.stringify({ error: this.error, error_description: this.description })
  }
}

const invalidToken = (description: string) => new BearerError(401, 'invalid_token', description)

export const BearerErrors = {
  noToken: new BearerError(401, null, null, undefined, null),
  malformed: new BearerError(400, 'invalid_request', 'malformed Authorization header'),
  invalidToken: invalidToken('the access token is invalid or expired'),
  // RFC 9449 §7.1, DESIGN.md: a bound token never as a bearer token; an unbound one never under DPoP.
  boundToken: invalidToken('the access token is bound to a key (DPoP): present it with the DPoP scheme'),
  unboundToken: invalidToken('the access token is not bound to a key: present it with the Bearer scheme'),
  userGone: invalidToken('the user of this access token no longer exists'),
  noOpenId: new BearerError(403, 'insufficient_scope', 'the access token was not granted openid', 'openid'),
} as const

/** RFC 9449 §7.1: a proof that fails, under the DPoP challenge. */
export const proofError = (error: 'invalid_dpop_proof' | 'use_dpop_nonce', description: string): BearerError =>
  new BearerError(401, error, description, undefined, 'DPoP')
