// Authorization codes, issued and redeemed (RFC 6749 §4.1.2, §4.1.3; RFC
// 7636 §4.6): the sign-in page issues one for a signed-in person's answer;
// the token endpoint redeems it. Every redemption failure is one answer,
// invalid_grant: unknown, expired or used code, another client's code, a
// wrong redirect_uri, a wrong or missing verifier. A code presented again
// revokes what it granted (RFC 6749 §4.1.2). Spending is atomic in the store.
import { createHash } from 'node:crypto'
import { digestsEqual } from '../credentials/constant-time.js'
import { hashOpaque, looksLikeOpaque, newOpaque } from '../credentials/opaque.js'
import type { CodeStore } from '../store/types/index.js'
import type { RefreshTokens } from './refresh-tokens.js'
import type { AuthorizationRequest, Client, Clock, CodeCheck, CodeGrantView, ProofKey, SignedInUser } from '../domain/types.js'
import type { CodeService } from './types.js'

// RFC 7636 §4.1: code-verifier = 43*128unreserved
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/
// Our codes: 256 random bits, base64url (43 characters).

const REFUSED: CodeCheck = { ok: false, replayed: false }

/** RFC 6749 §4.1.2: a short lifetime; DESIGN.md: 60 s. */
export const CODE_TTL_MS = 60_000

/** RFC 7636 §4.6: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge, in constant time. */
function verifierMatches(verifier: string, challenge: string): boolean {
  const computed = createHash('sha256').update(verifier, 'ascii').digest()
  return digestsEqual(computed, Buffer.from(challenge, 'base64url'))
}

export class Codes implements CodeService {
  constructor(
    private readonly store: CodeStore,
    private readonly refresh: RefreshTokens,
    private readonly clock: Clock,
  ) {}

  /** A new code for the person's answer to this request, with the scopes granted (RFC 6749 §4.1.2). */
  async issue(request: AuthorizationRequest, user: SignedInUser, scopes: string[]): Promise<string> {
    const code = newOpaque()
    const now = this.clock()
    await this.store.insert({
      hash: hashOpaque(code), clientId: request.clientId, userId: user.userId, redirectUri: request.redirectUriSent,
      codeChallenge: request.codeChallenge, scopes, audience: request.audience, authTime: user.authTime, dpopJkt: request.dpopJkt ?? null,
      nonce: request.nonce, sid: user.sid, createdAt: now, expiresAt: now + CODE_TTL_MS, spentAt: null,
    })
    return code
  }

  async check(code: string, client: Client, redirectUri: string | undefined, verifier: string | undefined, proofKey: ProofKey): Promise<CodeCheck> {
    if (!looksLikeOpaque(code)) return REFUSED
    const hash = hashOpaque(code)
    const record = await this.store.get(hash)
    if (!record) return REFUSED
    const now = this.clock()
    if (record.spentAt !== null) {
      // Used before: RFC 6749 §4.1.2 says deny, and revoke what it granted.
      await this.store.spend(hash, now)
      return { ok: false, replayed: true }
    }
    if (record.expiresAt <= now || record.clientId !== client.id) return REFUSED
    // RFC 9449 §10: a code bound by dpop_jkt is redeemed only with a proof of that key (unspent otherwise).
    if (record.dpopJkt !== null && record.dpopJkt !== proofKey) return REFUSED
    // RFC 6749 §4.1.3: required when the authorization request had one, and then identical.
    const redirectOk = record.redirectUri !== null
      ? redirectUri === record.redirectUri
      : redirectUri === undefined || client.redirectUris.includes(redirectUri)
    if (!redirectOk) return REFUSED
    if (verifier === undefined || !VERIFIER.test(verifier) || !verifierMatches(verifier, record.codeChallenge)) return REFUSED
    return {
      ok: true,
      grant: { userId: record.userId, scopes: record.scopes, audience: record.audience, authTime: record.authTime, nonce: record.nonce, sid: record.sid },
    }
  }

  async redeem(code: string, client: Client, grant: CodeGrantView, withRefreshToken: boolean, proofKey: ProofKey): Promise<{ refreshToken: string | null } | null> {
    const hash = hashOpaque(code)
    const prepared = withRefreshToken
      ? this.refresh.prepare(client, { userId: grant.userId, scopes: grant.scopes, audience: grant.audience, authTime: grant.authTime, sid: grant.sid }, hash, proofKey)
      : null
    const now = this.clock()
    const result = prepared === null
      ? await this.store.spend(hash, now)
      : await this.store.spendIssuing(hash, now, { family: prepared.family, token: prepared.first })
    return result.outcome === 'spent' ? { refreshToken: prepared?.token ?? null } : null
  }
}
