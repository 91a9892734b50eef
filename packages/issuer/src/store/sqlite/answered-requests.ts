// Answered sealed authorization requests in SQLite (see ../types/answered-requests.ts):
// one INSERT ... ON CONFLICT DO NOTHING decides which answer got the page.
import type { AnsweredRequestRecord, AnsweredRequestStore } from '../types/index.js'
import type { SqliteDb } from './database.js'

export interface AnsweredRow { hash: string; expires_at: number }

export const INSERT_ANSWERED = 'INSERT INTO answered_requests (hash, expires_at) VALUES (@hash, @expires_at) ON CONFLICT (hash) DO NOTHING'

export class SqliteAnsweredRequests implements AnsweredRequestStore {
  readonly #db: SqliteDb
  readonly #insert
  readonly #prune

  constructor(db: SqliteDb) {
    this.#db = db
    this.#insert = db.raw.prepare<[AnsweredRow]>(INSERT_ANSWERED)
    this.#prune = db.raw.prepare<[number]>('DELETE FROM answered_requests WHERE expires_at <= ?')
  }

  async markAnswered(r: AnsweredRequestRecord): Promise<boolean> {
    return this.#db.guard(() => this.#insert.run({ hash: r.hash, expires_at: r.expiresAt })).changes === 1
  }

  async prune(now: number): Promise<number> {
    return this.#db.guard(() => this.#prune.run(now)).changes
  }
}
