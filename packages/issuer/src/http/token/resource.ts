// RFC 8707 §2 resource indicators: `resource` (DESIGN: `audience` is an alias)
// names the one audience of the token. It must equal one of the client's
// audiences byte for byte, else invalid_target; omitted, the client's first
// audience is used.

import type { Client } from '../../core/types.js'
import { Errors, type OAuthError } from '../errors.js'

export function selectAudience(client: Client, resource: string | undefined, audience: string | undefined): string | OAuthError {
  if (resource !== undefined && audience !== undefined) return Errors.resourceAndAudience
  const requested = resource ?? audience
  if (requested === undefined) return client.audiences[0] ?? Errors.invalidTarget
  // Byte-for-byte equality: no normalisation of case, trailing slash or encoding.
  return client.audiences.includes(requested) ? requested : Errors.invalidTarget
}
