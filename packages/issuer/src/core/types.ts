// The seam between the issuer's core (storage, credentials, keys, admin
// services: everything the CLI and the HTTP side share) and its HTTP layer.
// The HTTP layer depends only on these types and on `openIssuer()`.
import type { IssuerObserver } from './observer.js'

export type GrantType = 'client_credentials' | 'password' | 'authorization_code' | 'refresh_token'
export const GRANT_TYPES: readonly GrantType[] = ['client_credentials', 'password', 'authorization_code', 'refresh_token']
/** The only grants a public client (no secret) may hold (DESIGN.md, "Apps acting for people"). */
export const PUBLIC_CLIENT_GRANTS: readonly GrantType[] = ['authorization_code', 'refresh_token']

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
  /** Seconds a sign-in session lasts (absolute). Default 43200. */
  sessionTtl: number
  /** Seconds an unused refresh token lives. Default 1209600 (14 days). */
  refreshIdleTtl: number
  /** Seconds no refresh token outlives its family's first grant by. Default 7776000 (90 days). */
  refreshMaxTtl: number
  /** Seconds in which a just-rotated refresh token may be presented again; 0: never. Default 10. */
  refreshReuseGrace: number
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
  /** No secret: authenticates with `client_id` alone (RFC 6749 §2.1, `token_endpoint_auth_method` none). */
  public: boolean
  /** Registered redirect URIs (RFC 6749 §3.1.2). */
  redirectUris: string[]
  /** First-party: no consent page within a sign-in session. */
  skipConsent: boolean
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
  /** The sign-in time (ms) for tokens that come from a sign-in (RFC 9068 §2.2.1 auth_time), else undefined. */
  authTime?: number
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

export interface IssuerGauges {
  argon2InFlight: number
  argon2Queued: number
  /** Seconds since the signing key began to sign, or null when none signs. */
  signingKeyAgeSeconds: number | null
  publishedKeys: number
}

export interface Jwks {
  keys: Array<Record<string, unknown>>
}

export interface Health {
  ok: boolean
  /** A short reason when not ok, safe to show. */
  reason?: string
}

/** An authorization request once every check of DESIGN.md's order has passed: what the sign-in page answers. */
export interface AuthorizationRequest {
  clientId: string
  /**
   * Where the answer goes (RFC 6749 §3.1.2): the URI as sent, which matched a
   * registered one (for a loopback URI, on the port sent: RFC 8252 §7.3), or
   * the only registered one when `redirect_uri` was omitted.
   */
  redirectUri: string
  /** `redirect_uri` as sent, or null when omitted: the code is bound to it (RFC 6749 §4.1.3). */
  redirectUriSent: string | null
  /** The scopes asked for (every scope of the client when omitted), each allowed for the client. */
  scopes: string[]
  /**
   * False when `scope` was omitted: then the grant is the client's scopes
   * that the user has (as for the password grant); when true, a scope asked
   * for that the user lacks is invalid_scope (DESIGN.md, "Granted scopes").
   */
  scopeRequested: boolean
  state: string | null
  /** RFC 7636 §4.2 S256 challenge. */
  codeChallenge: string
  /** The token's audience (RFC 8707), one of the client's. */
  audience: string
  prompt: 'login' | 'none' | 'consent' | null
}

/** The person of a live sign-in session. */
export interface SignedInUser {
  userId: string
  username: string
  scopes: string[]
  /** When they entered their password, ms. */
  authTime: number
}

/** The sign-in page's state: pending requests, sessions, codes. */
export interface SignInService {
  /** Keeps a checked request for the page (10 minutes); returns the opaque reference the form carries. */
  holdRequest(request: AuthorizationRequest): Promise<string>
  /** The request a reference names, or null when unknown or expired. */
  pendingRequest(reference: string): Promise<AuthorizationRequest | null>
  /**
   * Takes the request off the page: true for the one caller that did (of
   * two concurrent answers to one page, only one may be answered).
   */
  dropRequest(reference: string): Promise<boolean>
  /**
   * Starts a session for a user whose password was just checked; returns the
   * cookie value, its end, and the sign-in time (`authTime`, default now on
   * the core's clock).
   */
  startSession(user: User, authTime?: number): Promise<{ id: string; expiresAt: number; authTime: number }>
  /** The session's user, or null when unknown, expired or the user is gone. */
  session(id: string): Promise<SignedInUser | null>
  endSession(id: string): Promise<void>
  /** Issues a code (60 s, single use) for an allowed request and the granted scopes. */
  issueCode(request: AuthorizationRequest, user: SignedInUser, scopes: string[]): Promise<string>
}

/** What a code grants, once the code, its client, redirect URI and verifier have been checked. */
export interface CodeGrantView {
  userId: string
  scopes: string[]
  audience: string
  authTime: number
}

export type CodeCheck =
  | { ok: true; grant: CodeGrantView }
  /** Unknown, expired, another client's, or a wrong redirect URI or verifier: all one answer (invalid_grant). */
  | { ok: false; replayed: boolean }

export interface CodeService {
  /**
   * Checks a presented code (RFC 6749 §4.1.3, RFC 7636 §4.6) without
   * spending it. A code spent before is a replay: what was issued from it
   * is revoked now (RFC 6749 §4.1.2).
   */
  check(code: string, client: Client, redirectUri: string | undefined, verifier: string | undefined): Promise<CodeCheck>
  /**
   * Spends the code atomically (one of concurrent redemptions wins) and,
   * with `withRefreshToken`, stores a refresh token family in the same
   * transaction. Null when it was spent meanwhile (then treated as a replay).
   */
  redeem(code: string, client: Client, grant: CodeGrantView, withRefreshToken: boolean): Promise<{ refreshToken: string | null } | null>
}

/** A refresh token family as the token endpoint sees it. */
export interface RefreshGrantView {
  familyId: string
  userId: string
  scopes: string[]
  audience: string
  authTime: number | null
  /** The family's absolute end (TESSERA_REFRESH_MAX_TTL after its first grant), ms. */
  expiresAt: number
}

export type RefreshCheck =
  | { ok: true; grant: RefreshGrantView }
  | { ok: false; reason: 'invalid' }
  /** A spent token presented outside the reuse grace: the family was revoked now. */
  | { ok: false; reason: 'replayed'; familyId: string }

export type RefreshRotation =
  /** `reused`: a retry within the grace, answered with the same successor. */
  | { ok: true; refreshToken: string; reused: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'replayed'; familyId: string }

export interface RefreshTokenService {
  /** A new family for a password or code grant; returns its first token. */
  issue(client: Client, userId: string, scopes: string[], audience: string, authTime: number | null): Promise<string>
  /** Checks a presented token for `client` before anything is spent (a replay revokes its family now). */
  check(token: string, client: Client): Promise<RefreshCheck>
  /**
   * Rotates (RFC 9700 §4.14.2): spends the token, answers its successor;
   * within the reuse grace, the same successor again. `grant` is what
   * `check` returned for it.
   */
  rotate(token: string, client: Client, grant: RefreshGrantView): Promise<RefreshRotation>
  /** RFC 7009: revokes the token's family when it is this client's; false when nothing was revoked. */
  revoke(token: string, client: Client): Promise<{ revoked: boolean; familyId?: string }>
}

/**
 * The running issuer core. Open it with `openIssuer(config, { clock })`.
 * Every method that can touch the database is async, so a network database
 * fits behind the same interface; a database failure rejects with
 * StoreUnavailableError (the HTTP layer's 503).
 */
export interface IssuerCore {
  readonly config: IssuerConfig
  /** Where the HTTP layer reports what happened (metrics); does nothing unless one was given to openIssuer. */
  readonly observer: IssuerObserver
  /** Gauges read when metrics are scraped: argon2 computations in flight, the signing key's age, published keys. */
  gauges(): IssuerGauges

  /**
   * RFC 6749 §2.3.1: the client whose id and secret match, else null. A
   * public client matches with no secret (`secret` undefined) and never
   * with one; a confidential client never without. Unknown client and wrong
   * secret cost the same (a dummy record goes the same way) and compare in
   * constant time. A previous secret within its grace period matches too.
   * Throws BusyError only for a client whose stored hash is argon2id (an
   * imported secret), when admission control refuses the computation.
   */
  authenticateClient(clientId: string, clientSecret: string | undefined): Promise<Client | null>

  /** The client with this id, without authenticating it (the authorization endpoint), or null. */
  findClient(clientId: string): Promise<Client | null>

  /**
   * The user check of the password grant and the sign-in page, with the
   * failed-login throttle (per normalised username, existing or not, state
   * in the database): the attempt is counted before the password is
   * checked; a locked username is refused before any hashing, even with the
   * right password; unknown user and wrong password cost the same.
   * A username over 256 characters is invalid_grant with nothing hashed,
   * counted or stored. Throws BusyError when admission control refuses the
   * argon2 computation.
   */
  checkUserPassword(username: string, password: string): Promise<LoginOutcome>

  /** Signs an RFC 9068 access token with the key that signs now. Synchronous: no I/O. */
  issueAccessToken(request: AccessTokenRequest): IssuedToken

  readonly signIn: SignInService
  readonly codes: CodeService
  readonly refreshTokens: RefreshTokenService

  /** The published keys (RFC 7517), public members only; cheap (cached). */
  jwks(): Jwks

  /** The union of all clients' scopes, sorted (RFC 8414 scopes_supported). */
  scopesSupported(): Promise<string[]>

  /** Database usable (read and written, the file still the one opened) and a signing key available. */
  health(): Promise<Health>

  /**
   * Starts background work: reloading keys changed by the CLI or another
   * process (at most every few seconds, well within 5 s), promoting pending
   * keys when their time comes, automatic rotation when configured, and
   * pruning what has expired.
   */
  start(): void

  /** Stops background work and closes the database. */
  close(): Promise<void>
}
