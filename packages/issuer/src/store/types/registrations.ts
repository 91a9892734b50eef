// Self-registered clients (RFC 7591): their creation under the limits, the
// record of their use, and their deletion once unused. The clients live in
// the clients table (ClientRecord.registration); the limits are counted
// from those rows, in the transaction that inserts, so they hold across
// processes and machines on one database.
import type { ClientRecord } from './clients.js'

export interface RegistrationLimits {
  /** Registrations one address (its hash) may make within `addressWindowMs`. */
  perAddress: number
  addressWindowMs: number
  /** Registered clients never used (no code issued) that may exist at once, counting those younger than `unusedLifetimeMs`. */
  maxUnused: number
  /** A never-used registration older than this no longer counts (it is pruned). */
  unusedLifetimeMs: number
}

export type RegistrationOutcome =
  | { ok: true }
  /** Nothing was written; `retryAt` (ms) is when the oldest registration counted stops counting. */
  | { ok: false; limit: 'address' | 'unused'; retryAt: number }

export interface RegistrationPrunePolicy {
  /** A registered client never used is deleted this long after its registration. */
  unusedLifetimeMs: number
  /** A used one, this long after its last use. */
  idleLifetimeMs: number
}

export interface RegistrationStore {
  /**
   * Inserts `client` (whose `registration` is set) unless a limit is
   * reached at `client.createdAt`; the counts and the insert are one
   * transaction, so concurrent registrations never pass a limit together.
   */
  register(client: ClientRecord, limits: RegistrationLimits): Promise<RegistrationOutcome>
  /** Records that a code or a token was issued to a registered client now (never moves the time back). */
  recordUse(clientId: string, now: number): Promise<void>
  /** Deletes registered clients past their lifetime, with everything of theirs (as `clients.delete`); returns how many. */
  prune(now: number, policy: RegistrationPrunePolicy): Promise<number>
}
