// RFC 8707 §2 resource indicators: `resource` (DESIGN: `audience` is an alias)
// names the one audience of the token. It must equal one of the allowed
// audiences byte for byte, else invalid_target; omitted, the default is
// used. Allowed: the client's audiences, or what the grant narrows them to
// (a code's audience); default: the first, or the grant's (a refresh
// token's original audience).

import { Errors, type OAuthError } from '../errors.js'

export function selectAudience(
  allowed: readonly string[],
  fallback: string | undefined,
  resource: string | undefined,
  audience: string | undefined,
): string | OAuthError<'invalid_request' | 'invalid_target'> {
  if (resource !== undefined && audience !== undefined) return Errors.resourceAndAudience
  const requested = resource ?? audience
  if (requested === undefined) return fallback ?? allowed[0] ?? Errors.invalidTarget
  // Byte-for-byte equality: no normalisation of case, trailing slash or encoding.
  return allowed.includes(requested) ? requested : Errors.invalidTarget
}
