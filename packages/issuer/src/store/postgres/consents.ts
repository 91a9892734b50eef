// Remembered consent and scope descriptions in PostgreSQL. A grant is one
// INSERT ... ON CONFLICT DO UPDATE computing the union from the row as
// locked: concurrent grants on any connection both land.
import type { ConsentRecord, ConsentStore, ScopeDescriptionRecord, ScopeDescriptionStore } from '../types/index.js'
import type { PgDb } from './database.js'

export interface ConsentRow {
  user_id: string; client_id: string; audience: string; scopes: string[]; created_at: string | number; updated_at: string | number
}
export interface ScopeDescriptionRow { name: string; description: string; updated_at: string | number }

export const toConsent = (r: ConsentRow): ConsentRecord => ({
  userId: r.user_id, clientId: r.client_id, audience: r.audience, scopes: r.scopes,
  createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
})
export const toScopeDescription = (r: ScopeDescriptionRow): ScopeDescriptionRecord => ({
  name: r.name, description: r.description, updatedAt: Number(r.updated_at),
})

export const SELECT_CONSENTS = 'SELECT * FROM consents ORDER BY created_at, user_id COLLATE "C", client_id COLLATE "C", audience COLLATE "C"'
export const SELECT_SCOPE_DESCRIPTIONS = 'SELECT * FROM scope_descriptions ORDER BY name COLLATE "C"'

export class PgConsents implements ConsentStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  async grant(userId: string, clientId: string, audience: string, scopes: readonly string[], now: number): Promise<void> {
    await this.#db.query(`INSERT INTO consents AS c (user_id, client_id, audience, scopes, created_at, updated_at)
      VALUES ($1, $2, $3, ARRAY(SELECT s FROM unnest($4::text[]) AS s GROUP BY s ORDER BY s COLLATE "C"), $5, $5)
      ON CONFLICT (user_id, client_id, audience) DO UPDATE SET
        scopes = ARRAY(SELECT s FROM unnest(c.scopes || excluded.scopes) AS s GROUP BY s ORDER BY s COLLATE "C"),
        updated_at = excluded.updated_at`, [userId, clientId, audience, [...scopes], now])
  }

  async find(userId: string, clientId: string, audience: string): Promise<ConsentRecord | null> {
    const { rows } = await this.#db.query<ConsentRow & Record<string, unknown>>(
      'SELECT * FROM consents WHERE user_id = $1 AND client_id = $2 AND audience = $3', [userId, clientId, audience])
    return rows[0] ? toConsent(rows[0]) : null
  }

  async listForUser(userId: string): Promise<ConsentRecord[]> {
    const { rows } = await this.#db.query<ConsentRow & Record<string, unknown>>(
      'SELECT * FROM consents WHERE user_id = $1 ORDER BY created_at, client_id COLLATE "C", audience COLLATE "C"', [userId])
    return rows.map(toConsent)
  }

  async revoke(userId: string, clientId: string): Promise<number> {
    const { rowCount } = await this.#db.query('DELETE FROM consents WHERE user_id = $1 AND client_id = $2', [userId, clientId])
    return rowCount ?? 0
  }
}

export class PgScopeDescriptions implements ScopeDescriptionStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  async set(name: string, description: string, now: number): Promise<void> {
    await this.#db.query(`INSERT INTO scope_descriptions (name, description, updated_at) VALUES ($1, $2, $3)
      ON CONFLICT (name) DO UPDATE SET description = excluded.description, updated_at = excluded.updated_at`, [name, description, now])
  }

  async list(): Promise<ScopeDescriptionRecord[]> {
    const { rows } = await this.#db.query<ScopeDescriptionRow & Record<string, unknown>>(SELECT_SCOPE_DESCRIPTIONS)
    return rows.map(toScopeDescription)
  }

  async delete(name: string): Promise<boolean> {
    const { rowCount } = await this.#db.query('DELETE FROM scope_descriptions WHERE name = $1', [name])
    return (rowCount ?? 0) > 0
  }
}
