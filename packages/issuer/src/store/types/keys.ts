// Signing keys and the server's own secrets (both kept as stored: plaintext
// or encrypted under the key encryption key, see keys/cipher.ts).
import type { SigningAlg } from '../../domain/types.js'

/**
 * What a key signs: `access` access tokens (and ID tokens when its
 * algorithm is RS256); `id` ID tokens only, an RS256 key kept beside an
 * access-token key of another algorithm (OpenID Connect Core §15.1).
 */
export type KeyPurpose = 'access' | 'id'

export interface KeyRecord {
  /** Insertion order, assigned by the store: a higher serial is a newer key. */
  serial: number
  kid: string
  alg: SigningAlg
  purpose: KeyPurpose
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

/** A server secret (e.g. the refresh-token derivation key), sealed like a private key. */
export interface SecretRecord {
  name: string
  /** Sealed as keys/cipher.ts does it. */
  value: string
  createdAt: number
}

export interface SecretUpdate {
  name: string
  value: string
}

export interface KeyChanges {
  insert?: NewKeyRecord[]
  update?: KeyUpdate[]
  /** Inserted only when no secret of that name exists yet. */
  insertSecrets?: SecretRecord[]
  updateSecrets?: SecretUpdate[]
}

/** Every key and secret, and the version of the key set they were read at. */
export interface KeySet {
  version: number
  keys: KeyRecord[]
  secrets: SecretRecord[]
}

export interface KeyStore {
  /** Every key, oldest first, and every secret, with the key-set version. */
  list(): Promise<KeySet>
  /** The key-set version alone: bumped by every change (cheap to poll). */
  version(): Promise<number>
  /**
   * Claims a change of the key set: applied, in one transaction, only when
   * the version is still `expectedVersion`, and the version is bumped.
   * Returns false when another writer changed the keys first (nothing written).
   * This is how a rotation happens once among several processes.
   */
  change(expectedVersion: number, changes: KeyChanges): Promise<boolean>
}
