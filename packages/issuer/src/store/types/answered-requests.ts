// Sealed authorization requests that were answered with a code (DESIGN.md,
// "The sign-in page"). The pending request itself lives in the page's form,
// sealed under a server key, so showing a page writes nothing; what the
// store keeps is only the fixed-size hash of each sealed request that got a
// code, until the seal's own expiry, so that one page yields at most one
// code (a double submit, a replayed form). Written on a successful answer
// only, never by a page view.

export interface AnsweredRequestRecord {
  /** SHA-256 of the sealed request, base64url. */
  hash: string
  /** The sealed request's expiry: after it the seal never opens again, and the record goes. */
  expiresAt: number
}

export interface AnsweredRequestStore {
  /**
   * Records the sealed request as answered; true for the one call that
   * recorded it (one statement decides: of concurrent answers to one page,
   * on any number of processes, exactly one sees true).
   */
  markAnswered(record: AnsweredRequestRecord): Promise<boolean>
  /** Deletes records whose seal has expired at `now`; returns how many went. */
  prune(now: number): Promise<number>
}
