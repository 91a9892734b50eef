// The storage interface of the issuer. SQLite is the default implementation;
// a network database (PostgreSQL) must fit behind the same shapes, so every
// method is async and every write that must be atomic is one domain
// operation here (done in one transaction inside the store), never a
// transaction handed out to callers. Times are milliseconds since the epoch.

import type { GrantType, SigningAlg } from '../core/types.js'

export interface ClientRecord {
  id: string
  name: string
  grants: GrantType[]
  scopes: string[]
  audiences: string[]
  /** The client's configured token lifetime in seconds (capped at use, not here). */
  ttl: number
  /** Self-describing hash string of the current secret. */
  secretHash: string
  /** Hash of the previous secret while its grace period lasts, else null. */
  previousSecretHash: string | null
  /** End of the previous secret's grace period, or null. */
  previousSecretExpiresAt: number | null
  createdAt: number
  updatedAt: number
}

/** Fields an update may change; absent fields keep their value. */
export interface ClientChanges {
  name?: string
  grants?: GrantType[]
  scopes?: string[]
  audiences?: string[]
  ttl?: number
}

export interface UserRecord {
  id: string
  /** Normalised (NFC, lower case); unique. */
  username: string
  scopes: string[]
  passwordHash: string
  createdAt: number
  updatedAt: number
}

export interface KeyRecord {
  /** Insertion order, assigned by the store: a higher serial is a newer key. */
  serial: number
  kid: string
  alg: SigningAlg
  /** The public JWK as JSON text (public members only). */
  publicJwk: string
  /** The private key as stored: plaintext or encrypted (see keys/cipher.ts). */
  privateKey: string
  createdAt: number
  /** When the key may start signing. */
  activatesAt: number
  /** When the key was retired (stops signing), or null. */
  retiredAt: number | null
  /** When the key was removed from the JWKS at once (`retire --now`), or null. */
  removedAt: number | null
}

export type NewKeyRecord = Omit<KeyRecord, 'serial'>

export interface KeyUpdate {
  kid: string
  activatesAt?: number
  retiredAt?: number
  removedAt?: number
  privateKey?: string
}

export interface KeyChanges {
  insert?: NewKeyRecord[]
  update?: KeyUpdate[]
}

/** Every key and the version of the key set they were read at. */
export interface KeySet {
  version: number
  keys: KeyRecord[]
}

/** The failed-login policy the store applies atomically. */
export interface ThrottlePolicy {
  /** Failures allowed within the window before the username locks. */
  maxFailures: number
  windowMs: number
  /** How long a lock lasts from the failure that set it. */
  lockMs: number
}

export interface LockState {
  /** Locked until this time, or null when not locked at `now`. */
  lockedUntil: number | null
}

export interface IssuerStore {
  // Clients
  getClient(id: string): Promise<ClientRecord | null>
  listClients(): Promise<ClientRecord[]>
  /** Fails with ConflictError when the id exists. */
  insertClient(client: ClientRecord): Promise<void>
  /** Applies the changes; returns the updated record, or null when the client does not exist. */
  updateClient(id: string, changes: ClientChanges, now: number): Promise<ClientRecord | null>
  /**
   * Replaces the secret hash; the old hash stays valid until
   * `previousExpiresAt` (null: invalid at once). False when no such client.
   */
  rotateClientSecret(id: string, secretHash: string, previousExpiresAt: number | null, now: number): Promise<boolean>
  deleteClient(id: string): Promise<boolean>
  /** The union of every client's scopes, sorted. */
  allClientScopes(): Promise<string[]>

  // Users
  getUserByUsername(username: string): Promise<UserRecord | null>
  listUsers(): Promise<UserRecord[]>
  /** Fails with ConflictError when the username is taken. */
  insertUser(user: UserRecord): Promise<void>
  setUserPassword(username: string, passwordHash: string, now: number): Promise<boolean>
  deleteUser(username: string): Promise<boolean>

  // Failed-login throttle, per normalised username (existing or not)
  /** The lock state of `username` at `now` (read only). */
  loginLockState(username: string, now: number): Promise<LockState>
  /** Counts one failure and returns the lock state after it, in one transaction. */
  recordLoginFailure(username: string, now: number, policy: ThrottlePolicy): Promise<LockState>
  /** Forgets the failures of `username` (after a successful login). */
  clearLoginFailures(username: string): Promise<void>
  /**
   * Deletes the failure records that no longer matter at `now` (window over,
   * no lock in force), so that sprayed usernames do not grow the database.
   * Returns how many were deleted.
   */
  pruneLoginFailures(now: number, policy: ThrottlePolicy): Promise<number>

  // Signing keys
  /** Every key, oldest first, with the key-set version. */
  listKeys(): Promise<KeySet>
  /** The key-set version alone: bumped by every key change (cheap to poll). */
  keysVersion(): Promise<number>
  /**
   * Claims a change of the key set: applied, in one transaction, only when
   * the version is still `expectedVersion`, and the version is bumped.
   * Returns false when another writer changed the keys first (nothing written).
   * This is how a rotation happens once among several processes.
   */
  changeKeys(expectedVersion: number, changes: KeyChanges): Promise<boolean>

  /** The database answers. */
  ping(): Promise<void>
  close(): Promise<void>
}
