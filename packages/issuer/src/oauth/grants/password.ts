// RFC 6749 §4.3: resource owner password credentials. Legacy: RFC 9700 §2.4
// says it MUST NOT be used; a client has it only when created with it.
// `sub` is the user's stable id; the ceiling is the client's scopes
// intersected with the user's (DESIGN, RFC 6749 §3.3). A client holding the
// refresh_token grant also receives a refresh token (RFC 6749 §4.3.3).

import { BusyError } from '../../domain/errors.js'
import type { Client, ProofKey } from '../../domain/types.js'
import { busy, Errors, tooManyAttempts, type OAuthError } from '../errors.js'
import type { FormValue } from '../form.js'
import type { Grant, GrantServices, GrantSubject } from './grant.js'
import { intersectScopes, machineScopeLimits } from '../shared/scope.js'

async function handle(services: Pick<GrantServices, 'checkUserPassword' | 'refreshTokens'>, client: Client, params: Record<string, FormValue>, _exchange: unknown, proofKey: ProofKey): Promise<GrantSubject | OAuthError> {
  const username = params.username
  const password = params.password
  // RFC 6749 §4.3.2: both REQUIRED. Values are single strings after the repetition check.
  if (typeof username !== 'string') return Errors.missingUsername
  if (typeof password !== 'string') return Errors.missingPassword
  let outcome
  try {
    outcome = await services.checkUserPassword(username, password)
  } catch (err) {
    // Admission control refused the argon2 computation (RFC 9110 §15.6.4).
    if (err instanceof BusyError) return busy(err.retryAfter)
    throw err
  }
  if (!outcome.ok) {
    // Unknown user and wrong password: one answer (RFC 6749 §5.2 invalid_grant).
    return outcome.reason === 'locked' ? tooManyAttempts(outcome.retryAfter) : Errors.invalidGrant
  }
  const user = outcome.user
  return {
    sub: user.id,
    scopes: machineScopeLimits(intersectScopes(client.scopes, user.scopes)),
    async complete(granted) {
      if (!client.grants.includes('refresh_token')) return {}
      return { refreshToken: await services.refreshTokens.issue(client, user.id, granted.scopes, granted.audience, null, proofKey) }
    },
  }
}

export const password: Grant = {
  type: 'password',
  parameters: ['username', 'password'],
  handle,
}
