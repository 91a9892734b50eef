// Authorization codes (RFC 6749 §4.1.2): issued by the sign-in page,
// redeemed once at the token endpoint. Every code is stored only as a hash
// (SHA-256 of a value with 256 random bits), so a copy of the database
// redeems nothing.
import type { NewRefreshToken, RefreshFamilyRecord } from './refresh.js'

export interface CodeRecord {
  hash: string
  clientId: string
  userId: string
  /** The redirect_uri as sent in the authorization request, or null when omitted (RFC 6749 §4.1.3). */
  redirectUri: string | null
  /** RFC 7636 §4.2 S256 challenge. */
  codeChallenge: string
  scopes: string[]
  audience: string
  authTime: number
  /** RFC 9449 §10 dpop_jkt: the key its redemption needs a proof of, or null. */
  dpopJkt: string | null
  /** The authorization request's nonce (OpenID Connect Core §3.1.2.1), or null. */
  nonce: string | null
  /** The public id of the session that allowed it, or null. */
  sid: string | null
  createdAt: number
  expiresAt: number
  /** When it was redeemed, or null. */
  spentAt: number | null
}

export type SpendCodeResult =
  /** Spent now; the refresh token given (if any) was stored with it. */
  | { outcome: 'spent' }
  /** It had been spent before: every refresh token issued from it was revoked (RFC 6749 §4.1.2). */
  | { outcome: 'replayed'; revokedFamilies: number }
  /** Unknown or expired. */
  | { outcome: 'invalid' }

/** The refresh token family a redemption grants, stored with it. */
export interface IssuedFamily {
  family: RefreshFamilyRecord
  token: NewRefreshToken
}

export interface CodeStore {
  insert(code: CodeRecord): Promise<void>
  /** The code as stored (spent or not), or null when unknown. */
  get(hash: string): Promise<CodeRecord | null>
  /**
   * Redeems a code atomically (one statement decides: two concurrent
   * redemptions, on any number of processes, see exactly one `spent`). A
   * code spent before: every refresh token issued from it is revoked.
   */
  spend(hash: string, now: number): Promise<SpendCodeResult>
  /** As spend, and the refresh token family the redemption grants is stored in the same transaction. */
  spendIssuing(hash: string, now: number, issued: IssuedFamily): Promise<SpendCodeResult>
  /**
   * Deletes codes expired more than `retentionMs` ago (kept that long so
   * that a replayed code is still recognised, RFC 6749 §4.1.2); returns how
   * many went.
   */
  prune(now: number, retentionMs: number): Promise<number>
}
