// RFC 6749 §4.3: resource owner password credentials. Legacy: RFC 9700 §2.4
// says it MUST NOT be used; a client has it only when created with it.
// `sub` is the user's stable id; the ceiling is the client's scopes
// intersected with the user's (DESIGN, RFC 6749 §3.3).

import { BusyError, type Client, type IssuerCore } from '../../core/types.js'
import { busy, Errors, tooManyAttempts, type OAuthError } from '../errors.js'
import type { FormValue } from '../form.js'
import type { Grant, GrantSubject } from './grant.js'

async function handle(core: IssuerCore, client: Client, params: Record<string, FormValue>): Promise<GrantSubject | OAuthError> {
  const username = params.username
  const password = params.password
  // RFC 6749 §4.3.2: both REQUIRED. Values are single strings after the repetition check.
  if (typeof username !== 'string') return Errors.missingUsername
  if (typeof password !== 'string') return Errors.missingPassword
  let outcome
  try {
    outcome = await core.checkUserPassword(username, password)
  } catch (err) {
    // Admission control refused the argon2 computation (RFC 9110 §15.6.4).
    if (err instanceof BusyError) return busy(err.retryAfter)
    throw err
  }
  if (outcome.ok) {
    return { sub: outcome.user.id, scopeCeiling: intersect(client.scopes, outcome.user.scopes) }
  }
  // Unknown user and wrong password: one answer (RFC 6749 §5.2 invalid_grant).
  if (outcome.reason === 'locked') return tooManyAttempts(outcome.retryAfter)
  return Errors.invalidGrant
}

/** The client's scopes that the user also has, in the client's order. */
function intersect(clientScopes: readonly string[], userScopes: readonly string[]): string[] {
  const granted: string[] = []
  for (const scope of clientScopes) if (userScopes.includes(scope)) granted.push(scope)
  return granted
}

export const password: Grant = {
  type: 'password',
  parameters: ['username', 'password'],
  handle,
}
