// RFC 6749 §2.3: client authentication at the token endpoint, by
// client_secret_basic (HTTP Basic, §2.3.1 form-encoded id and secret) or
// client_secret_post (client_id and client_secret in the body). A client
// must not use more than one method in a request (§2.3).

import { BusyError } from '../../domain/errors.js'
import type { Client } from '../../domain/types.js'
import type { IssuerCore } from '../../core/types.js'
import { MALFORMED_BASIC, NOT_BASIC, parseBasic } from '../basic-auth.js'
import { busy, Errors, type OAuthError } from '../errors.js'
import type { FormValue } from '../form.js'
import { single } from './parameters.js'

/** Who is asking, as far as the request says, before any secret is checked. */
export interface ClaimedClient {
  id: string | undefined
  secret: string | undefined
  /** Basic was used: a 401 then carries `WWW-Authenticate: Basic` (RFC 6749 §5.2). */
  basic: boolean
}

/** Reads the credentials from the Authorization header and the body. */
export function readClientCredentials(authorization: string | undefined, params: Record<string, FormValue>): ClaimedClient | OAuthError {
  const bodyId = single(params, 'client_id')
  const bodySecret = single(params, 'client_secret')
  if (authorization === undefined) return { id: bodyId, secret: bodySecret, basic: false }

  const basic = parseBasic(authorization)
  // Another scheme is an authentication attempt we do not support: answer with our challenge.
  if (basic === NOT_BASIC) return Errors.invalidClientBasic
  if (basic === MALFORMED_BASIC) return Errors.malformedBasic
  if (bodySecret !== undefined) return Errors.credentialsTwice
  if (bodyId !== undefined && bodyId !== basic.id) return Errors.clientIdMismatch
  return { id: basic.id, secret: basic.secret, basic: true }
}

/**
 * Checks the claimed credentials with the core: the client, or 401
 * invalid_client. A public client sends its `client_id` alone (RFC 6749
 * §2.1, §3.2.1); a secret or Basic from it, or a confidential client
 * without a secret, is invalid_client (DESIGN.md).
 */
export async function authenticate(core: IssuerCore, claimed: ClaimedClient): Promise<Client | OAuthError> {
  const failure = claimed.basic ? Errors.invalidClientBasic : Errors.invalidClient
  if (claimed.id === undefined) return failure
  // Unknown client and wrong secret cost the same and look the same (core + one error value).
  let client
  try {
    client = await core.authenticateClient(claimed.id, claimed.secret)
  } catch (err) {
    // A client whose imported secret is an argon2id hash goes through
    // admission control too: refused when full, 503 (RFC 9110 §15.6.4).
    if (err instanceof BusyError) return busy(err.retryAfter)
    throw err
  }
  return client ?? failure
}
