// One-time tokens in SQLite (verification and reset, hashed). Spending is
// one DELETE ... RETURNING: exactly one caller gets the record.
import type { OneTimePurpose, OneTimeTokenRecord, OneTimeTokenStore } from '../types/index.js'
import type { SqliteDb } from './database.js'

export interface OneTimeTokenRow {
  hash: string; purpose: string; user_id: string; address: string | null; created_at: number; expires_at: number
}

export const toOneTimeToken = (r: OneTimeTokenRow): OneTimeTokenRecord => ({
  hash: r.hash, purpose: r.purpose as OneTimePurpose, userId: r.user_id, address: r.address, createdAt: r.created_at, expiresAt: r.expires_at,
})

export const oneTimeTokenRow = (t: OneTimeTokenRecord): OneTimeTokenRow => ({
  hash: t.hash, purpose: t.purpose, user_id: t.userId, address: t.address, created_at: t.createdAt, expires_at: t.expiresAt,
})

export const INSERT_ONE_TIME_TOKEN = `INSERT INTO one_time_tokens (hash, purpose, user_id, address, created_at, expires_at)
  VALUES (@hash, @purpose, @user_id, @address, @created_at, @expires_at)`

export class SqliteOneTimeTokens implements OneTimeTokenStore {
  readonly #db: SqliteDb
  readonly #insert: (row: OneTimeTokenRow, voidOlder: boolean) => void
  readonly #find
  readonly #spend
  readonly #prune

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    const insert = raw.prepare<[OneTimeTokenRow]>(INSERT_ONE_TIME_TOKEN)
    const voidOlder = raw.prepare<[string, string]>('DELETE FROM one_time_tokens WHERE user_id = ? AND purpose = ?')
    this.#insert = db.writer((row: OneTimeTokenRow, older: boolean): void => {
      if (older) voidOlder.run(row.user_id, row.purpose)
      insert.run(row)
    })
    this.#find = raw.prepare<[string, string, number], OneTimeTokenRow>('SELECT * FROM one_time_tokens WHERE hash = ? AND purpose = ? AND expires_at > ?')
    this.#spend = raw.prepare<[string, string, number], OneTimeTokenRow>(
      'DELETE FROM one_time_tokens WHERE hash = ? AND purpose = ? AND expires_at > ? RETURNING *')
    this.#prune = raw.prepare<[number]>('DELETE FROM one_time_tokens WHERE expires_at <= ?')
  }

  async insert(token: OneTimeTokenRecord, voidOlder: boolean): Promise<void> {
    this.#insert(oneTimeTokenRow(token), voidOlder)
  }

  async find(hash: string, purpose: OneTimePurpose, now: number): Promise<OneTimeTokenRecord | null> {
    const row = this.#db.guard(() => this.#find.get(hash, purpose, now))
    return row ? toOneTimeToken(row) : null
  }

  async spend(hash: string, purpose: OneTimePurpose, now: number): Promise<OneTimeTokenRecord | null> {
    const row = this.#db.guard(() => this.#spend.get(hash, purpose, now))
    return row ? toOneTimeToken(row) : null
  }

  async prune(now: number): Promise<number> {
    return this.#db.guard(() => this.#prune.run(now)).changes
  }
}
