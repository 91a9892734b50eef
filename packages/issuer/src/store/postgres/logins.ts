// The failed-login counter in PostgreSQL: each decision is one statement.
// `beginAttempt` is a single INSERT ... ON CONFLICT DO UPDATE: PostgreSQL
// either inserts the key's first row or locks the existing row and
// computes the new count from its latest committed version, so of any
// number of concurrent attempts, on any number of connections and hosts,
// each sees the count the previous one left, and at most `maxFailures`
// are admitted per window (DESIGN.md).
import type { AttemptAdmission, LoginThrottleStore, ThrottlePolicy } from '../types/index.js'
import type { PgDb } from './database.js'

// $1 key, $2 now, $3 windowMs, $4 maxFailures, $5 lockMs. The same rules as
// the SQLite store, as one expression per column over the row as it was:
//   locked: a lock still in force: nothing changes (refused, not counted);
//   fresh:  no window, the window is over, or a lock has ended: a new window, this attempt its first;
//   full:   the window's attempts are used up (failed or in flight): lock now, refused;
//   else:   counted, admitted.
// (Parameters typed where used: PostgreSQL infers none from a bare $n in arithmetic.)
const NOW = '$2::bigint'
const LOCKED = `a.locked_until IS NOT NULL AND a.locked_until > ${NOW}`
const FRESH = `${NOW} - a.window_started_at >= $3::bigint OR a.locked_until IS NOT NULL`
const FULL = 'a.attempts >= $4::integer'
const BEGIN_ATTEMPT = `
  INSERT INTO login_attempts AS a (username_key, attempts, window_started_at, locked_until) VALUES ($1, 1, ${NOW}, NULL)
  ON CONFLICT (username_key) DO UPDATE SET
    attempts = CASE WHEN ${LOCKED} THEN a.attempts WHEN ${FRESH} THEN 1 WHEN ${FULL} THEN a.attempts ELSE a.attempts + 1 END,
    window_started_at = CASE WHEN ${LOCKED} THEN a.window_started_at WHEN ${FRESH} THEN ${NOW} ELSE a.window_started_at END,
    locked_until = CASE WHEN ${LOCKED} THEN a.locked_until WHEN ${FRESH} THEN NULL WHEN ${FULL} THEN ${NOW} + $5::bigint ELSE NULL END
  RETURNING locked_until`

export class PgLogins implements LoginThrottleStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  async beginAttempt(key: string, now: number, policy: ThrottlePolicy): Promise<AttemptAdmission> {
    const { rows } = await this.#db.query<{ locked_until: number | null }>(BEGIN_ATTEMPT,
      [key, now, policy.windowMs, policy.maxFailures, policy.lockMs])
    // Admitted exactly when the row, as this statement left it, holds no lock.
    const lockedUntil = rows[0]?.locked_until ?? null
    return lockedUntil === null ? { allowed: true } : { allowed: false, lockedUntil }
  }

  async failAttempt(key: string, now: number, policy: ThrottlePolicy): Promise<void> {
    await this.#db.query(`UPDATE login_attempts SET locked_until = $2::bigint + $3::bigint
      WHERE username_key = $1 AND locked_until IS NULL AND attempts >= $4::integer`, [key, now, policy.lockMs, policy.maxFailures])
  }

  async clear(key: string): Promise<void> {
    await this.#db.query('DELETE FROM login_attempts WHERE username_key = $1', [key])
  }

  async prune(now: number, policy: ThrottlePolicy): Promise<number> {
    const { rowCount } = await this.#db.query(`DELETE FROM login_attempts
      WHERE window_started_at <= $1 AND (locked_until IS NULL OR locked_until <= $2)`, [now - policy.windowMs, now])
    return rowCount ?? 0
  }
}
