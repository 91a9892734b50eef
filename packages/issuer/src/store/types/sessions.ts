// Sign-in sessions (the `tessera_session` cookie). (The request a sign-in
// page answers is not stored: it travels sealed in the page's form, see
// answered-requests.ts; the codes it issues are codes.ts.) Every id is
// stored only as a hash (SHA-256 of a value with at least 256 random
// bits), so a copy of the database opens nothing.

export interface SessionRecord {
  idHash: string
  userId: string
  /** When the person entered their password (the `auth_time` of tokens). */
  authTime: number
  /** The session's public id (OpenID Connect `sid`): random, unrelated to the cookie value. */
  sid: string
  createdAt: number
  expiresAt: number
}

/** A live session with the user it belongs to. */
export interface SessionWithUser {
  session: SessionRecord
  username: string
  scopes: string[]
}

export interface SessionStore {
  insertSession(session: SessionRecord): Promise<void>
  /** The session with its user, or null when unknown, expired, or the user is gone. */
  getSession(idHash: string, now: number): Promise<SessionWithUser | null>
  deleteSession(idHash: string): Promise<void>

  /** Deletes expired sessions; returns how many went. */
  prune(now: number): Promise<number>
}
