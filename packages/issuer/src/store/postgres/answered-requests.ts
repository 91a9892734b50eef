// Answered sealed authorization requests in PostgreSQL (see
// ../types/answered-requests.ts): one INSERT ... ON CONFLICT DO NOTHING
// decides; a concurrent insert of the same key waits on the first and then
// inserts nothing.
import type { AnsweredRequestRecord, AnsweredRequestStore } from '../types/index.js'
import type { PgDb } from './database.js'

export class PgAnsweredRequests implements AnsweredRequestStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  async markAnswered(r: AnsweredRequestRecord): Promise<boolean> {
    const { rowCount } = await this.#db.query('INSERT INTO answered_requests (hash, expires_at) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING',
      [r.hash, r.expiresAt])
    return rowCount === 1
  }

  async prune(now: number): Promise<number> {
    const { rowCount } = await this.#db.query('DELETE FROM answered_requests WHERE expires_at <= $1', [now])
    return rowCount ?? 0
  }
}
