// RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5): the client exchanges the code
// the sign-in page issued. Every failure is one answer, invalid_grant
// (DESIGN.md); a code presented twice also revokes the refresh tokens it
// granted (RFC 6749 §4.1.2). `sub` is the user, `auth_time` the sign-in
// time; scope and audience are those the user allowed (a narrower `scope`
// may be asked, `resource` must name the code's audience).

import type { Client, ProofKey } from '../../domain/types.js'
import { Errors, type OAuthError } from '../errors.js'
import type { FormValue } from '../form.js'
import { grantsOpenId } from '../shared/scope.js'
import type { Grant, GrantServices, GrantSubject, TokenRequestSeen } from './grant.js'

const text = (v: FormValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

async function handle(services: Pick<GrantServices, 'codes'>, client: Client, params: Record<string, FormValue>, seen: TokenRequestSeen, proofKey: ProofKey): Promise<GrantSubject | OAuthError> {
  const code = text(params.code)
  if (code === undefined) return Errors.missingCode
  const checked = await services.codes.check(code, client, text(params.redirect_uri), text(params.code_verifier), proofKey)
  if (!checked.ok) {
    seen.replayed = checked.replayed
    return Errors.invalidCode
  }
  const grant = checked.grant
  return {
    sub: grant.userId,
    scopes: { ceiling: grant.scopes },
    audiences: [grant.audience],
    authTime: grant.authTime,
    // OpenID Connect Core §3.1.3.3: the ID token, when the request's granted scopes held openid.
    identity: grantsOpenId(grant.scopes) ? { userId: grant.userId, authTime: grant.authTime, nonce: grant.nonce, sid: grant.sid } : undefined,
    async complete() {
      const redeemed = await services.codes.redeem(code, client, grant, client.grants.includes('refresh_token'), proofKey)
      // Spent by a concurrent redemption meanwhile: this one is the second use.
      if (redeemed === null) {
        seen.replayed = true
        return Errors.invalidCode
      }
      return redeemed.refreshToken === null ? {} : { refreshToken: redeemed.refreshToken }
    },
  }
}

export const authorizationCode: Grant = {
  type: 'authorization_code',
  parameters: ['code', 'redirect_uri', 'code_verifier'],
  handle,
}
