// RFC 6750 §3 errors of a protected resource (here UserInfo, OpenID Connect
// Core §5.3.3): the status, the WWW-Authenticate challenge, and a JSON body
// saying the same. No token at all: 401 with the bare challenge (§3.1).

export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope'

export const REALM = 'tessera'

export class BearerError {
  constructor(
    readonly status: 400 | 401 | 403,
    readonly error: BearerErrorCode | null,
    /** Client-safe text (RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E). */
    readonly description: string | null,
    /** RFC 6750 §3 `scope` of the challenge, for insufficient_scope. */
    readonly scope?: string,
  ) {}

  /** RFC 6750 §3: `Bearer realm="…"[, error="…", error_description="…"][, scope="…"]`. */
  get challenge(): string {
    const parts = [`realm="${REALM}"`]
    if (this.error !== null) parts.push(`error="${this.error}"`)
    if (this.description !== null) parts.push(`error_description="${this.description}"`)
    if (this.scope !== undefined) parts.push(`scope="${this.scope}"`)
    return `Bearer ${parts.join(', ')}`
  }

  get body(): string {
    return this.error === null ? '' : JSON.stringify({ error: this.error, error_description: this.description })
  }
}

const invalidToken = (description: string) => new BearerError(401, 'invalid_token', description)

export const BearerErrors = {
  noToken: new BearerError(401, null, null),
  malformed: new BearerError(400, 'invalid_request', 'malformed Authorization header'),
  invalidToken: invalidToken('the access token is invalid or expired'),
  boundToken: invalidToken('the access token is bound to a key (DPoP): present it with the DPoP scheme'),
  userGone: invalidToken('the user of this access token no longer exists'),
  noOpenId: new BearerError(403, 'insufficient_scope', 'the access token was not granted openid', 'openid'),
} as const
