// Authorization codes in PostgreSQL, stored only as hashes. A code is
// redeemed by one statement that decides, `UPDATE ... SET spent_at WHERE
// spent_at IS NULL ... RETURNING`: of two concurrent redemptions the second
// waits on the first's row lock, then READ COMMITTED re-checks the
// condition on the committed row, finds it spent, and takes the replay
// path (RFC 6749 §4.1.2).
import type { CodeRecord, CodeStore, IssuedFamily, SpendCodeResult } from '../types/index.js'
import type { PgDb } from './database.js'
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

export class PgCodes implements CodeStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  async insert(c: CodeRecord): Promise<void> {
    await this.#db.query(`INSERT INTO authorization_codes (hash, client_id, user_id, redirect_uri, code_challenge, scopes,
      audience, auth_time, created_at, expires_at, spent_at, dpop_jkt, nonce, sid)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, [
      c.hash, c.clientId, c.userId, c.redirectUri, c.codeChallenge, c.scopes, c.audience, c.authTime,
      c.createdAt, c.expiresAt, c.spentAt, c.dpopJkt, c.nonce, c.sid,
    ])
  }

  async get(hash: string): Promise<CodeRecord | null> {
    const { rows } = await this.#db.query<CodeRow>('SELECT * FROM authorization_codes WHERE hash = $1', [hash])
    return rows[0] ? toCode(rows[0]) : null
  }

  spend(hash: string, now: number): Promise<SpendCodeResult> {
    return this.#spend(hash, now, null)
  }

  spendIssuing(hash: string, now: number, issued: IssuedFamily): Promise<SpendCodeResult> {
    return this.#spend(hash, now, issued)
  }

  #spend(hash: string, now: number, issued: IssuedFamily | null): Promise<SpendCodeResult> {
    return this.#db.tx(async (sql): Promise<SpendCodeResult> => {
      const spent = await sql.query(`UPDATE authorization_codes SET spent_at = $2
        WHERE hash = $1 AND spent_at IS NULL AND expires_at > $2 RETURNING hash`, [hash, now])
      if (spent.rows.length === 1) {
        if (issued) await insertFamily(sql, issued.family, issued.token)
        return { outcome: 'spent' }
      }
      const { rows } = await sql.query<{ spent_at: number | null }>('SELECT spent_at FROM authorization_codes WHERE hash = $1', [hash])
      if (rows[0]?.spent_at == null) return { outcome: 'invalid' }
      // RFC 6749 §4.1.2: a code used more than once: revoke what was issued from it.
      const revoked = await sql.query('DELETE FROM refresh_families WHERE code_hash = $1', [hash])
      return { outcome: 'replayed', revokedFamilies: revoked.rowCount ?? 0 }
    })
  }

  async prune(now: number, retentionMs: number): Promise<number> {
    return (await this.#db.query('DELETE FROM authorization_codes WHERE expires_at <= $1', [now - retentionMs])).rowCount ?? 0
  }
}
