// Limit counters in SQLite: `take` is one upsert whose update applies only
// below the limit (or in a new window), so the row changes exactly when
// the take succeeds; the write lock makes it atomic across processes.
import type { LimitCounterRecord, LimitStore } from '../types/index.js'
import type { SqliteDb } from './database.js'

export interface LimitRow { key_hash: string; count: number; window_end: number }

export const toLimitCounter = (r: LimitRow): LimitCounterRecord => ({ keyHash: r.key_hash, count: r.count, windowEnd: r.window_end })

export const INSERT_LIMIT = 'INSERT INTO limit_counters (key_hash, count, window_end) VALUES (@key_hash, @count, @window_end)'

export class SqliteLimits implements LimitStore {
  readonly #db: SqliteDb
  readonly #take
  readonly #count
  readonly #prune

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    // A row of an older window starts again at 1; in the same window it counts one more only below the limit.
    this.#take = raw.prepare<[{ key: string; end: number; limit: number }]>(`INSERT INTO limit_counters AS c (key_hash, count, window_end) VALUES (@key, 1, @end)
      ON CONFLICT (key_hash) DO UPDATE SET
        count = CASE WHEN c.window_end < excluded.window_end THEN 1 ELSE c.count + 1 END,
        window_end = max(c.window_end, excluded.window_end)
      WHERE c.window_end < excluded.window_end OR c.count < @limit`)
    this.#count = raw.prepare<[string, number], { count: number }>('SELECT count FROM limit_counters WHERE key_hash = ? AND window_end > ?')
    this.#prune = raw.prepare<[number]>('DELETE FROM limit_counters WHERE window_end <= ?')
  }

  async take(keyHash: string, limit: number, windowEnd: number): Promise<boolean> {
    if (limit < 1) return false
    return this.#db.guard(() => this.#take.run({ key: keyHash, end: windowEnd, limit })).changes === 1
  }

  async count(keyHash: string, now: number): Promise<number> {
    return this.#db.guard(() => this.#count.get(keyHash, now))?.count ?? 0
  }

  async prune(now: number): Promise<number> {
    return this.#db.guard(() => this.#prune.run(now)).changes
  }
}
