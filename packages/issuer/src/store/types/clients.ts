// Clients: the registered applications (RFC 6749 §2).
import type { ClientBasics, GrantType } from '../../domain/types.js'

export interface ClientRecord extends ClientBasics {
  /** The client's configured token lifetime in seconds (capped at use, not here). */
  ttl: number
  /** Self-describing hash string of the current secret; null for a public client (RFC 6749 §2.1). */
  secretHash: string | null
  /** Hash of the previous secret while its grace period lasts, else null. */
  previousSecretHash: string | null
  /** End of the previous secret's grace period, or null. */
  previousSecretExpiresAt: number | null
  /** A first-party client: no consent page within a sign-in session. */
  skipConsent: boolean
  createdAt: number
  updatedAt: number
  /** Set for a client that registered itself (RFC 7591); null for one an operator created. */
  registration: ClientRegistration | null
}

/** What is kept of a self-registration (RFC 7591), for its limits and its deletion. */
export interface ClientRegistration {
  /** Fixed-size keyed hash of the registering address (IPv6 by its /64), never the address. */
  addressHash: string
  /** The last time a code or a token was issued to the client, ms; null: never used. */
  lastUsedAt: number | null
}

/** Fields an update may change; absent fields keep their value. */
export interface ClientChanges {
  name?: string
  grants?: GrantType[]
  scopes?: string[]
  audiences?: string[]
  ttl?: number
  redirectUris?: string[]
  skipConsent?: boolean
  dpopBoundAccessTokens?: boolean
  postLogoutRedirectUris?: string[]
}

export interface ClientStore {
  get(id: string): Promise<ClientRecord | null>
  list(): Promise<ClientRecord[]>
  /** Fails with ConflictError when the id exists. */
  insert(client: ClientRecord): Promise<void>
  /** Applies the changes; returns the updated record, or null when the client does not exist. */
  update(id: string, changes: ClientChanges, now: number): Promise<ClientRecord | null>
  /**
   * Replaces the secret hash; the old hash stays valid until
   * `previousExpiresAt` (null: invalid at once). False when no such client.
   */
  rotateSecret(id: string, secretHash: string, previousExpiresAt: number | null, now: number): Promise<boolean>
  /**
   * Deletes the client with, in the same transaction, its pending
   * authorization requests, its codes and its refresh tokens.
   */
  delete(id: string): Promise<boolean>
  /** The union of every client's scopes, sorted. */
  allScopes(): Promise<string[]>
}
