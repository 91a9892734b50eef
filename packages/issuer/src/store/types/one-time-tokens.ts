// One-time tokens mailed to a person (DESIGN.md, "Accounts"): e-mail
// verification and password reset. The token itself (at least 256 random
// bits) is never stored, only its hash; spending it is one statement
// (DELETE ... RETURNING), so of any number of concurrent uses, on any
// number of processes, exactly one gets the record.

export type OneTimePurpose = 'verify_email' | 'reset_password'

export interface OneTimeTokenRecord {
  hash: string
  purpose: OneTimePurpose
  userId: string
  /** The address a verification token was sent to (it confirms that address only); null for a reset. */
  address: string | null
  createdAt: number
  expiresAt: number
}

export interface OneTimeTokenStore {
  /**
   * Stores a token. With `voidOlder`, the user's older tokens of the same
   * purpose are deleted in the same transaction (a newer reset link voids
   * older ones).
   */
  insert(token: OneTimeTokenRecord, voidOlder: boolean): Promise<void>
  /** The token, unspent and unexpired at `now`, without spending it (the GET page); else null. */
  find(hash: string, purpose: OneTimePurpose, now: number): Promise<OneTimeTokenRecord | null>
  /** Spends the token atomically: the record for the one caller that spent it, unexpired at `now`; else null. */
  spend(hash: string, purpose: OneTimePurpose, now: number): Promise<OneTimeTokenRecord | null>
  /** Deletes expired tokens; returns how many went. */
  prune(now: number): Promise<number>
}
