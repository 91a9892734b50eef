// DPoP proofs seen (RFC 9449 §11.1): the `jti` of every accepted proof is
// kept, as a hash, until the proof's `iat` window is over, so that a proof
// is accepted once across every process and machine on the store.

export interface DpopProofStore {
  /**
   * Records a proof's jti hash until `expiresAt`, atomically (one
   * insert-or-conflict): true for the one caller that recorded it, false
   * when it is already recorded and not expired at `now` (a replay). An
   * expired record not yet pruned counts as absent.
   */
  record(jtiHash: string, expiresAt: number, now: number): Promise<boolean>
  /** Deletes the records expired at `now`; returns how many went. */
  prune(now: number): Promise<number>
}

/** One recorded proof, as `db copy` moves it. */
export interface DpopProofRecord {
  jtiHash: string
  expiresAt: number
}
