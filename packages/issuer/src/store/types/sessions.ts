// The sign-in side (RFC 6749 §4.1): sign-in sessions and authorization
// codes. (The request a sign-in page answers is not stored: it travels
// sealed in the page's form, see answered-requests.ts.)
// Every id and code is stored only as a hash (SHA-256 of a value with at
// least 256 random bits), so a copy of the database opens nothing.
import type { NewRefreshToken, RefreshFamilyRecord } from './refresh.js'

export interface SessionRecord {
  idHash: string
  userId: string
  /** When the person entered their password (the `auth_time` of tokens). */
  authTime: number
  /** The session's public id (OpenID Connect `sid`): random, unrelated to the cookie value. */
  sid: string
  createdAt: number
  expiresAt: number
}

/** A live session with the user it belongs to. */
export interface SessionWithUser {
  session: SessionRecord
  username: string
  scopes: string[]
}

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

export interface SessionStore {
  insertSession(session: SessionRecord): Promise<void>
  /** The session with its user, or null when unknown, expired, or the user is gone. */
  getSession(idHash: string, now: number): Promise<SessionWithUser | null>
  deleteSession(idHash: string): Promise<void>

  insertCode(code: CodeRecord): Promise<void>
  /** The code as stored (spent or not), or null when unknown. */
  getCode(hash: string): Promise<CodeRecord | null>
  /**
   * Redeems a code atomically (one statement decides: two concurrent
   * redemptions, on any number of processes, see exactly one `spent`).
   * With `refresh`, the refresh token family it grants is stored in the
   * same transaction. A code spent before: its refresh tokens are revoked.
   */
  spendCode(hash: string, now: number, refresh: { family: RefreshFamilyRecord; token: NewRefreshToken } | null): Promise<SpendCodeResult>

  /**
   * Deletes expired sessions, and codes expired more
   * than `codeRetentionMs` ago (kept that long so that a replayed code is
   * still recognised, RFC 6749 §4.1.2); returns how many rows went.
   */
  prune(now: number, codeRetentionMs: number): Promise<number>
}
