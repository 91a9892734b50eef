// Users in PostgreSQL. Changing a password, deleting a user or signing them
// out ends what they hold in the same transaction: sessions, codes and
// refresh tokens (DESIGN.md, "The sign-in page"). A verified address is
// unique (a partial unique index); confirming one removes it from every
// other user that holds it unverified or pending (DESIGN.md, "Accounts").
import { ConflictError } from '../../domain/errors.js'
import { applyUserChanges } from '../rows.js'
import type { UserChanges, UserRecord, UserStore } from '../types/index.js'
import { isUniqueViolation, type PgDb, type Sql } from './database.js'

export interface UserRow {
  id: string; username: string; scopes: string[]; password_hash: string; email: string | null; email_verified: boolean
  name: string | null; email_pending: string | null; created_at: number; updated_at: number
}

export const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  scopes: r.scopes,
  passwordHash: r.password_hash,
  email: r.email,
  emailVerified: r.email_verified,
  name: r.name,
  emailPending: r.email_pending,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/** The row as json_populate_recordset and INSERT take it. */
export const userRow = (u: UserRecord): UserRow => ({
  id: u.id, username: u.username, scopes: u.scopes, password_hash: u.passwordHash, email: u.email, email_verified: u.emailVerified,
  name: u.name, email_pending: u.emailPending, created_at: u.createdAt, updated_at: u.updatedAt,
})

async function insertUser(sql: Sql, u: UserRecord): Promise<void> {
  await sql.query(`INSERT INTO users (id, username, scopes, password_hash, email, email_verified, name, email_pending, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  [u.id, u.username, u.scopes, u.passwordHash, u.email, u.emailVerified, u.name, u.emailPending, u.createdAt, u.updatedAt])
}

/** A verified address is no other user's, unverified or pending (DESIGN.md, "Accounts"). */
async function release(sql: Sql, u: UserRecord): Promise<void> {
  if (u.email === null || !u.emailVerified) return
  await sql.query('UPDATE users SET email = NULL, email_verified = false WHERE email = $1 AND NOT email_verified AND id <> $2', [u.email, u.id])
  await sql.query('UPDATE users SET email_pending = NULL WHERE email_pending = $1 AND id <> $2', [u.email, u.id])
}

async function writeUser(sql: Sql, u: UserRecord): Promise<void> {
  await sql.query(`UPDATE users SET scopes = $2, email = $3, email_verified = $4, name = $5, email_pending = $6, updated_at = $7
    WHERE id = $1`, [u.id, u.scopes, u.email, u.emailVerified, u.name, u.emailPending, u.updatedAt])
}

/** Ends what the user holds: sessions, pending codes and refresh token families. */
async function endHoldings(sql: Sql, userId: string): Promise<void> {
  await sql.query('DELETE FROM sessions WHERE user_id = $1', [userId])
  await sql.query('DELETE FROM authorization_codes WHERE user_id = $1', [userId])
  await sql.query('DELETE FROM refresh_families WHERE user_id = $1', [userId])
}

const conflict = (err: unknown, what: string): unknown => isUniqueViolation(err) ? new ConflictError(what) : err

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

  async getByVerifiedEmail(email: string): Promise<UserRecord | null> {
    const { rows } = await this.#db.query<UserRow>('SELECT * FROM users WHERE email = $1 AND email_verified', [email])
    return rows[0] ? toUser(rows[0]) : null
  }

  async list(): Promise<UserRecord[]> {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    return (await this.#db.query<UserRow>('SELECT * FROM users ORDER BY username COLLATE "C"')).rows.map(toUser)
  }

  async insert(u: UserRecord): Promise<void> {
    try {
      await this.#db.tx(async (sql) => {
        await insertUser(sql, u)
        await release(sql, u)
      })
    } catch (err) {
      throw conflict(err, `user ${u.username} already exists, or the address is verified on another user`)
    }
  }

  async update(id: string, changes: UserChanges, now: number): Promise<UserRecord | null> {
    try {
      return await this.#db.tx(async (sql) => {
        const { rows } = await sql.query<UserRow>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [id])
        if (!rows[0]) return null
        const next = applyUserChanges(toUser(rows[0]), changes, now)
        await writeUser(sql, next)
        await release(sql, next)
        if (changes.email !== undefined && changes.email.address !== rows[0].email) {
          await sql.query("DELETE FROM one_time_tokens WHERE user_id = $1 AND purpose = 'verify_email'", [id])
        }
        return next
      })
    } catch (err) {
      throw conflict(err, 'the address is verified on another user')
    }
  }

  async confirmEmail(userId: string, address: string, now: number): Promise<boolean> {
    try {
      return await this.#db.tx(async (sql) => {
        const { rows } = await sql.query<UserRow>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [userId])
        const row = rows[0]
        if (!row || (row.email !== address && row.email_pending !== address)) return false
        const next = { ...toUser(row), email: address, emailVerified: true, emailPending: row.email_pending === address ? null : row.email_pending, updatedAt: now }
        await writeUser(sql, next)
        await release(sql, next)
        return true
      })
    } catch (err) {
      // Verified on another user meanwhile (the partial unique index): not confirmed here.
      if (isUniqueViolation(err)) return false
      throw err
    }
  }

  setPassword(username: string, passwordHash: string, throttleKey: string, now: number): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      const { rows } = await sql.query<{ id: string }>('UPDATE users SET password_hash = $2, updated_at = $3 WHERE username = $1 RETURNING id',
        [username, passwordHash, now])
      if (!rows[0]) return false
      await endHoldings(sql, rows[0].id)
      await sql.query('DELETE FROM login_attempts WHERE username_key = $1', [throttleKey])
      return true
    })
  }

  async delete(username: string): Promise<boolean> {
    // Sessions, codes, refresh families and one-time tokens go with it (ON DELETE CASCADE).
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
