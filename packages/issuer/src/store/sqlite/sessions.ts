// The sign-in side in SQLite: sign-in sessions and authorization codes. A code is redeemed by one
// `UPDATE ... WHERE spent_at IS NULL` inside an IMMEDIATE transaction: of
// concurrent redemptions, on any number of processes, exactly one wins.
import type {
  CodeRecord, NewRefreshToken, RefreshFamilyRecord, SessionRecord, SessionStore,
  SessionWithUser, SpendCodeResult,
} from '../types/index.js'
import { toSession, type SessionRow } from '../rows.js'
import type { SqliteDb } from './database.js'
import { familyWriter } from './refresh.js'

interface CodeRow {
  hash: string; client_id: string; user_id: string; redirect_uri: string | null; code_challenge: string; scopes: string
  audience: string; auth_time: number; created_at: number; expires_at: number; spent_at: number | null; dpop_jkt: string | null
  nonce: string | null; sid: string | null
}

export const sessionRow = (s: SessionRecord): SessionRow => ({
  id_hash: s.idHash, user_id: s.userId, auth_time: s.authTime, sid: s.sid, created_at: s.createdAt, expires_at: s.expiresAt,
})
const toCode = (r: CodeRow): CodeRecord => ({
  hash: r.hash, clientId: r.client_id, userId: r.user_id, redirectUri: r.redirect_uri, codeChallenge: r.code_challenge,
  scopes: JSON.parse(r.scopes) as string[], audience: r.audience, authTime: r.auth_time, dpopJkt: r.dpop_jkt, nonce: r.nonce, sid: r.sid,
  createdAt: r.created_at, expiresAt: r.expires_at, spentAt: r.spent_at,
})

export const INSERT_SESSION = `INSERT INTO sessions (id_hash, user_id, auth_time, sid, created_at, expires_at)
  VALUES (@id_hash, @user_id, @auth_time, @sid, @created_at, @expires_at)`

type RefreshGrant = { family: RefreshFamilyRecord; token: NewRefreshToken } | null

export class SqliteSessions implements SessionStore {
  readonly #db: SqliteDb
  readonly #insertSession
  readonly #getSession
  readonly #deleteSession
  readonly #insertCode
  readonly #getCode
  readonly #spendCode: (hash: string, now: number, refresh: RefreshGrant) => SpendCodeResult
  readonly #prune: (now: number, codeRetentionMs: number) => number

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    this.#insertSession = raw.prepare<[SessionRow]>(INSERT_SESSION)
    this.#getSession = raw.prepare<[string, number], SessionRow & { username: string; scopes: string }>(`
      SELECT s.*, u.username, u.scopes FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id_hash = ? AND s.expires_at > ?`)
    this.#deleteSession = raw.prepare<[string]>('DELETE FROM sessions WHERE id_hash = ?')

    this.#insertCode = raw.prepare<[CodeRow]>(`INSERT INTO authorization_codes (hash, client_id, user_id, redirect_uri,
      code_challenge, scopes, audience, auth_time, created_at, expires_at, spent_at, dpop_jkt, nonce, sid)
      VALUES (@hash, @client_id, @user_id, @redirect_uri, @code_challenge, @scopes, @audience, @auth_time,
      @created_at, @expires_at, @spent_at, @dpop_jkt, @nonce, @sid)`)
    this.#getCode = raw.prepare<[string], CodeRow>('SELECT * FROM authorization_codes WHERE hash = ?')
    const spend = raw.prepare<[number, string, number]>('UPDATE authorization_codes SET spent_at = ? WHERE hash = ? AND spent_at IS NULL AND expires_at > ?')
    const spentBefore = raw.prepare<[string], { spent_at: number | null }>('SELECT spent_at FROM authorization_codes WHERE hash = ?')
    const revokeDescendants = raw.prepare<[string]>('DELETE FROM refresh_families WHERE code_hash = ?')
    const storeFamily = familyWriter(db)
    this.#spendCode = db.writer((hash: string, now: number, refresh: RefreshGrant): SpendCodeResult => {
      if (spend.run(now, hash, now).changes === 1) {
        if (refresh) storeFamily(refresh.family, refresh.token)
        return { outcome: 'spent' }
      }
      const row = spentBefore.get(hash)
      // RFC 6749 §4.1.2: a code used more than once: revoke what was issued from it.
      if (row?.spent_at != null) return { outcome: 'replayed', revokedFamilies: revokeDescendants.run(hash).changes }
      return { outcome: 'invalid' }
    })

    const pruneSessions = raw.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?')
    const pruneCodes = raw.prepare<[number]>('DELETE FROM authorization_codes WHERE expires_at <= ?')
    this.#prune = db.writer((now: number, codeRetentionMs: number): number =>
      pruneSessions.run(now).changes + pruneCodes.run(now - codeRetentionMs).changes)
  }

  async insertSession(s: SessionRecord): Promise<void> {
    this.#db.guard(() => this.#insertSession.run(sessionRow(s)))
  }

  async getSession(idHash: string, now: number): Promise<SessionWithUser | null> {
    const r = this.#db.guard(() => this.#getSession.get(idHash, now))
    return r ? { session: toSession(r), username: r.username, scopes: JSON.parse(r.scopes) as string[] } : null
  }

  async deleteSession(idHash: string): Promise<void> {
    this.#db.guard(() => this.#deleteSession.run(idHash))
  }

  async insertCode(c: CodeRecord): Promise<void> {
    this.#db.guard(() => this.#insertCode.run({
      hash: c.hash, client_id: c.clientId, user_id: c.userId, redirect_uri: c.redirectUri, code_challenge: c.codeChallenge,
      scopes: JSON.stringify(c.scopes), audience: c.audience, auth_time: c.authTime, created_at: c.createdAt,
      expires_at: c.expiresAt, spent_at: c.spentAt, dpop_jkt: c.dpopJkt, nonce: c.nonce, sid: c.sid,
    }))
  }

  async getCode(hash: string): Promise<CodeRecord | null> {
    const r = this.#db.guard(() => this.#getCode.get(hash))
    return r ? toCode(r) : null
  }

  async spendCode(hash: string, now: number, refresh: RefreshGrant): Promise<SpendCodeResult> {
    return this.#spendCode(hash, now, refresh)
  }

  async prune(now: number, codeRetentionMs: number): Promise<number> {
    return this.#prune(now, codeRetentionMs)
  }
}
