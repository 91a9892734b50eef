// Users: the people who sign in (password grant, sign-in page), with an
// optional e-mail address (verified or not) and display name (DESIGN.md,
// "Accounts: sign-up, e-mail and password reset").

export interface UserRecord {
  id: string
  /** Normalised (NFC, lower case); unique. */
  username: string
  scopes: string[]
  passwordHash: string
  /** Normalised (NFC, lower case) e-mail address, or null. Unique among verified addresses. */
  email: string | null
  /** True once the address was confirmed (or set by the operator). */
  emailVerified: boolean
  /** Display name, or null. */
  name: string | null
  /** A new address waiting for its verification link (the account page), or null. */
  emailPending: string | null
  createdAt: number
  /** Last change of the profile, e-mail or name (ms). */
  updatedAt: number
}

/** Fields an update may change; absent fields keep their value. */
export interface UserChanges {
  scopes?: string[]
  /** A new address (with its verified flag), or null to remove it; voids older verification tokens. */
  email?: { address: string | null; verified: boolean }
  name?: string | null
  emailPending?: string | null
}

export interface UserStore {
  getByUsername(username: string): Promise<UserRecord | null>
  getById(id: string): Promise<UserRecord | null>
  /** The user whose verified address this is (normalised), or null. */
  getByVerifiedEmail(email: string): Promise<UserRecord | null>
  list(): Promise<UserRecord[]>
  /** Fails with ConflictError when the username is taken or the address is verified on another user. */
  insert(user: UserRecord): Promise<void>
  /**
   * Applies the changes (ConflictError when a verified address is another
   * user's); a change of address deletes the user's verification tokens in
   * the same transaction. Returns the updated record, or null when no such user.
   */
  update(id: string, changes: UserChanges, now: number): Promise<UserRecord | null>
  /**
   * Marks `address` verified for the user, only while it is still the
   * user's address or pending address, and removes it (unverified or
   * pending) from every other user, in one transaction. False when the
   * address is no longer the user's, or is verified on another user.
   */
  confirmEmail(userId: string, address: string, now: number): Promise<boolean>
  /**
   * Replaces the password hash and, in the same transaction, ends the
   * user's sign-in sessions, revokes their refresh tokens and pending codes,
   * and forgets the failed attempts counted against `throttleKey`.
   * False when no such user.
   */
  setPassword(username: string, passwordHash: string, throttleKey: string, now: number): Promise<boolean>
  /** Deletes the user with their sessions, codes and refresh tokens (one transaction). */
  delete(username: string): Promise<boolean>
  /**
   * Ends every sign-in session of the user and revokes their refresh
   * tokens and pending codes (one transaction). False when no such user.
   */
  signOut(username: string): Promise<boolean>
}
