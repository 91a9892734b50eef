// The seam between the issuer's core (services over the store, credentials
// and keys: everything the CLI and the HTTP side share) and the floors above.
// The protocol and HTTP layers depend only on these types and on `openIssuer()`.
import type { IssuerConfig } from '../config.js'
import type { IssuerObserver } from '../domain/observer.js'
import type {
  AccessTokenRequest, AuthorizationRequest, Client, CodeCheck, CodeGrantView, Health, IssuedToken, IssuerGauges, Jwks,
  LoginOutcome, RefreshCheck, RefreshGrantView, RefreshRotation, RegistrationRequest, RegistrationResult, SignedInUser, User,
} from '../domain/types.js'

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

/** Remembered consent and scope descriptions (DESIGN.md "The account page, remembered consent, ..."). */
export interface ConsentService {
  /** The scopes the user's consent covers for this client and audience (none: empty). */
  remembered(userId: string, clientId: string, audience: string): Promise<string[]>
  /** Records "Allow": the scopes are added to the consent for this client and audience. */
  remember(userId: string, clientId: string, audience: string, scopes: readonly string[]): Promise<void>
  /** Each described scope's description, by name (`scope set`). */
  scopeDescriptions(): Promise<ReadonlyMap<string, string>>
}

/** Self-registered clients (RFC 7591). */
export interface RegistrationService {
  /**
   * Registers a public client with checked metadata, from `address` (the
   * client's IP address), unless a limit is reached: then nothing is written.
   */
  register(request: RegistrationRequest, address: string): Promise<RegistrationResult>
  /** Records that a code or a token was issued to the client, when it registered itself (else nothing). */
  recordUse(client: Client): Promise<void>
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
  readonly registrations: RegistrationService
  readonly consents: ConsentService

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
   * pruning what has expired (registered clients past their lifetime too).
   */
  start(): void

  /** Stops background work and closes the database. */
  close(): Promise<void>
}
