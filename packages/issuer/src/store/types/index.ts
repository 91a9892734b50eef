// The storage interface of the issuer, split by concern. SQLite is the
// default implementation and PostgreSQL the other; both must behave the same
// (test/store/conformance.ts runs one suite against both). Every method is
// async, and every write that must be atomic is one domain operation here
// (one transaction, or one statement, inside the store), never a
// transaction handed out to callers. Times are milliseconds since the epoch.
import type { AccountStore } from './account.js'
import type { AnsweredRequestRecord, AnsweredRequestStore } from './answered-requests.js'
import type { ClientRecord, ClientStore } from './clients.js'
import type { DpopProofRecord, DpopProofStore } from './dpop-proofs.js'
import type { KeyRecord, KeyStore, SecretRecord } from './keys.js'
import type { LimitCounterRecord, LimitStore } from './limits.js'
import type { LoginThrottleStore } from './logins.js'
import type { OneTimeTokenRecord, OneTimeTokenStore } from './one-time-tokens.js'
import type { ConsentRecord, ConsentStore } from './consents.js'
import type { RefreshFamilyRecord, RefreshStore, RefreshTokenRecord } from './refresh.js'
import type { RegistrationStore } from './registrations.js'
import type { ScopeDescriptionRecord, ScopeDescriptionStore } from './scope-descriptions.js'
import type { SessionRecord, SessionStore } from './sessions.js'
import type { CodeStore } from './codes.js'
import type { UserRecord, UserStore } from './users.js'

export type * from './account.js'
export type * from './answered-requests.js'
export type * from './clients.js'
export type * from './dpop-proofs.js'
export type * from './consents.js'
export type * from './keys.js'
export type * from './limits.js'
export type * from './logins.js'
export type * from './one-time-tokens.js'
export type * from './refresh.js'
export type * from './registrations.js'
export type * from './scope-descriptions.js'
export type * from './sessions.js'
export type * from './codes.js'
export type * from './users.js'

export interface IssuerStore {
  /** `sqlite` or `postgres`. */
  readonly kind: 'sqlite' | 'postgres'
  /** Where it is, for messages: a path, or a URL without its password. */
  readonly location: string
  /** True when this open created the database (a new file, or an empty PostgreSQL database). */
  readonly created: boolean
  readonly clients: ClientStore
  readonly users: UserStore
  readonly logins: LoginThrottleStore
  readonly keys: KeyStore
  readonly sessions: SessionStore
  readonly codes: CodeStore
  readonly refresh: RefreshStore
  readonly registrations: RegistrationStore
  readonly answeredRequests: AnsweredRequestStore
  readonly oneTimeTokens: OneTimeTokenStore
  readonly limits: LimitStore
  readonly dpopProofs: DpopProofStore
  readonly consents: ConsentStore
  readonly scopeDescriptions: ScopeDescriptionStore
  readonly account: AccountStore
  /**
   * Everything worth moving to another store (`db copy`): clients with
   * their secret hashes, users, keys and secrets as stored (encrypted ones
   * stay encrypted), sessions, refresh tokens, answered sealed requests,
   * one-time tokens and limit counters. Read in one transaction.
   */
  exportAll(): Promise<StoreSnapshot>
  /**
   * Loads a snapshot into this store in one transaction. Refused with
   * ConflictError, writing nothing, when the store holds any client, user
   * or key.
   */
  importAll(snapshot: StoreSnapshot): Promise<void>
  /**
   * Writes a consistent copy of the live database to a new file at `path`
   * (SQLite's online backup API: a plain copy of a WAL database can miss
   * what is still in the WAL). A PostgreSQL store refuses with ConfigError:
   * pg_dump is its backup.
   */
  backup(path: string): Promise<void>
  /**
   * The database can be read and written (a real write), and for a file,
   * the file is still the one opened. Throws StoreUnavailableError otherwise.
   */
  ping(): Promise<void>
  close(): Promise<void>
}

/** The content of a store, as `exportAll` reads it; keys oldest first. */
export interface StoreSnapshot {
  clients: ClientRecord[]
  users: UserRecord[]
  keys: KeyRecord[]
  secrets: SecretRecord[]
  sessions: SessionRecord[]
  refreshFamilies: RefreshFamilyRecord[]
  refreshTokens: RefreshTokenRecord[]
  answeredRequests: AnsweredRequestRecord[]
  oneTimeTokens: OneTimeTokenRecord[]
  limitCounters: LimitCounterRecord[]
  /** DPoP proofs still within their window: a proof replayed on the copy is refused too. */
  dpopProofs: DpopProofRecord[]
  consents: ConsentRecord[]
  scopeDescriptions: ScopeDescriptionRecord[]
}
