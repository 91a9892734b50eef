// Users in SQLite. Changing a password, deleting a user or signing them out
// ends what they hold in the same transaction: sessions, codes and refresh
// tokens (DESIGN.md, "The sign-in page").
import { ConflictError } from '../../domain/errors.js'
import type { UserRecord, UserStore } from '../types/index.js'
import { isConstraintError, type SqliteDb } from './database.js'

export interface UserRow {
  id: string; username: string; scopes: string; password_hash: string
  email: string | null; email_verified: number; name: string | null; created_at: number; updated_at: number
}

export const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  scopes: JSON.parse(r.scopes) as string[],
  passwordHash: r.password_hash,
  email: r.email,
  emailVerified: r.email_verified === 1,
  name: r.name,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export const userRow = (u: UserRecord): UserRow => ({
  id: u.id, username: u.username, scopes: JSON.stringify(u.scopes), password_hash: u.passwordHash,
  email: u.email ?? null, email_verified: u.emailVerified === true ? 1 : 0, name: u.name ?? null, created_at: u.createdAt, updated_at: u.updatedAt,
})

export const INSERT_USER = `INSERT INTO users (id, username, scopes, password_hash, email, email_verified, name, created_at, updated_at)
  VALUES (@id, @username, @scopes, @password_hash, @email, @email_verified, @name, @created_at, @updated_at)`

export class SqliteUsers implements UserStore {
  readonly #db: SqliteDb
  readonly #byName
  readonly #byId
  readonly #list
  readonly #insert
  readonly #delete
  readonly #setPassword: (username: string, hash: string, key: string, now: number) => boolean
  readonly #signOut: (username: string) => boolean

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    this.#byName = raw.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?')
    this.#byId = raw.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?')
    this.#list = raw.prepare<[], UserRow>('SELECT * FROM users ORDER BY username')
    this.#insert = raw.prepare<[UserRow]>(INSERT_USER)
    this.#delete = raw.prepare<[string]>('DELETE FROM users WHERE username = ?')
    const updatePassword = raw.prepare<[string, number, string]>('UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?')
    const clearAttempts = raw.prepare<[string]>('DELETE FROM login_attempts WHERE username_key = ?')
    const endAll = [
      raw.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?'),
      raw.prepare<[string]>('DELETE FROM authorization_codes WHERE user_id = ?'),
      raw.prepare<[string]>('DELETE FROM refresh_families WHERE user_id = ?'),
    ]
    const endHoldings = (userId: string): void => { for (const s of endAll) s.run(userId) }
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

  async list(): Promise<UserRecord[]> {
    return this.#db.guard(() => this.#list.all()).map(toUser)
  }

  async insert(u: UserRecord): Promise<void> {
    try {
      this.#db.guard(() => this.#insert.run(userRow(u)))
    } catch (err) {
      if (isConstraintError(err)) throw new ConflictError(`user ${u.username} already exists`)
      throw err
    }
  }

  async setPassword(username: string, passwordHash: string, usernameKey: string, now: number): Promise<boolean> {
    return this.#setPassword(username, passwordHash, usernameKey, now)
  }

  async delete(username: string): Promise<boolean> {
    // Sessions, codes and refresh families go with it (ON DELETE CASCADE).
    return this.#db.guard(() => this.#delete.run(username)).changes === 1
  }

  async signOut(username: string): Promise<boolean> {
    return this.#signOut(username)
  }
}
