// The failed-login counter in SQLite: each decision is one IMMEDIATE
// transaction, so processes sharing the file share the bound.
import type { AttemptAdmission, LoginThrottleStore, ThrottlePolicy } from '../types/index.js'
import type { SqliteDb } from './database.js'

interface AttemptRow { attempts: number; window_started_at: number; locked_until: number | null }

export class SqliteLogins implements LoginThrottleStore {
  readonly #db: SqliteDb
  readonly #begin: (key: string, now: number, policy: ThrottlePolicy) => AttemptAdmission
  readonly #fail: (key: string, now: number, policy: ThrottlePolicy) => void
  readonly #clear
  readonly #prune

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    const get = raw.prepare<[string], AttemptRow>('SELECT attempts, window_started_at, locked_until FROM login_attempts WHERE username_key = ?')
    const upsert = raw.prepare<[string, number, number, number | null]>(`INSERT INTO login_attempts (username_key, attempts, window_started_at, locked_until)
      VALUES (?, ?, ?, ?) ON CONFLICT (username_key) DO UPDATE SET attempts = excluded.attempts,
      window_started_at = excluded.window_started_at, locked_until = excluded.locked_until`)
    const lock = raw.prepare<[number, string]>('UPDATE login_attempts SET locked_until = ? WHERE username_key = ?')
    this.#clear = raw.prepare<[string]>('DELETE FROM login_attempts WHERE username_key = ?')
    this.#prune = raw.prepare<[number, number]>(`DELETE FROM login_attempts
      WHERE window_started_at <= ? AND (locked_until IS NULL OR locked_until <= ?)`)

    this.#begin = db.writer((key: string, now: number, policy: ThrottlePolicy): AttemptAdmission => {
      const row = get.get(key)
      if (row?.locked_until != null && row.locked_until > now) return { allowed: false, lockedUntil: row.locked_until }
      // A new window starts when there is none, when the last one is over, or when a lock has just ended.
      if (!row || now - row.window_started_at >= policy.windowMs || row.locked_until != null) {
        upsert.run(key, 1, now, null)
        return { allowed: true }
      }
      if (row.attempts >= policy.maxFailures) {
        // The window's attempts are used up (failed, or still in flight): lock now.
        const until = now + policy.lockMs
        lock.run(until, key)
        return { allowed: false, lockedUntil: until }
      }
      upsert.run(key, row.attempts + 1, row.window_started_at, null)
      return { allowed: true }
    })
    this.#fail = db.writer((key: string, now: number, policy: ThrottlePolicy): void => {
      const row = get.get(key)
      if (row && row.locked_until === null && row.attempts >= policy.maxFailures) lock.run(now + policy.lockMs, key)
    })
  }

  async beginAttempt(key: string, now: number, policy: ThrottlePolicy): Promise<AttemptAdmission> {
    return this.#begin(key, now, policy)
  }

  async failAttempt(key: string, now: number, policy: ThrottlePolicy): Promise<void> {
    this.#fail(key, now, policy)
  }

  async clear(key: string): Promise<void> {
    this.#db.guard(() => this.#clear.run(key))
  }

  async prune(now: number, policy: ThrottlePolicy): Promise<number> {
    return this.#db.guard(() => this.#prune.run(now - policy.windowMs, now)).changes
  }
}
