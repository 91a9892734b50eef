// The sign-in side in PostgreSQL: sign-in sessions and authorization
// codes (RFC 6749 §4.1), every id and code
// stored only as a hash. A code is redeemed by one statement that decides,
// `UPDATE ... SET spent_at WHERE spent_at IS NULL ... RETURNING`: of two
// concurrent redemptions the second waits on the first's row lock, then
// READ COMMITTED re-checks the condition on the committed row, finds it
// spent, and takes the replay path (RFC 6749 §4.1.2).
import type {
  CodeRecord, NewRefreshToken, RefreshFamilyRecord, SessionRecord, SessionStore,
  SessionWithUser, SpendCodeResult,
} from '../types/index.js'
import { toSession, type SessionRow } from '../rows.js'
import type { PgDb, Sql } from './database.js'
import { insertFamily } from './refresh.js'

interface CodeRow {
  hash: string; client_id: string; user_id: string; redirect_uri: string | null; code_challenge: string; scopes: string[]
  audience: string; auth_time: number; created_at: number; expires_at: number; spent_at: number | null; dpop_jkt: string | null
  nonce: string | null; sid: string | null
}

const toCode = (r: CodeRow): CodeRecord => ({
  hash: r.hash, clientId: r.client_id, userId: r.user_id, redirectUri: r.redirect_uri, codeChallenge: r.code_challenge,
  scopes: r.scopes, audience: r.audience, authTime: r.auth_time, dpopJkt: r.dpop_jkt, nonce: r.nonce, sid: r.sid, createdAt: r.created_at,
  expiresAt: r.expires_at, spentAt: r.spent_at,
})

export async function insertSession(sql: Sql, s: SessionRecord): Promise<void> {
  await sql.query('INSERT INTO sessions (id_hash, user_id, auth_time, created_at, expires_at, sid) VALUES ($1, $2, $3, $4, $5, $6)',
    [s.idHash, s.userId, s.authTime, s.createdAt, s.expiresAt, s.sid])
}

type RefreshGrant = { family: RefreshFamilyRecord; token: NewRefreshToken } | null

export class PgSessions implements SessionStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  insertSession(s: SessionRecord): Promise<void> {
    return insertSession(this.#db, s)
  }

  async getSession(idHash: string, now: number): Promise<SessionWithUser | null> {
    const { rows } = await this.#db.query<SessionRow & { username: string; scopes: string[] }>(`
      SELECT s.*, u.username, u.scopes FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id_hash = $1 AND s.expires_at > $2`, [idHash, now])
    const r = rows[0]
    return r ? { session: toSession(r), username: r.username, scopes: r.scopes } : null
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.#db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash])
  }

  async insertCode(c: CodeRecord): Promise<void> {
    await this.#db.query(`INSERT INTO authorization_codes (hash, client_id, user_id, redirect_uri, code_challenge, scopes,
      audience, auth_time, created_at, expires_at, spent_at, dpop_jkt, nonce, sid)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, [
      c.hash, c.clientId, c.userId, c.redirectUri, c.codeChallenge, c.scopes, c.audience, c.authTime,
      c.createdAt, c.expiresAt, c.spentAt, c.dpopJkt, c.nonce, c.sid,
    ])
  }

  async getCode(hash: string): Promise<CodeRecord | null> {
    const { rows } = await this.#db.query<CodeRow>('SELECT * FROM authorization_codes WHERE hash = $1', [hash])
    return rows[0] ? toCode(rows[0]) : null
  }

  spendCode(hash: string, now: number, refresh: RefreshGrant): Promise<SpendCodeResult> {
    return this.#db.tx(async (sql): Promise<SpendCodeResult> => {
      const spent = await sql.query(`UPDATE authorization_codes SET spent_at = $2
        WHERE hash = $1 AND spent_at IS NULL AND expires_at > $2 RETURNING hash`, [hash, now])
      if (spent.rows.length === 1) {
        if (refresh) await insertFamily(sql, refresh.family, refresh.token)
        return { outcome: 'spent' }
      }
      const { rows } = await sql.query<{ spent_at: number | null }>('SELECT spent_at FROM authorization_codes WHERE hash = $1', [hash])
      if (rows[0]?.spent_at == null) return { outcome: 'invalid' }
      // RFC 6749 §4.1.2: a code used more than once: revoke what was issued from it.
      const revoked = await sql.query('DELETE FROM refresh_families WHERE code_hash = $1', [hash])
      return { outcome: 'replayed', revokedFamilies: revoked.rowCount ?? 0 }
    })
  }

  prune(now: number, codeRetentionMs: number): Promise<number> {
    return this.#db.tx(async (sql) => {
      const sessions = await sql.query('DELETE FROM sessions WHERE expires_at <= $1', [now])
      const codes = await sql.query('DELETE FROM authorization_codes WHERE expires_at <= $1', [now - codeRetentionMs])
      return (sessions.rowCount ?? 0) + (codes.rowCount ?? 0)
    })
  }
}
