// The grant registry: grant_type → handler. Adding a grant is adding a file
// here; the token pipeline, the recognised-parameter list and the metadata's
// grant_types_supported all read this registry.

import type { GrantType } from '../../domain/types.js'
import { OAuthError } from '../errors.js'
import { authorizationCode } from './authorization-code.js'
import { clientCredentials } from './client-credentials.js'
import type { Grant } from './grant.js'
import { password } from './password.js'
import { refreshToken } from './refresh-token.js'

export type { Grant, GrantSubject } from './grant.js'
export { TokenRequestSeen } from './grant.js'

const registry = new Map<string, Grant>([
  [authorizationCode.type, authorizationCode],
  [clientCredentials.type, clientCredentials],
  [password.type, password],
  [refreshToken.type, refreshToken],
])

/** The grant for a grant_type value, or undefined when unsupported. */
export function findGrant(grantType: string): Grant | undefined {
  return registry.get(grantType)
}

/** RFC 8414 §2 grant_types_supported. */
export const grantTypesSupported: readonly GrantType[] = [...registry.keys()] as GrantType[]

/** RFC 6749 §5.2 unsupported_grant_type, naming the grant types this issuer supports (built once). */
export const unsupportedGrantType = new OAuthError('unsupported_grant_type', 400,
  `grant_type is not supported; supported: ${grantTypesSupported.join(', ')}`)

/** Parameters some grant reads: recognised, so sending one twice is invalid_request. */
export const grantParameters: readonly string[] = [...new Set([...registry.values()].flatMap((g) => g.parameters))]
