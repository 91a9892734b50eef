// Users in PostgreSQL. Changing a password, deleting a user or signing them
// out ends what they hold in the same transaction: sessions, codes and
// refresh tokens (DESIGN.md, "The sign-in page").
import { ConflictError } from '../../domain/errors.js'
import type { UserRecord, UserStore } from '../types/index.js'
import { isUniqueViolation, type PgDb, type Sql } from './database.js'

export interface UserRow {
  id: string; username: string; scopes: string[]; password_hash: string
  email: string | null; email_verified: boolean; name: string | null; created_at: number; updated_at: number
}

export const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  scopes: r.scopes,
  passwordHash: r.password_hash,
  email: r.email,
  emailVerified: r.email_verified,
  name: r.name,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export async function insertUser(sql: Sql, u: UserRecord): Promise<void> {
  await sql.query(`INSERT INTO users (id, username, scopes, password_hash, created_at, updated_at, email, email_verified, name)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
  [u.id, u.username, u.scopes, u.passwordHash, u.createdAt, u.updatedAt, u.email ?? null, u.emailVerified ?? false, u.name ?? null])
}

/** Ends what the user holds: sessions, pending codes and refresh token families. */
async function endHoldings(sql: Sql, userId: string): Promise<void> {
  await sql.query('DELETE FROM sessions WHERE user_id = $1', [userId])
  await sql.query('DELETE FROM authorization_codes WHERE user_id = $1', [userId])
  await sql.query('DELETE FROM refresh_families WHERE user_id = $1', [userId])
}

export class PgUsers implements UserStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  async getByUsername(username: string): Promise<UserRecord | null> {
    const { rows } = await this.#db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username])
    return rows[0] ? toUser(rows[0]) : null
  }

  async getById(id: string): Promise<UserRecord | null> {
    const { rows } = await this.#db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id])
    return rows[0] ? toUser(rows[0]) : null
  }

  async list(): Promise<UserRecord[]> {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    return (await this.#db.query<UserRow>('SELECT * FROM users ORDER BY username COLLATE "C"')).rows.map(toUser)
  }

  async insert(u: UserRecord): Promise<void> {
    try {
      await insertUser(this.#db, u)
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`user ${u.username} already exists`)
      throw err
    }
  }

  setPassword(username: string, passwordHash: string, usernameKey: string, now: number): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      const { rows } = await sql.query<{ id: string }>('UPDATE users SET password_hash = $2, updated_at = $3 WHERE username = $1 RETURNING id',
        [username, passwordHash, now])
      if (!rows[0]) return false
      await endHoldings(sql, rows[0].id)
      await sql.query('DELETE FROM login_attempts WHERE username_key = $1', [usernameKey])
      return true
    })
  }

  async delete(username: string): Promise<boolean> {
    // Sessions, codes and refresh families go with it (ON DELETE CASCADE).
    return (await this.#db.query('DELETE FROM users WHERE username = $1', [username])).rowCount === 1
  }

  signOut(username: string): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      // FOR SHARE: the user cannot be deleted meanwhile; a concurrent sign-in's session insert still proceeds.
      const { rows } = await sql.query<{ id: string }>('SELECT id FROM users WHERE username = $1 FOR SHARE', [username])
      if (!rows[0]) return false
      await endHoldings(sql, rows[0].id)
      return true
    })
  }
}
