// Sign-in sessions in PostgreSQL, every id stored only as a hash (the
// codes they issue are codes.ts).
import type { SessionRecord, SessionStore, SessionWithUser } from '../types/index.js'
import { toSession, type SessionRow } from '../rows.js'
import type { PgDb, Sql } from './database.js'

export async function insertSession(sql: Sql, s: SessionRecord): Promise<void> {
  await sql.query('INSERT INTO sessions (id_hash, user_id, auth_time, created_at, expires_at, sid) VALUES ($1, $2, $3, $4, $5, $6)',
    [s.idHash, s.userId, s.authTime, s.createdAt, s.expiresAt, s.sid])
}

export class PgSessions implements SessionStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  insertSession(s: SessionRecord): Promise<void> {
    return insertSession(this.#db, s)
  }

  async getSession(idHash: string, now: number): Promise<SessionWithUser | null> {
    const { rows } = await this.#db.query<SessionRow & { username: string; scopes: string[] }>(`
      SELECT s.*, u.username, u.scopes FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id_hash = $1 AND s.expires_at > $2`, [idHash, now])
    const r = rows[0]
    return r ? { session: toSession(r), username: r.username, scopes: r.scopes } : null
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.#db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash])
  }

  async prune(now: number): Promise<number> {
    return (await this.#db.query('DELETE FROM sessions WHERE expires_at <= $1', [now])).rowCount ?? 0
  }
}
