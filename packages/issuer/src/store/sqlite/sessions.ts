// Sign-in sessions in SQLite (the codes they issue are codes.ts).
import type { SessionRecord, SessionStore, SessionWithUser } from '../types/index.js'
import { toSession, type SessionRow } from '../rows.js'
import type { SqliteDb } from './database.js'

export const sessionRow = (s: SessionRecord): SessionRow => ({
  id_hash: s.idHash, user_id: s.userId, auth_time: s.authTime, sid: s.sid, created_at: s.createdAt, expires_at: s.expiresAt,
})

export const INSERT_SESSION = `INSERT INTO sessions (id_hash, user_id, auth_time, sid, created_at, expires_at)
  VALUES (@id_hash, @user_id, @auth_time, @sid, @created_at, @expires_at)`

export class SqliteSessions implements SessionStore {
  readonly #db: SqliteDb
  readonly #insertSession
  readonly #getSession
  readonly #deleteSession
  readonly #prune

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    this.#insertSession = raw.prepare<[SessionRow]>(INSERT_SESSION)
    this.#getSession = raw.prepare<[string, number], SessionRow & { username: string; scopes: string }>(`
      SELECT s.*, u.username, u.scopes FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id_hash = ? AND s.expires_at > ?`)
    this.#deleteSession = raw.prepare<[string]>('DELETE FROM sessions WHERE id_hash = ?')
    this.#prune = raw.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?')
  }

  async insertSession(s: SessionRecord): Promise<void> {
    this.#db.guard(() => this.#insertSession.run(sessionRow(s)))
  }

  async getSession(idHash: string, now: number): Promise<SessionWithUser | null> {
    const r = this.#db.guard(() => this.#getSession.get(idHash, now))
    return r ? { session: toSession(r), username: r.username, scopes: JSON.parse(r.scopes) as string[] } : null
  }

  async deleteSession(idHash: string): Promise<void> {
    this.#db.guard(() => this.#deleteSession.run(idHash))
  }

  async prune(now: number): Promise<number> {
    return this.#db.guard(() => this.#prune.run(now).changes)
  }
}
