// One-time tokens in PostgreSQL (verification and reset, hashed). Spending
// is one DELETE ... RETURNING: of concurrent spends, on any number of
// connections and hosts, exactly one gets the row.
import type { OneTimePurpose, OneTimeTokenRecord, OneTimeTokenStore } from '../types/index.js'
import type { PgDb } from './database.js'

export interface OneTimeTokenRow {
  hash: string; purpose: string; user_id: string; address: string | null; created_at: number; expires_at: number
}

export const toOneTimeToken = (r: OneTimeTokenRow): OneTimeTokenRecord => ({
  hash: r.hash, purpose: r.purpose as OneTimePurpose, userId: r.user_id, address: r.address, createdAt: r.created_at, expiresAt: r.expires_at,
})

export class PgOneTimeTokens implements OneTimeTokenStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  async insert(t: OneTimeTokenRecord, voidOlder: boolean): Promise<void> {
    await this.#db.tx(async (sql) => {
      if (voidOlder) await sql.query('DELETE FROM one_time_tokens WHERE user_id = $1 AND purpose = $2', [t.userId, t.purpose])
      await sql.query(`INSERT INTO one_time_tokens (hash, purpose, user_id, address, created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6)`, [t.hash, t.purpose, t.userId, t.address, t.createdAt, t.expiresAt])
    })
  }

  async find(hash: string, purpose: OneTimePurpose, now: number): Promise<OneTimeTokenRecord | null> {
    const { rows } = await this.#db.query<OneTimeTokenRow>(
      'SELECT * FROM one_time_tokens WHERE hash = $1 AND purpose = $2 AND expires_at > $3', [hash, purpose, now])
    return rows[0] ? toOneTimeToken(rows[0]) : null
  }

  async spend(hash: string, purpose: OneTimePurpose, now: number): Promise<OneTimeTokenRecord | null> {
    const { rows } = await this.#db.query<OneTimeTokenRow>(
      'DELETE FROM one_time_tokens WHERE hash = $1 AND purpose = $2 AND expires_at > $3 RETURNING *', [hash, purpose, now])
    return rows[0] ? toOneTimeToken(rows[0]) : null
  }

  async prune(now: number): Promise<number> {
    return (await this.#db.query('DELETE FROM one_time_tokens WHERE expires_at <= $1', [now])).rowCount ?? 0
  }
}
