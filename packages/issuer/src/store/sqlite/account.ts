// The account page's store operations in SQLite (store/types/account.ts):
// each write one IMMEDIATE transaction.
import type { AccountStore, LiveGrantRecord } from '../types/index.js'
import type { SqliteDb } from './database.js'

interface LiveGrantRow { id: string; client_id: string; scopes: string; created_at: number }

export class SqliteAccount implements AccountStore {
  readonly #db: SqliteDb
  readonly #liveGrants
  readonly #removeAccess: (userId: string, clientId: string) => boolean
  readonly #changePassword: (userId: string, hash: string, keep: string, now: number) => boolean
  readonly #setPending: (userId: string, address: string, now: number) => boolean

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    this.#liveGrants = raw.prepare<[string, number, number], LiveGrantRow>(`SELECT f.id, f.client_id, f.scopes, f.created_at
      FROM refresh_families f WHERE f.user_id = ? AND f.expires_at > ?
        AND EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = f.id AND t.spent_at IS NULL AND t.expires_at > ?)
      ORDER BY f.created_at, f.id`)
    const takeBack = [
      raw.prepare<[string, string]>('DELETE FROM consents WHERE user_id = ? AND client_id = ?'),
      raw.prepare<[string, string]>('DELETE FROM refresh_families WHERE user_id = ? AND client_id = ?'),
      raw.prepare<[string, string]>('DELETE FROM authorization_codes WHERE user_id = ? AND client_id = ? AND spent_at IS NULL'),
    ]
    this.#removeAccess = db.writer((userId: string, clientId: string): boolean =>
      takeBack.reduce((n, s) => n + s.run(userId, clientId).changes, 0) > 0)

    const updatePassword = raw.prepare<[string, number, string]>('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?')
    const endOthers = raw.prepare<[string, string]>('DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?')
    const revoke = [
      raw.prepare<[string]>('DELETE FROM authorization_codes WHERE user_id = ?'),
      raw.prepare<[string]>('DELETE FROM refresh_families WHERE user_id = ?'),
    ]
    this.#changePassword = db.writer((userId: string, hash: string, keep: string, now: number): boolean => {
      if (updatePassword.run(hash, now, userId).changes === 0) return false
      endOthers.run(userId, keep)
      for (const s of revoke) s.run(userId)
      return true
    })

    const setPending = raw.prepare<[string, number, string]>('UPDATE users SET email_pending = ?, updated_at = ? WHERE id = ?')
    const voidOthers = raw.prepare<[string, string]>(`DELETE FROM one_time_tokens WHERE user_id = ? AND purpose = 'verify_email'
      AND address IS NOT (SELECT email FROM users WHERE id = ?)`)
    this.#setPending = db.writer((userId: string, address: string, now: number): boolean => {
      if (setPending.run(address, now, userId).changes === 0) return false
      voidOthers.run(userId, userId)
      return true
    })
  }

  async liveGrants(userId: string, now: number): Promise<LiveGrantRecord[]> {
    return this.#db.guard(() => this.#liveGrants.all(userId, now, now)).map((r) => ({
      familyId: r.id, clientId: r.client_id, scopes: JSON.parse(r.scopes) as string[], createdAt: r.created_at,
    }))
  }

  async removeAccess(userId: string, clientId: string): Promise<boolean> {
    return this.#removeAccess(userId, clientId)
  }

  async changePassword(userId: string, passwordHash: string, keepSessionHash: string, now: number): Promise<boolean> {
    return this.#changePassword(userId, passwordHash, keepSessionHash, now)
  }

  async setPendingEmail(userId: string, address: string, now: number): Promise<boolean> {
    return this.#setPending(userId, address, now)
  }
}
