// Limit counters in PostgreSQL: `take` is one INSERT ... ON CONFLICT DO
// UPDATE ... WHERE: the conflicting row is locked and the condition read
// from its latest committed version, so of concurrent takes at the bound,
// on any number of connections and hosts, only those below it count.
import type { LimitCounterRecord, LimitStore } from '../types/index.js'
import type { PgDb } from './database.js'

export interface LimitRow { key_hash: string; count: number; window_end: number }

export const toLimitCounter = (r: LimitRow): LimitCounterRecord => ({ keyHash: r.key_hash, count: r.count, windowEnd: r.window_end })

const TAKE = `INSERT INTO limit_counters AS c (key_hash, count, window_end) VALUES ($1, 1, $2::bigint)
  ON CONFLICT (key_hash) DO UPDATE SET
    count = CASE WHEN c.window_end < excluded.window_end THEN 1 ELSE c.count + 1 END,
    window_end = greatest(c.window_end, excluded.window_end)
  WHERE c.window_end < excluded.window_end OR c.count < $3::integer
  RETURNING count`

export class PgLimits implements LimitStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  async take(keyHash: string, limit: number, windowEnd: number): Promise<boolean> {
    if (limit < 1) return false
    return (await this.#db.query(TAKE, [keyHash, windowEnd, limit])).rows.length === 1
  }

  async count(keyHash: string, now: number): Promise<number> {
    const { rows } = await this.#db.query<{ count: number }>('SELECT count FROM limit_counters WHERE key_hash = $1 AND window_end > $2', [keyHash, now])
    return rows[0]?.count ?? 0
  }

  async prune(now: number): Promise<number> {
    return (await this.#db.query('DELETE FROM limit_counters WHERE window_end <= $1', [now])).rowCount ?? 0
  }
}
