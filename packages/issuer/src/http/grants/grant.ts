// The shape of one grant in the registry (RFC 6749 §4): the parameters it
// accepts beyond the common ones, and a handler that turns an authenticated
// client and those parameters into a subject and the scopes it may receive.

import type { Client, GrantType, IssuerCore } from '../../core/types.js'
import type { OAuthError } from '../errors.js'
import type { FormValue } from '../form.js'

export interface GrantSubject {
  /** The token's `sub` (RFC 9068 §2.2). */
  sub: string
  /** The most this subject may be granted: the scope when `scope` is omitted (RFC 6749 §3.3). */
  scopeCeiling: readonly string[]
}

export interface Grant {
  readonly type: GrantType
  /** Parameters this grant reads from the body (each recognised: sent twice is invalid_request). */
  readonly parameters: readonly string[]
  /**
   * Checks the grant's own parameters (RFC 6749 §4.x.2) for an authenticated
   * client that is allowed this grant. Parameters are already known to be
   * single-valued.
   */
  handle(core: IssuerCore, client: Client, params: Record<string, FormValue>): GrantSubject | OAuthError | Promise<GrantSubject | OAuthError>
}
