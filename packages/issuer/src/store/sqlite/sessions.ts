// The sign-in side in SQLite: pending authorization requests (capped),
// sign-in sessions and authorization codes. A code is redeemed by one
// `UPDATE ... WHERE spent_at IS NULL` inside an IMMEDIATE transaction: of
// concurrent redemptions, on any number of processes, exactly one wins.
import type {
  CodeRecord, NewRefreshToken, PendingRequestRecord, RefreshFamilyRecord, SessionRecord, SessionStore,
  SessionWithUser, SpendCodeResult,
} from '../types/index.js'
import { toPending, toSession, type PendingRow, type SessionRow } from '../rows.js'
import type { SqliteDb } from './database.js'
import { familyWriter } from './refresh.js'

interface CodeRow {
  hash: string; client_id: string; user_id: string; redirect_uri: string | null; code_challenge: string; scopes: string
  audience: string; auth_time: number; nonce: string | null; sid: string | null; created_at: number; expires_at: number
  spent_at: number | null
}

export const sessionRow = (s: SessionRecord): SessionRow => ({
  id_hash: s.idHash, user_id: s.userId, auth_time: s.authTime, sid: s.sid, created_at: s.createdAt, expires_at: s.expiresAt,
})
const toCode = (r: CodeRow): CodeRecord => ({
  hash: r.hash, clientId: r.client_id, userId: r.user_id, redirectUri: r.redirect_uri, codeChallenge: r.code_challenge,
  scopes: JSON.parse(r.scopes) as string[], audience: r.audience, authTime: r.auth_time, nonce: r.nonce, sid: r.sid,
  createdAt: r.created_at, expiresAt: r.expires_at, spentAt: r.spent_at,
})

export const INSERT_SESSION = `INSERT INTO sessions (id_hash, user_id, auth_time, sid, created_at, expires_at)
  VALUES (@id_hash, @user_id, @auth_time, @sid, @created_at, @expires_at)`

type RefreshGrant = { family: RefreshFamilyRecord; token: NewRefreshToken } | null

export class SqliteSessions implements SessionStore {
  readonly #db: SqliteDb
  readonly #insertPending: (row: PendingRow, cap: number) => void
  readonly #getPending
  readonly #deletePending
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
    const insertPending = raw.prepare<[PendingRow]>(`INSERT INTO pending_requests (id_hash, client_id, params, created_at, expires_at)
      VALUES (@id_hash, @client_id, @params, @created_at, @expires_at)`)
    const countPending = raw.prepare<[], { n: number }>('SELECT count(*) AS n FROM pending_requests')
    const evictPending = raw.prepare<[number]>(`DELETE FROM pending_requests WHERE id_hash IN
      (SELECT id_hash FROM pending_requests ORDER BY created_at, id_hash LIMIT ?)`)
    this.#insertPending = db.writer((row: PendingRow, cap: number): void => {
      const excess = countPending.get()!.n - cap + 1
      if (excess > 0) evictPending.run(excess)
      insertPending.run(row)
    })
    this.#getPending = raw.prepare<[string, number], PendingRow>('SELECT * FROM pending_requests WHERE id_hash = ? AND expires_at > ?')
    this.#deletePending = raw.prepare<[string]>('DELETE FROM pending_requests WHERE id_hash = ?')

    this.#insertSession = raw.prepare<[SessionRow]>(INSERT_SESSION)
    this.#getSession = raw.prepare<[string, number], SessionRow & { username: string; scopes: string }>(`
      SELECT s.*, u.username, u.scopes FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id_hash = ? AND s.expires_at > ?`)
    this.#deleteSession = raw.prepare<[string]>('DELETE FROM sessions WHERE id_hash = ?')

    this.#insertCode = raw.prepare<[CodeRow]>(`INSERT INTO authorization_codes (hash, client_id, user_id, redirect_uri,
      code_challenge, scopes, audience, auth_time, nonce, sid, created_at, expires_at, spent_at)
      VALUES (@hash, @client_id, @user_id, @redirect_uri, @code_challenge, @scopes, @audience, @auth_time,
      @nonce, @sid, @created_at, @expires_at, @spent_at)`)
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

    const prunePending = raw.prepare<[number]>('DELETE FROM pending_requests WHERE expires_at <= ?')
    const pruneSessions = raw.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?')
    const pruneCodes = raw.prepare<[number]>('DELETE FROM authorization_codes WHERE expires_at <= ?')
    this.#prune = db.writer((now: number, codeRetentionMs: number): number =>
      prunePending.run(now).changes + pruneSessions.run(now).changes + pruneCodes.run(now - codeRetentionMs).changes)
  }

  async insertPending(r: PendingRequestRecord, cap: number): Promise<void> {
    this.#insertPending({ id_hash: r.idHash, client_id: r.clientId, params: r.params, created_at: r.createdAt, expires_at: r.expiresAt }, cap)
  }

  async getPending(idHash: string, now: number): Promise<PendingRequestRecord | null> {
    const r = this.#db.guard(() => this.#getPending.get(idHash, now))
    return r ? toPending(r) : null
  }

  async deletePending(idHash: string): Promise<boolean> {
    return this.#db.guard(() => this.#deletePending.run(idHash)).changes === 1
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
      scopes: JSON.stringify(c.scopes), audience: c.audience, auth_time: c.authTime, nonce: c.nonce, sid: c.sid, created_at: c.createdAt,
      expires_at: c.expiresAt, spent_at: c.spentAt,
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
