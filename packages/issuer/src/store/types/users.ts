// Users: the people who sign in (password grant, sign-in page).

export interface UserRecord {
  id: string
  /** Normalised (NFC, lower case); unique. */
  username: string
  scopes: string[]
  passwordHash: string
  /** The e-mail address, or null (absent: none; written by the accounts side, read for OpenID Connect claims). */
  email?: string | null
  /** Whether `email` was confirmed (absent: false). */
  emailVerified?: boolean
  /** The display name, or null (absent: none). */
  name?: string | null
  createdAt: number
  updatedAt: number
}

export interface UserStore {
  getByUsername(username: string): Promise<UserRecord | null>
  getById(id: string): Promise<UserRecord | null>
  list(): Promise<UserRecord[]>
  /** Fails with ConflictError when the username is taken. */
  insert(user: UserRecord): Promise<void>
  /**
   * Replaces the password hash and, in the same transaction, ends the
   * user's sign-in sessions, revokes their refresh tokens and pending codes,
   * and forgets the failed attempts counted against `usernameKey`.
   * False when no such user.
   */
  setPassword(username: string, passwordHash: string, usernameKey: string, now: number): Promise<boolean>
  /** Deletes the user with their sessions, codes and refresh tokens (one transaction). */
  delete(username: string): Promise<boolean>
  /**
   * Ends every sign-in session of the user and revokes their refresh
   * tokens and pending codes (one transaction). False when no such user.
   */
  signOut(username: string): Promise<boolean>
}
