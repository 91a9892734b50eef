// The seam between the issuer's core (storage, credentials, keys, admin
// services: everything the CLI and the HTTP side share) and its HTTP layer.
// The HTTP layer depends only on these types and on `openIssuer()`.

export type GrantType = 'client_credentials' | 'password'
export const GRANT_TYPES: readonly GrantType[] = ['client_credentials', 'password']

export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA'
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'PS256', 'ES256', 'EdDSA']

/** Milliseconds since the epoch. Injected so that tests can drive time. */
export type Clock = () => number

export interface IssuerConfig {
  /** Where `serve` listens. Default 127.0.0.1. */
  host: string
  /** Default 8080. 0 picks a free port (tests). */
  port: number
  /**
   * The issuer identifier: an origin, no path, no trailing slash. `iss` equals
   * it byte for byte. The core reads it at each use (never copies it at open):
   * `serve` on port 0 without an explicit issuer sets it to
   * `http://localhost:<bound port>` right after listening.
   */
  issuer: string
  /** True when the issuer came from TESSERA_ISSUER / --issuer, false when defaulted from the port. */
  issuerExplicit: boolean
  /** SQLite file; created with its folder. Default ./data/tessera.db */
  dbPath: string
  /** Algorithm of new signing keys. Default RS256. */
  signingAlg: SigningAlg
  /** 32 bytes, or null: private keys are then stored in plaintext. */
  keyEncryptionKey: Buffer | null
  /** Seconds in the JWKS `Cache-Control: public, max-age`. Default 300. */
  jwksMaxAge: number
  /** Automatic rotation interval in days, or null for none. */
  keyRotationDays: number | null
  /** Upper bound of any token lifetime, seconds. Default 3600. */
  maxTtl: number
}

/** A registered client as the token endpoint sees it (never its secret). */
export interface Client {
  /** Stable id, e.g. `tc_…`; never begins with `-`; disjoint from user ids. */
  id: string
  name: string
  grants: GrantType[]
  /** Scopes the client may be granted. */
  scopes: string[]
  /** Allowed audiences (RFC 8707 resources); the first is the default `aud`. */
  audiences: string[]
  /** Effective token lifetime in seconds: the client's `--ttl` (default 900), capped at maxTtl. */
  ttl: number
}

export interface User {
  /** Stable id, e.g. `tu_…`; the `sub` of its tokens; disjoint from client ids. */
  id: string
  /** Normalised username (NFC, lower case). */
  username: string
  scopes: string[]
}

/** What the token endpoint asks the core to sign (RFC 9068 §2.2). */
export interface AccessTokenRequest {
  sub: string
  clientId: string
  audience: string
  scopes: string[]
  /** Lifetime in seconds (already capped). */
  ttl: number
}

export interface IssuedToken {
  accessToken: string
  expiresIn: number
}

/** Outcome of a password check against the failed-login throttle. */
export type LoginOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid_grant' }
  | { ok: false; reason: 'locked'; retryAfter: number }

/**
 * Thrown by `checkUserPassword` when too many argon2 computations are in
 * flight and queued: the HTTP layer answers 503 with `Retry-After`.
 */
export class BusyError extends Error {
  readonly code = 'busy'
  constructor(readonly retryAfter: number) {
    super('too many password checks in flight')
    this.name = 'BusyError'
  }
}

export interface Jwks {
  keys: Array<Record<string, unknown>>
}

export interface Health {
  ok: boolean
  /** A short reason when not ok, safe to show. */
  reason?: string
}

/**
 * The running issuer core. Open it with `openIssuer(config, { clock })`.
 * Every method that can touch the database is async, so a network database
 * fits behind the same interface.
 */
export interface IssuerCore {
  readonly config: IssuerConfig

  /**
   * RFC 6749 §2.3.1: the client whose id and secret match, else null.
   * Unknown client and wrong secret cost the same (dummy verification) and
   * compare in constant time. A previous secret within its grace period matches too.
   * Throws BusyError only for a client whose stored hash is argon2id (an
   * imported secret), when admission control refuses the computation.
   */
  authenticateClient(clientId: string, clientSecret: string): Promise<Client | null>

  /**
   * The password grant's user check, with the failed-login throttle
   * (per normalised username, existing or not, state in the database):
   * a locked username is refused before any hashing, even with the right
   * password; a failure is counted; unknown user and wrong password cost the same.
   * Throws BusyError when admission control refuses the argon2 computation.
   */
  checkUserPassword(username: string, password: string): Promise<LoginOutcome>

  /** Signs an RFC 9068 access token with the key that signs now. Synchronous: no I/O. */
  issueAccessToken(request: AccessTokenRequest): IssuedToken

  /** The published keys (RFC 7517), public members only; cheap (cached). */
  jwks(): Jwks

  /** The union of all clients' scopes, sorted (RFC 8414 scopes_supported). */
  scopesSupported(): Promise<string[]>

  /** Database usable and a signing key available. */
  health(): Promise<Health>

  /**
   * Starts background work: reloading keys changed by the CLI or another
   * process (at most every few seconds, well within 5 s), promoting pending
   * keys when their time comes, automatic rotation when configured.
   */
  start(): void

  /** Stops background work and closes the database. */
  close(): Promise<void>
}
