// Remembered consent and scope descriptions in SQLite. A grant reads the
// record and writes the union in one IMMEDIATE transaction, so two grants
// at once (two tabs, two processes) both land.
import type { ConsentRecord, ConsentStore, ScopeDescriptionRecord, ScopeDescriptionStore } from '../types/index.js'
import type { SqliteDb } from './database.js'

export interface ConsentRow {
  user_id: string; client_id: string; audience: string; scopes: string; created_at: number; updated_at: number
}
export interface ScopeDescriptionRow { name: string; description: string; updated_at: number }

export const toConsent = (r: ConsentRow): ConsentRecord => ({
  userId: r.user_id, clientId: r.client_id, audience: r.audience, scopes: JSON.parse(r.scopes) as string[],
  createdAt: r.created_at, updatedAt: r.updated_at,
})
export const consentRow = (c: ConsentRecord): ConsentRow => ({
  user_id: c.userId, client_id: c.clientId, audience: c.audience, scopes: JSON.stringify(c.scopes),
  created_at: c.createdAt, updated_at: c.updatedAt,
})
export const toScopeDescription = (r: ScopeDescriptionRow): ScopeDescriptionRecord => ({
  name: r.name, description: r.description, updatedAt: r.updated_at,
})

export const INSERT_CONSENT = `INSERT INTO consents (user_id, client_id, audience, scopes, created_at, updated_at)
  VALUES (@user_id, @client_id, @audience, @scopes, @created_at, @updated_at)
  ON CONFLICT (user_id, client_id, audience) DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at`
export const INSERT_SCOPE_DESCRIPTION = `INSERT INTO scope_descriptions (name, description, updated_at) VALUES (@name, @description, @updated_at)
  ON CONFLICT (name) DO UPDATE SET description = excluded.description, updated_at = excluded.updated_at`

export class SqliteConsents implements ConsentStore {
  readonly #db: SqliteDb
  readonly #grant: (userId: string, clientId: string, audience: string, scopes: readonly string[], now: number) => void
  readonly #find
  readonly #list
  readonly #revoke

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    this.#find = raw.prepare<[string, string, string], ConsentRow>('SELECT * FROM consents WHERE user_id = ? AND client_id = ? AND audience = ?')
    this.#list = raw.prepare<[string], ConsentRow>('SELECT * FROM consents WHERE user_id = ? ORDER BY created_at, client_id, audience')
    this.#revoke = raw.prepare<[string, string]>('DELETE FROM consents WHERE user_id = ? AND client_id = ?')
    const upsert = raw.prepare<[ConsentRow]>(INSERT_CONSENT)
    this.#grant = db.writer((userId: string, clientId: string, audience: string, scopes: readonly string[], now: number) => {
      const held = this.#find.get(userId, clientId, audience)
      const union = [...new Set([...(held ? toConsent(held).scopes : []), ...scopes])].sort()
      upsert.run(consentRow({ userId, clientId, audience, scopes: union, createdAt: held?.created_at ?? now, updatedAt: now }))
    })
  }

  async grant(userId: string, clientId: string, audience: string, scopes: readonly string[], now: number): Promise<void> {
    this.#grant(userId, clientId, audience, scopes, now)
  }

  async find(userId: string, clientId: string, audience: string): Promise<ConsentRecord | null> {
    const row = this.#db.guard(() => this.#find.get(userId, clientId, audience))
    return row ? toConsent(row) : null
  }

  async listForUser(userId: string): Promise<ConsentRecord[]> {
    return this.#db.guard(() => this.#list.all(userId)).map(toConsent)
  }

  async revoke(userId: string, clientId: string): Promise<number> {
    return this.#db.guard(() => this.#revoke.run(userId, clientId)).changes
  }
}

export class SqliteScopeDescriptions implements ScopeDescriptionStore {
  readonly #db: SqliteDb
  readonly #set
  readonly #list
  readonly #delete

  constructor(db: SqliteDb) {
    this.#db = db
    this.#set = db.raw.prepare<[ScopeDescriptionRow]>(INSERT_SCOPE_DESCRIPTION)
    this.#list = db.raw.prepare<[], ScopeDescriptionRow>('SELECT * FROM scope_descriptions ORDER BY name')
    this.#delete = db.raw.prepare<[string]>('DELETE FROM scope_descriptions WHERE name = ?')
  }

  async set(name: string, description: string, now: number): Promise<void> {
    this.#db.guard(() => this.#set.run({ name, description, updated_at: now }))
  }

  async list(): Promise<ScopeDescriptionRecord[]> {
    return this.#db.guard(() => this.#list.all()).map(toScopeDescription)
  }

  async delete(name: string): Promise<boolean> {
    return this.#db.guard(() => this.#delete.run(name)).changes > 0
  }
}
