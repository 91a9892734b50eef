// RFC 6749 §6: the client trades a refresh token for a new access token,
// and (rotation, RFC 9700 §4.14.2) a new refresh token. The same client
// only; `scope`, when given, a subset of what was granted; `resource` one
// of the client's audiences, default the original one. A spent token
// presented again outside the reuse grace revokes its family.

import type { Client, ProofKey, RefreshGrantView } from '../../domain/types.js'
import { Errors, type OAuthError } from '../errors.js'
import type { FormValue } from '../form.js'
import { grantsOpenId } from '../shared/scope.js'
import type { Grant, GrantServices, GrantSubject, TokenRequestSeen } from './grant.js'

async function handle(services: Pick<GrantServices, 'refreshTokens'>, client: Client, params: Record<string, FormValue>, seen: TokenRequestSeen, proofKey: ProofKey): Promise<GrantSubject | OAuthError> {
  const token = params.refresh_token
  if (typeof token !== 'string') return Errors.missingRefreshToken
  // Nothing asked that a later step could refuse (the scope and the audience are the grant's own, and the
  // store checks there is a scope): check and rotation in one round trip. Anything else, or a refusal
  // (which changed nothing), takes the general path below, which tells why.
  if (params.scope === undefined && params.resource === undefined && params.audience === undefined) {
    const done = await services.refreshTokens.rotateCurrent(token, client, proofKey)
    if (done !== null) {
      seen.familyId = done.grant.familyId
      return subject(done.grant, client, async () => ({ refreshToken: done.refreshToken }))
    }
  }
  const checked = await services.refreshTokens.check(token, client, proofKey)
  if (!checked.ok) {
    if (checked.reason === 'replayed') {
      seen.replayed = true
      seen.familyId = checked.familyId
    }
    return Errors.invalidRefreshToken
  }
  const grant = checked.grant
  seen.familyId = grant.familyId
  return subject(grant, client, async () => {
    const rotated = await services.refreshTokens.rotate(token, client, grant)
    if (!rotated.ok) {
      if (rotated.reason === 'replayed') seen.replayed = true
      return Errors.invalidRefreshToken
    }
    seen.reused = rotated.reused
    return { refreshToken: rotated.refreshToken }
  })
}

function subject(grant: RefreshGrantView, client: Client, complete: GrantSubject['complete']): GrantSubject {
  return {
    sub: grant.userId,
    scopes: { ceiling: grant.scopes },
    audiences: client.audiences,
    defaultAudience: grant.audience,
    authTime: grant.authTime ?? undefined,
    // OpenID Connect Core §12.2: a new ID token for a family granted openid; same sub and
    // auth_time, the sid of the sign-in the family came from, no nonce.
    identity: grantsOpenId(grant.scopes) && grant.authTime !== null
      ? { userId: grant.userId, authTime: grant.authTime, nonce: null, sid: grant.sid }
      : undefined,
    complete,
  }
}

export const refreshToken: Grant = {
  type: 'refresh_token',
  parameters: ['refresh_token'],
  handle,
}
