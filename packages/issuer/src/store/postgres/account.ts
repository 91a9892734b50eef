// The account page's store operations in PostgreSQL (store/types/account.ts):
// each write one transaction, the user's row locked first (FOR UPDATE), so
// it cannot be deleted or changed meanwhile.
import type { AccountStore, LiveGrantRecord } from '../types/index.js'
import type { PgDb } from './database.js'

interface LiveGrantRow { id: string; client_id: string; scopes: string[]; created_at: number }

export class PgAccount implements AccountStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  async liveGrants(userId: string, now: number): Promise<LiveGrantRecord[]> {
    const { rows } = await this.#db.query<LiveGrantRow & Record<string, unknown>>(`SELECT f.id, f.client_id, f.scopes, f.created_at
      FROM refresh_families f WHERE f.user_id = $1 AND f.expires_at > $2
        AND EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = f.id AND t.spent_at IS NULL AND t.expires_at > $2)
      ORDER BY f.created_at, f.id COLLATE "C"`, [userId, now])
    return rows.map((r) => ({ familyId: r.id, clientId: r.client_id, scopes: r.scopes, createdAt: Number(r.created_at) }))
  }

  removeAccess(userId: string, clientId: string): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      let deleted = 0
      for (const statement of [
        'DELETE FROM consents WHERE user_id = $1 AND client_id = $2',
        'DELETE FROM refresh_families WHERE user_id = $1 AND client_id = $2',
        'DELETE FROM authorization_codes WHERE user_id = $1 AND client_id = $2 AND spent_at IS NULL',
      ]) deleted += (await sql.query(statement, [userId, clientId])).rowCount ?? 0
      return deleted > 0
    })
  }

  changePassword(userId: string, passwordHash: string, keepSessionHash: string, now: number): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      const { rowCount } = await sql.query('UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1', [userId, passwordHash, now])
      if (rowCount !== 1) return false
      await sql.query('DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2', [userId, keepSessionHash])
      await sql.query('DELETE FROM authorization_codes WHERE user_id = $1', [userId])
      await sql.query('DELETE FROM refresh_families WHERE user_id = $1', [userId])
      return true
    })
  }

  setPendingEmail(userId: string, address: string, now: number): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      const { rows } = await sql.query<{ email: string | null }>(
        'UPDATE users SET email_pending = $2, updated_at = $3 WHERE id = $1 RETURNING email', [userId, address, now])
      if (!rows[0]) return false
      await sql.query(`DELETE FROM one_time_tokens WHERE user_id = $1 AND purpose = 'verify_email' AND address IS DISTINCT FROM $2`,
        [userId, rows[0].email])
      return true
    })
  }
}
