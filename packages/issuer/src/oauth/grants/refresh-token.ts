// RFC 6749 §6: the client trades a refresh token for a new access token,
// and (rotation, RFC 9700 §4.14.2) a new refresh token. The same client
// only; `scope`, when given, a subset of what was granted; `resource` one
// of the client's audiences, default the original one. A spent token
// presented again outside the reuse grace revokes its family.

import type { Client, ProofKey } from '../../domain/types.js'
import type { IssuerCore } from '../../core/types.js'
import { Errors, type OAuthError } from '../errors.js'
import type { FormValue } from '../form.js'
import { grantsOpenId } from '../shared/scope.js'
import type { Grant, GrantSubject, TokenRequestSeen } from './grant.js'

async function handle(core: IssuerCore, client: Client, params: Record<string, FormValue>, seen: TokenRequestSeen, proofKey: ProofKey): Promise<GrantSubject | OAuthError> {
  const token = params.refresh_token
  if (typeof token !== 'string') return Errors.missingRefreshToken
  const checked = await core.refreshTokens.check(token, client, proofKey)
  if (!checked.ok) {
    if (checked.reason === 'replayed') {
      seen.replayed = true
      seen.familyId = checked.familyId
    }
    return Errors.invalidRefreshToken
  }
  const grant = checked.grant
  seen.familyId = grant.familyId
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
    async complete() {
      const rotated = await core.refreshTokens.rotate(token, client, grant)
      if (!rotated.ok) {
        if (rotated.reason === 'replayed') seen.replayed = true
        return Errors.invalidRefreshToken
      }
      seen.reused = rotated.reused
      return { refreshToken: rotated.refreshToken }
    },
  }
}

export const refreshToken: Grant = {
  type: 'refresh_token',
  parameters: ['refresh_token'],
  handle,
}
