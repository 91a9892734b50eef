// Refresh tokens (RFC 6749 §6, RFC 9700 §4.14): opaque, stored only as a
// hash, grouped in families (every token descended from one grant).
// Rotation spends a token and stores its successor in one transaction;
// revoking a family deletes it with every token in it.

export interface RefreshFamilyRecord {
  id: string
  clientId: string
  userId: string
  scopes: string[]
  audience: string
  /** Sign-in time, for tokens that come from a sign-in; null for the password grant. */
  authTime: number | null
  /** Hash of the authorization code the family was granted with, or null. */
  codeHash: string | null
  /** The DPoP key (RFC 7638 thumbprint) a public client's family is bound to from its first issuance (RFC 9449 §5), or null. */
  dpopJkt: string | null
  /** The public id of the sign-in session the family came from (OpenID Connect `sid`), or null. */
  sid: string | null
  createdAt: number
  /** Absolute end: no token of the family outlives it (TESSERA_REFRESH_MAX_TTL). */
  expiresAt: number
}

export interface RefreshTokenRecord {
  hash: string
  familyId: string
  /** 0 for the first token of a family, +1 at each rotation. */
  generation: number
  createdAt: number
  /** Idle expiry, never later than the family's. */
  expiresAt: number
  spentAt: number | null
  /** Hash of the token that replaced it, once spent. */
  successorHash: string | null
  /** The salt its successor was derived with (not secret on its own), once spent. */
  successorSalt: string | null
}

export type NewRefreshToken = Pick<RefreshTokenRecord, 'hash' | 'createdAt' | 'expiresAt'>

export interface RefreshLookup {
  token: RefreshTokenRecord
  family: RefreshFamilyRecord
  /** The token's successor as it is now (spent or not), once the token is spent; null before, or when it is gone. */
  successor: RefreshTokenRecord | null
}

export type RotateResult =
  | { outcome: 'rotated' }
  /** Not spent now: spent before, unknown, expired, or its family revoked (the lookup says which). */
  | { outcome: 'refused'; current: RefreshLookup | null }

/** The successor `rotateCurrent` stores: its expiry is the earlier of `idleExpiresAt` and its family's end. */
export interface CurrentSuccessor {
  hash: string
  salt: string
  createdAt: number
  idleExpiresAt: number
}

/** What `rotateCurrent` requires of the token's family besides being alive. */
export interface RotationExpectation {
  clientId: string
  /** The key of the request's DPoP proof (RFC 7638 thumbprint), or null: a bound family must be bound to it. */
  proofKey: string | null
}

export interface RefreshStore {
  /**
   * A new family with its first token, in one transaction. The user keeps
   * at most MAX_REFRESH_FAMILIES families of this client: those beyond the
   * newest's most recently used others (a family's last use is its newest
   * token's creation) are revoked in the same transaction, atomically
   * against concurrent grants. The code redemption (spendCode) stores its
   * family under the same rule.
   */
  insertFamily(family: RefreshFamilyRecord, token: NewRefreshToken): Promise<void>
  /** The token with its family, or null when unknown. Read only. */
  find(hash: string): Promise<RefreshLookup | null>
  /**
   * Spends `hash` and stores `successor` in one transaction, only when the
   * token is unspent, unexpired at `now` and its family alive: of any
   * number of concurrent rotations of one token, exactly one succeeds.
   * Spent tokens older than `keepSpent` generations are deleted with it.
   */
  rotate(hash: string, now: number, successor: NewRefreshToken & { salt: string }, keepSpent: number): Promise<RotateResult>
  /**
   * The refresh grant's common case in one statement or transaction (one
   * round trip): spends `hash` and stores `successor` only when the token is
   * unspent and unexpired at `now`, and its family alive, of
   * `expect.clientId`, bound to no key or to `expect.proofKey`, with at
   * least one scope. Spent tokens older than `keepSpent` generations go, as
   * in `rotate`. Returns the family, or null when any condition fails:
   * then nothing changed, and the caller takes the general path (`find`,
   * then `rotate`), which tells why.
   */
  rotateCurrent(hash: string, now: number, successor: CurrentSuccessor, keepSpent: number, expect: RotationExpectation): Promise<RefreshFamilyRecord | null>
  /** Deletes the family and every token in it; false when it was gone already. */
  revokeFamily(familyId: string): Promise<boolean>
  /** Deletes expired families (with their tokens) and families left with no live token; returns how many families went. */
  prune(now: number): Promise<number>
}
