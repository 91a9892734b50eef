// Remembered consent (DESIGN.md "The account page, remembered consent,
// scope descriptions and branding"): what a person allowed a client to do,
// per audience, so a later request the consent covers needs no page. One
// record per (user, client, audience); "Allow" for more scopes adds to it.
// Deleted with its user or its client (the foreign keys cascade).

export interface ConsentRecord {
  userId: string
  clientId: string
  /** The resource (RFC 8707) the consent is for. */
  audience: string
  /** The scopes allowed, sorted, without duplicates. */
  scopes: string[]
  /** When the first consent for this client and audience was given. */
  createdAt: number
  /** When scopes were last added. */
  updatedAt: number
}

export interface ConsentStore {
  /**
   * Records that the user allowed `scopes` for the client and audience at
   * `now`: a new record, or the union with the one held (one statement or
   * transaction: two concurrent grants both land).
   */
  grant(userId: string, clientId: string, audience: string, scopes: readonly string[], now: number): Promise<void>
  /** The consent held for this user, client and audience, or null. */
  find(userId: string, clientId: string, audience: string): Promise<ConsentRecord | null>
  /** Every consent of the user, oldest first. */
  listForUser(userId: string): Promise<ConsentRecord[]>
  /** Deletes the user's consents for the client (every audience); returns how many. */
  revoke(userId: string, clientId: string): Promise<number>
}

