// The account page's own store operations (DESIGN.md "The account page,
// remembered consent, scope descriptions and branding"): what the person's
// apps still hold, taking an app's access back, changing the password from
// within a session, and holding a new address as pending. Each write is one
// transaction.

/** A refresh token family of the user that still holds a live token: the app, what it may do, since when. */
export interface LiveGrantRecord {
  familyId: string
  clientId: string
  scopes: string[]
  createdAt: number
}

export interface AccountStore {
  /**
   * The user's refresh token families with an unspent, unexpired token at
   * `now` (the family unexpired too), oldest first.
   */
  liveGrants(userId: string, now: number): Promise<LiveGrantRecord[]>
  /**
   * "Remove access": deletes the user's consents for the client (every
   * audience), the client's refresh token families and unspent codes for
   * this user, in one transaction. False when there was nothing to delete.
   */
  removeAccess(userId: string, clientId: string): Promise<boolean>
  /**
   * Replaces the password hash and, in the same transaction, ends every
   * sign-in session of the user except the one whose id hash is
   * `keepSessionHash`, and revokes their refresh tokens and pending codes.
   * False when no such user.
   */
  changePassword(userId: string, passwordHash: string, keepSessionHash: string, now: number): Promise<boolean>
  /**
   * Holds `address` as the user's pending address and voids the user's
   * verification tokens sent to any address but the current one, in one
   * transaction (an older pending address's link confirms nothing any
   * more). False when no such user.
   */
  setPendingEmail(userId: string, address: string, now: number): Promise<boolean>
}
