// Users in SQLite. Changing a password, deleting a user or signing them out
// ends what they hold in the same transaction: sessions, codes and refresh
// tokens (DESIGN.md, "The sign-in page"). A verified address is unique
// (a partial unique index); confirming one removes it from every other
// user that holds it unverified or pending (DESIGN.md, "Accounts").
import { ConflictError } from '../../domain/errors.js'
import type { UserChanges, UserRecord, UserStore } from '../types/index.js'
import { applyUserChanges } from '../rows.js'
import { isConstraintError, type SqliteDb } from './database.js'

export interface UserRow {
  id: string; username: string; scopes: string; password_hash: string; email: string | null; email_verified: number
  name: string | null; email_pending: string | null; created_at: number; updated_at: number
}

export const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  scopes: JSON.parse(r.scopes) as string[],
  passwordHash: r.password_hash,
  email: r.email,
  emailVerified: r.email_verified === 1,
  name: r.name,
  emailPending: r.email_pending,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export const userRow = (u: UserRecord): UserRow => ({
  id: u.id, username: u.username, scopes: JSON.stringify(u.scopes), password_hash: u.passwordHash, email: u.email,
  email_verified: u.emailVerified ? 1 : 0, name: u.name, email_pending: u.emailPending, created_at: u.createdAt, updated_at: u.updatedAt,
})

export const INSERT_USER = `INSERT INTO users (id, username, scopes, password_hash, email, email_verified, name, email_pending, created_at, updated_at)
  VALUES (@id, @username, @scopes, @password_hash, @email, @email_verified, @name, @email_pending, @created_at, @updated_at)`

const conflict = (err: unknown, what: string): unknown => isConstraintError(err) ? new ConflictError(what) : err

export class SqliteUsers implements UserStore {
  readonly #db: SqliteDb
  readonly #byName
  readonly #byId
  readonly #byVerifiedEmail
  readonly #list
  readonly #insert: (row: UserRow) => void
  readonly #delete
  readonly #update: (id: string, changes: UserChanges, now: number) => UserRecord | null
  readonly #confirm: (id: string, address: string, now: number) => boolean
  readonly #setPassword: (username: string, hash: string, key: string, now: number) => boolean
  readonly #signOut: (username: string) => boolean

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    this.#byName = raw.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?')
    this.#byId = raw.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?')
    this.#byVerifiedEmail = raw.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ? AND email_verified = 1')
    this.#list = raw.prepare<[], UserRow>('SELECT * FROM users ORDER BY username')
    const insert = raw.prepare<[UserRow]>(INSERT_USER)
    this.#delete = raw.prepare<[string]>('DELETE FROM users WHERE username = ?')
    const write = raw.prepare<[UserRow]>(`UPDATE users SET scopes = @scopes, email = @email, email_verified = @email_verified,
      name = @name, email_pending = @email_pending, updated_at = @updated_at WHERE id = @id`)
    const voidVerification = raw.prepare<[string]>("DELETE FROM one_time_tokens WHERE user_id = ? AND purpose = 'verify_email'")
    const releaseStatements = [
      raw.prepare<[string, string]>('UPDATE users SET email = NULL, email_verified = 0 WHERE email = ? AND email_verified = 0 AND id <> ?'),
      raw.prepare<[string, string]>('UPDATE users SET email_pending = NULL WHERE email_pending = ? AND id <> ?'),
    ]
    /** A verified address is no other user's, unverified or pending (DESIGN.md, "Accounts"). */
    const release = (u: UserRow): void => {
      if (u.email !== null && u.email_verified === 1) for (const s of releaseStatements) s.run(u.email, u.id)
    }
    this.#insert = db.writer((row: UserRow): void => {
      insert.run(row)
      release(row)
    })
    const updatePassword = raw.prepare<[string, number, string]>('UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?')
    const clearAttempts = raw.prepare<[string]>('DELETE FROM login_attempts WHERE username_key = ?')
    const endAll = [
      raw.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?'),
      raw.prepare<[string]>('DELETE FROM authorization_codes WHERE user_id = ?'),
      raw.prepare<[string]>('DELETE FROM refresh_families WHERE user_id = ?'),
    ]
    const endHoldings = (userId: string): void => { for (const s of endAll) s.run(userId) }
    this.#update = db.writer((id: string, changes: UserChanges, now: number): UserRecord | null => {
      const row = this.#byId.get(id)
      if (!row) return null
      const next = applyUserChanges(toUser(row), changes, now)
      write.run(userRow(next))
      release(userRow(next))
      if (changes.email !== undefined && changes.email.address !== row.email) voidVerification.run(id)
      return next
    })
    this.#confirm = db.writer((id: string, address: string, now: number): boolean => {
      const row = this.#byId.get(id)
      if (!row || (row.email !== address && row.email_pending !== address)) return false
      const holder = this.#byVerifiedEmail.get(address)
      if (holder && holder.id !== id) return false
      const next = userRow({ ...toUser(row), email: address, emailVerified: true, emailPending: row.email_pending === address ? null : row.email_pending, updatedAt: now })
      write.run(next)
      release(next)
      return true
    })
    this.#setPassword = db.writer((username: string, hash: string, key: string, now: number): boolean => {
      const user = this.#byName.get(username)
      if (!user) return false
      updatePassword.run(hash, now, username)
      endHoldings(user.id)
      clearAttempts.run(key)
      return true
    })
    this.#signOut = db.writer((username: string): boolean => {
      const user = this.#byName.get(username)
      if (!user) return false
      endHoldings(user.id)
      return true
    })
  }

  async getByUsername(username: string): Promise<UserRecord | null> {
    const row = this.#db.guard(() => this.#byName.get(username))
    return row ? toUser(row) : null
  }

  async getById(id: string): Promise<UserRecord | null> {
    const row = this.#db.guard(() => this.#byId.get(id))
    return row ? toUser(row) : null
  }

  async getByVerifiedEmail(email: string): Promise<UserRecord | null> {
    const row = this.#db.guard(() => this.#byVerifiedEmail.get(email))
    return row ? toUser(row) : null
  }

  async list(): Promise<UserRecord[]> {
    return this.#db.guard(() => this.#list.all()).map(toUser)
  }

  async insert(u: UserRecord): Promise<void> {
    try {
      this.#insert(userRow(u))
    } catch (err) {
      throw conflict(err, `user ${u.username} already exists, or the address is verified on another user`)
    }
  }

  async update(id: string, changes: UserChanges, now: number): Promise<UserRecord | null> {
    try {
      return this.#update(id, changes, now)
    } catch (err) {
      throw conflict(err, 'the address is verified on another user')
    }
  }

  async confirmEmail(userId: string, address: string, now: number): Promise<boolean> {
    return this.#confirm(userId, address, now)
  }

  async setPassword(username: string, passwordHash: string, throttleKey: string, now: number): Promise<boolean> {
    return this.#setPassword(username, passwordHash, throttleKey, now)
  }

  async delete(username: string): Promise<boolean> {
    // Sessions, codes, refresh families and one-time tokens go with it (ON DELETE CASCADE).
    return this.#db.guard(() => this.#delete.run(username)).changes === 1
  }

  async signOut(username: string): Promise<boolean> {
    return this.#signOut(username)
  }
}

