// The seam between the issuer's core (services over the store, credentials
// and keys: everything the CLI and the HTTP side share) and the floors above.
// The protocol and HTTP layers depend only on these types and on `openIssuer()`.
import type { IssuerConfig } from '../config.js'
import type { IssuerObserver } from '../domain/observer.js'
import type {
  AccessTokenRequest, AuthorizationRequest, Client, CodeCheck, CodeGrantView, Health, IdTokenRequest, IssuedToken, IssuerGauges,
  Jwks, LoginOutcome, ProofKey, RefreshCheck, RefreshGrantView, RefreshRotation, RegistrationRequest, RegistrationResult, SignedInUser,
  User, UserProfile,
} from '../domain/types.js'

/** A sealed pending request that opened: the checked request, the seal's expiry, and the seal's hash. */
export interface OpenedRequest {
  request: AuthorizationRequest
  expiresAt: number
  hash: string
}

/** The sign-in page's state: sealed pending requests, sessions, codes. */
export interface SignInService {
  /**
   * Seals a checked request into the page's form (10 minutes), bound to the
   * browser (`binding`: CsrfService.binding of its anti-CSRF cookie). Writes nothing.
   */
  sealRequest(request: AuthorizationRequest, binding: string): string
  /** The sealed request, or null when it does not open, has expired, or was sealed for another browser. */
  openRequest(sealed: string, binding: string): OpenedRequest | null
  /**
   * Records the opened request as answered with a code: true for the one
   * caller that did (of two concurrent answers to one page, on any number
   * of processes, only one may get a code).
   */
  markAnswered(opened: OpenedRequest): Promise<boolean>
  /**
   * Starts a session for a user whose password was just checked; returns the
   * cookie value, its end, the sign-in time (`authTime`, default now on the
   * core's clock) and the session's public id (`sid`, unrelated to the cookie value).
   */
  startSession(user: User, authTime?: number): Promise<{ id: string; expiresAt: number; authTime: number; sid: string }>
  /** The session's user, or null when unknown, expired or the user is gone. */
  session(id: string): Promise<SignedInUser | null>
  endSession(id: string): Promise<void>
}

/** The anti-CSRF cookie and tokens of the issuer's forms, bound to a server key (core/csrf.ts). */
export interface CsrfService {
  /** Max-Age of the cookie, seconds. */
  readonly cookieMaxAge: number
  /** The browser's cookie when it still verifies (made under our key, not expired), else a new one to set (`fresh`). */
  cookieFor(existing: string | undefined): { value: string; fresh: boolean }
  /** The token a form for `purpose` carries, for this cookie. */
  token(cookie: string, purpose: string): string
  /** True when the cookie verifies and the token was made for it and this purpose; constant time. */
  tokenValid(cookie: string | undefined, purpose: string, token: string | undefined): boolean
  /** A fixed-size hash of the cookie: what a sealed request is bound to. */
  binding(cookie: string): string
}

/** A sign-up form's values (DESIGN.md, "Accounts"). */
export interface SignUpInput {
  username: string
  /** Required when e-mail is on, ignored otherwise. */
  email?: string
  password: string
}

/** The password rules of the pages (credentials/password-rules.ts), as refusals. */
export type PasswordRefusal = 'password_too_short' | 'password_too_long' | 'password_personal' | 'password_common'

/** Each refusal rule of sign-up: one message each on the page. */
export type SignUpRule =
  | 'username_invalid' | 'username_taken'
  | 'email_missing' | 'email_invalid' | 'email_taken' | 'email_is_username'
  | PasswordRefusal

export type SignUpResult =
  /** Created. `verification`: the token to mail to `to` (e-mail on). */
  | { ok: true; user: User; verification: { to: string; token: string } | null }
  | { ok: false; rule: SignUpRule }
  /** A limit: 429 with Retry-After, nothing created. */
  | { ok: false; rule: 'limited'; retryAfter: number }

export type ResetResult =
  | { ok: true; username: string }
  | { ok: false; rule: PasswordRefusal | 'invalid_token' }

/** People's own accounts: sign-up, address verification, password reset (DESIGN.md, "Accounts"). */
export interface AccountService {
  /** True when TESSERA_SMTP_URL is set. */
  readonly mailEnabled: boolean
  /**
   * Creates the account under every rule and limit (per client address,
   * its /64 for IPv6, and in all). Throws BusyError when admission control
   * refuses the argon2 computation.
   */
  signUp(input: SignUpInput, clientAddress: string): Promise<SignUpResult>
  /** A verification token (24 h) for `address`, the user's address or pending address. */
  newVerification(userId: string, address: string): Promise<string>
  /** The live verification token's username and address, without spending it; null when it no longer confirms anything. */
  verification(token: string): Promise<{ username: string; address: string } | null>
  /** Spends the token and marks its address verified; false for an unknown, expired, used or voided token. */
  confirmEmail(token: string): Promise<boolean>
  /** Counts a forgot-password request of this client address; false past the limit (then nothing is sent). */
  forgotAllowed(clientAddress: string): Promise<boolean>
  /**
   * For "Forgot your password?", after the answer: the account the value
   * names, when its address is verified and its message limit allows, with
   * a new reset token (older ones voided); else null.
   */
  prepareReset(login: string): Promise<{ to: string; username: string; token: string } | null>
  /** The live reset token's username, without spending it; else null. */
  resetAccount(token: string): Promise<{ username: string } | null>
  /**
   * Sets the password under the sign-up rules, spending the token: ends
   * every session, revokes every refresh token, clears the failure count
   * and lock. Throws BusyError as signUp does.
   */
  resetPassword(token: string, password: string): Promise<ResetResult>
}

/** A person as the account page shows them (DESIGN.md "The account page"). */
export interface AccountProfile {
  userId: string
  username: string
  email: string | null
  emailVerified: boolean
  /** A new address waiting for its link to be used, or null. */
  emailPending: string | null
  name: string | null
}

/** An app that holds access: a consent or a live refresh token. */
export interface ConnectedApp {
  clientId: string
  /** Its `--name`, or its id when it has none. */
  name: string
  /** What the consents and live refresh tokens cover, sorted. */
  scopes: string[]
  /** The earliest consent or live refresh token, ms. */
  since: number
}

/** Each refusal rule of a change of address: one message each on the page. */
export type EmailChangeRule = 'email_missing' | 'email_invalid' | 'email_taken' | 'email_is_username' | 'email_unchanged'

/** A message the account page leaves for after its answer: a verification link, or a notice to the old address. */
export interface AccountMail {
  to: string
  username: string
  /** The verification token (a link to `to`), or none for a notice. */
  token: string | null
  /** The new address, for the notice to the old one. */
  newAddress?: string
}

/**
 * The account page (DESIGN.md "The account page, remembered consent, scope
 * descriptions and branding"): what a signed-in person sees and changes of
 * their own account. Passwords are checked by the caller first, exactly as
 * at sign-in (IssuerCore.checkUserPassword).
 */
export interface AccountPageService {
  /** The person, or null when the account is gone. */
  profile(userId: string): Promise<AccountProfile | null>
  /** Every app with a consent or a live refresh token of the user, oldest first. */
  connectedApps(userId: string): Promise<ConnectedApp[]>
  /** "Remove access": the app's consents, refresh tokens and unspent codes for this user go (one transaction). */
  removeAccess(userId: string, clientId: string): Promise<boolean>
  /** Sets the display name (empty removes it); false when the value breaks the rule (at most 200 characters, no control characters). */
  setDisplayName(userId: string, value: string): Promise<boolean>
  /** The sign-up rule a new password breaks, or null. */
  newPasswordProblem(profile: AccountProfile, password: string): PasswordRefusal | null
  /**
   * Sets the password (argon2id, under admission control: BusyError), ends
   * every session of the user but `keepSessionId`, revokes their refresh
   * tokens and codes. False when the user is gone.
   */
  changePassword(userId: string, keepSessionId: string, password: string): Promise<boolean>
  /** The normalised new address, or the rule it breaks. */
  checkNewEmail(profile: AccountProfile, value: string): Promise<{ ok: true; address: string } | { ok: false; rule: EmailChangeRule }>
  /**
   * Holds `address` as pending and makes its verification link; with a
   * verified current address, a notice to it too. Null when the user is gone.
   */
  requestEmailChange(userId: string, address: string): Promise<AccountMail[] | null>
  /**
   * "Send the link again": a new link to the pending address, else to the
   * unconfirmed address, within the reset limits (per account and per
   * client address, an hour); null when there is nothing to confirm or a limit is reached.
   */
  resendVerification(userId: string, clientAddress: string): Promise<AccountMail | null>
  /** Ends every session of the user and revokes every refresh token (as `user sign-out`). */
  signOutEverywhere(username: string): Promise<void>
  /** Deletes the user with their sessions, consents and refresh tokens (as `user delete`); false when gone already. */
  deleteAccount(username: string): Promise<boolean>
}

/** Authorization codes: issued by the sign-in page, redeemed at the token endpoint. */
export interface CodeService {
  /** Issues a code (60 s, single use) for an allowed request and the granted scopes. */
  issue(request: AuthorizationRequest, user: SignedInUser, scopes: string[]): Promise<string>
  /**
   * Checks a presented code (RFC 6749 §4.1.3, RFC 7636 §4.6) without
   * spending it. A code spent before is a replay: what was issued from it
   * is revoked now (RFC 6749 §4.1.2). A code bound by `dpop_jkt` needs a
   * proof with that key (`proofKey`; RFC 9449 §10).
   */
  check(code: string, client: Client, redirectUri: string | undefined, verifier: string | undefined, proofKey: ProofKey): Promise<CodeCheck>
  /**
   * Spends the code atomically (one of concurrent redemptions wins) and,
   * with `withRefreshToken`, stores a refresh token family in the same
   * transaction, bound to `proofKey` for a public client (RFC 9449 §5).
   * Null when it was spent meanwhile (then treated as a replay).
   */
  redeem(code: string, client: Client, grant: CodeGrantView, withRefreshToken: boolean, proofKey: ProofKey): Promise<{ refreshToken: string | null } | null>
}

export interface RefreshTokenService {
  /** A new family for a password or code grant; returns its first token. A public client's family is bound to `proofKey`. */
  issue(client: Client, userId: string, scopes: string[], audience: string, authTime: number | null, proofKey: ProofKey): Promise<string>
  /**
   * Checks a presented token for `client` before anything is spent (a replay
   * revokes its family now). A family bound to a DPoP key is checked first:
   * another key or none is refused and changes nothing, never a replay.
   */
  check(token: string, client: Client, proofKey: ProofKey): Promise<RefreshCheck>
  /**
   * Rotates (RFC 9700 §4.14.2): spends the token, answers its successor;
   * within the reuse grace, the same successor again. `grant` is what
   * `check` returned for it.
   */
  rotate(token: string, client: Client, grant: RefreshGrantView): Promise<RefreshRotation>
  /**
   * `check` and `rotate` at once, in one store round trip, for a request
   * that can fail on nothing after them (no `scope`, `resource` or
   * `audience` asked): the token unspent and unexpired, of `client`, its
   * family alive, bound to no key or to `proofKey`, with a scope at least.
   * Resolves the grant and the successor; null when any of that does not
   * hold, with nothing changed: then `check` and `rotate` say why.
   */
  rotateCurrent(token: string, client: Client, proofKey: ProofKey): Promise<{ grant: RefreshGrantView; refreshToken: string } | null>
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

/** What DPoP (RFC 9449) needs of the core; the proof checks are the protocol's (oauth/dpop/). */
export interface DpopService {
  /** The server secret nonces are made under (§8): the same in every process on the store. */
  readonly nonceKey: Buffer
  /** Now on the core's clock, ms. */
  now(): number
  /**
   * Records an accepted proof's `jti` (as a hash) until `expiresAt`: true
   * the first time, false when it was seen before, by any process on the store.
   */
  recordProof(jti: string, expiresAt: number): Promise<boolean>
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
  /** The core's clock, ms (injected in tests). */
  now(): number
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
   * failed-login throttle (per account when the value names one by username
   * or verified address, else per normalised value; per device for a
   * browser whose device cookie names the account; state in the database): the attempt is counted before the password is
   * checked; a locked username is refused before any hashing, even with the
   * right password; unknown user and wrong password cost the same.
   * A username over 256 characters is invalid_grant with nothing hashed,
   * counted or stored. Throws BusyError when admission control refuses the
   * argon2 computation.
   */
  checkUserPassword(username: string, password: string, device?: { cookie: string | undefined }): Promise<LoginOutcome>

  /** The device cookie's new value once `userId` signed in (or signed up) on this browser (DESIGN.md, "Accounts"). */
  rememberDevice(cookie: string | undefined, userId: string): string

  /** Signs an RFC 9068 access token with the key that signs now. Synchronous: no I/O. */
  issueAccessToken(request: AccessTokenRequest): IssuedToken

  /**
   * Signs an OpenID Connect ID token (Core §2, §3.1.3.6) with the RS256 key
   * that signs ID tokens now: header `{alg: "RS256", kid, typ: "JWT"}`.
   * Synchronous: no I/O.
   */
  issueIdToken(request: IdTokenRequest): string

  /** The user's identity claims' source (OpenID Connect Core §5.1), or null when the user is gone. */
  userProfile(userId: string): Promise<UserProfile | null>

  readonly signIn: SignInService
  readonly csrf: CsrfService
  readonly codes: CodeService
  readonly refreshTokens: RefreshTokenService
  readonly registrations: RegistrationService
  readonly accounts: AccountService
  readonly dpop: DpopService
  readonly consents: ConsentService
  readonly accountPage: AccountPageService

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
