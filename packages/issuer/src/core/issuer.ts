// The running issuer core behind the HTTP layer (see IssuerCore in types.ts):
// the services it is made of, token signing, and the background work.
import type { Admission } from '../credentials/admission.js'
import { LOGIN_THROTTLE } from '../credentials/throttle.js'
import { newTokenId } from '../credentials/ids.js'
import type { KeyManager } from '../keys/manager.js'
import type { KeyRing } from '../keys/keyring.js'
import { planMaintenance } from '../keys/rotation.js'
import { accessKeys, signingKeyAt } from '../keys/timeline.js'
import type { IssuerStore } from '../store/types/index.js'
import { ClientDirectory } from './clients.js'
import { Accounts } from './accounts.js'
import { AccountPage } from './account-page.js'
import { Codes } from './codes.js'
import { Csrf } from './csrf.js'
import { DpopState } from './dpop.js'
import { PasswordCheck } from './passwords.js'
import { RefreshTokens } from './refresh-tokens.js'
import { REGISTRATION_KEY_NAME, Registrations } from './registrations.js'
import { Consents } from './consents.js'
import { SignIn } from './sign-in.js'
import type { IssuerObserver } from '../domain/observer.js'
import type {
  AccessTokenRequest, Client, Clock, Health, IdTokenRequest, IssuedToken, IssuerGauges, Jwks, LoginOutcome, UserProfile,
} from '../domain/types.js'
import { identityClaims } from './identity-claims.js'
import type { IssuerConfig } from '../config.js'
import type { IssuerCore } from './types.js'

/** How often the background work deletes what has expired. */
const PRUNE_INTERVAL_MS = 60_000
/** Spent codes are kept this long past their expiry, so that a replay is still recognised (RFC 6749 §4.1.2). */
const CODE_RETENTION_MS = 60 * 60_000

export interface IssuerParts {
  config: IssuerConfig
  clock: Clock
  store: IssuerStore
  keys: KeyManager
  ring: KeyRing
  admission: Admission
  /** The server secret refresh-token successors are derived with. */
  refreshKey: Buffer
  /** The server secret sign-in pages' pending requests are sealed with. */
  requestKey: Buffer
  /** The server secret anti-CSRF cookies and tokens are made with. */
  csrfKey: Buffer
  /** The server secret device cookies are signed with. */
  deviceKey: Buffer
  /** The server secret DPoP nonces are made under. */
  dpopNonceKey: Buffer
  observer: IssuerObserver
  pollIntervalMs: number
  onError: (err: Error) => void
}

export class Issuer implements IssuerCore {
  readonly config: IssuerConfig
  readonly observer: IssuerObserver
  readonly signIn: SignIn
  readonly csrf: Csrf
  readonly codes: Codes
  readonly refreshTokens: RefreshTokens
  readonly registrations: Registrations
  readonly accounts: Accounts
  readonly dpop: DpopState
  readonly consents: Consents
  readonly accountPage: AccountPage
  readonly #parts: IssuerParts
  readonly #clients: ClientDirectory
  readonly #passwords: PasswordCheck
  #timer: NodeJS.Timeout | undefined
  #tick: Promise<void> | undefined
  /** Why the signing keys could not be reloaded at the last poll (health says it), or undefined. */
  #keyReloadProblem: string | undefined
  #closed = false
  #nextPrune = -Infinity
  /** The message of the background failure reported last: the same one is not reported again at every poll. */
  #lastReportedFailure: string | undefined

  constructor(parts: IssuerParts) {
    this.#parts = parts
    const { config, clock, store, admission } = parts
    this.config = config
    this.observer = parts.observer
    this.#clients = new ClientDirectory(store.clients, clock, admission, () => config.maxTtl)
    this.#passwords = new PasswordCheck(store.users, store.logins, admission, clock, parts.deviceKey)
    this.accounts = new Accounts(store, admission, clock, config)
    this.signIn = new SignIn(store.sessions, store.answeredRequests, clock, () => config.sessionTtl * 1000, parts.requestKey)
    this.csrf = new Csrf(parts.csrfKey, clock)
    this.refreshTokens = new RefreshTokens(store.refresh, clock, () => config, parts.refreshKey)
    this.codes = new Codes(store.codes, this.refreshTokens, clock)
    this.consents = new Consents(store.consents, store.scopeDescriptions, clock)
    this.accountPage = new AccountPage(store, admission, clock, config, (userId, address) => this.accounts.newVerification(userId, address))
    this.registrations = new Registrations(store.registrations, clock, () => config, () => parts.keys.serverSecret(REGISTRATION_KEY_NAME))
    this.dpop = new DpopState(store.dpopProofs, clock, parts.dpopNonceKey)
  }

  now(): number {
    return this.#parts.clock()
  }

  authenticateClient(clientId: string, clientSecret: string | undefined): Promise<Client | null> {
    return this.#clients.authenticate(clientId, clientSecret)
  }

  findClient(clientId: string): Promise<Client | null> {
    return this.#clients.find(clientId)
  }

  checkUserPassword(username: string, password: string, device?: { cookie: string | undefined }): Promise<LoginOutcome> {
    return this.#passwords.check(username, password, device)
  }

  rememberDevice(cookie: string | undefined, userId: string): string {
    return this.#passwords.remember(cookie, userId)
  }

  issueAccessToken(request: AccessTokenRequest): IssuedToken {
    const now = this.#parts.clock()
    const signer = this.#parts.ring.signer(now)
    if (!signer) throw new Error('no signing key is usable')
    const iat = Math.floor(now / 1000)
    // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti; scope (§2.2.3) space-delimited;
    // auth_time (§2.2.1) for tokens that come from a sign-in.
    const claims: Record<string, unknown> = {
      iss: this.config.issuer,
      sub: request.sub,
      aud: request.audience,
      exp: iat + request.ttl,
      iat,
      jti: newTokenId(),
      client_id: request.clientId,
      scope: request.scopes.join(' '),
    }
    if (request.authTime !== undefined) claims.auth_time = Math.floor(request.authTime / 1000)
    // RFC 9449 §6.1: a DPoP-bound token names its key by thumbprint.
    if (request.jkt !== undefined) claims.cnf = { jkt: request.jkt }
    return { accessToken: signer.sign(claims), expiresIn: request.ttl }
  }

  issueIdToken(request: IdTokenRequest): string {
    const now = this.#parts.clock()
    const signer = this.#parts.ring.idTokenSigner(now)
    if (!signer) throw new Error('no ID-token signing key is usable')
    const iat = Math.floor(now / 1000)
    // OpenID Connect Core §2: iss, sub, aud (the client id: one audience, a
    // string), exp, iat, auth_time, nonce (when the request sent one), azp
    // (the client, §2 "authorized party"), amr (RFC 8176 §2 "pwd"); sid
    // (Front-Channel Logout 1.0 §3: the session's public id).
    const claims: Record<string, unknown> = {
      iss: this.config.issuer,
      sub: request.user.id,
      aud: request.clientId,
      azp: request.clientId,
      exp: iat + request.ttl,
      iat,
      auth_time: Math.floor(request.authTime / 1000),
    }
    if (request.nonce !== null) claims.nonce = request.nonce
    if (request.sid !== null) claims.sid = request.sid
    claims.amr = ['pwd']
    Object.assign(claims, identityClaims(request.user, request.scopes))
    return signer.sign(claims, 'JWT')
  }

  async userProfile(userId: string): Promise<UserProfile | null> {
    const u = await this.#parts.store.users.getById(userId)
    if (!u) return null
    return { id: u.id, username: u.username, name: u.name ?? null, email: u.email ?? null, emailVerified: u.emailVerified === true, updatedAt: u.updatedAt }
  }

  jwks(): Jwks {
    return this.#parts.ring.jwks()
  }

  gauges(): IssuerGauges {
    const { admission, ring, clock } = this.#parts
    const now = clock()
    const signing = signingKeyAt(accessKeys(ring.keys), now)
    return {
      argon2InFlight: admission.inFlight,
      argon2Queued: admission.queued,
      signingKeyAgeSeconds: signing ? Math.max(0, (now - signing.activatesAt) / 1000) : null,
      publishedKeys: ring.jwks(now).keys.length,
    }
  }

  scopesSupported(): Promise<string[]> {
    return this.#parts.store.clients.allScopes()
  }

  async health(): Promise<Health> {
    try {
      await this.#parts.store.ping()
    } catch {
      return { ok: false, reason: 'database unavailable' }
    }
    if (!this.#parts.ring.signer() || !this.#parts.ring.idTokenSigner()) return { ok: false, reason: this.#keyReloadProblem ?? 'no signing key' }
    return { ok: true }
  }

  start(): void {
    if (this.#timer || this.#closed) return
    this.#timer = setInterval(() => { void this.refresh() }, this.#parts.pollIntervalMs)
    this.#timer.unref()
  }

  /**
   * One round of background work: reload the keys when another process (or
   * the CLI) changed them, then add a key when the timeline calls for one
   * (first key, no signing key, algorithm change, scheduled rotation), and
   * now and then delete what has expired. Concurrent calls share one round.
   */
  refresh(): Promise<void> {
    this.#tick ??= this.#refreshOnce().finally(() => { this.#tick = undefined })
    return this.#tick
  }

  async #refreshOnce(): Promise<void> {
    const { store, keys, ring, clock, config } = this.#parts
    try {
      if ((await store.keys.version()) !== ring.version) ring.load(await keys.keySet())
      if (planMaintenance(ring.keys, clock(), config)) {
        await keys.maintain()
        ring.load(await keys.keySet())
      }
      this.#keyReloadProblem = undefined
    } catch (err) {
      this.#keyReloadProblem = 'signing keys could not be reloaded'
      this.#report(err as Error)
      return
    }
    try {
      if (clock() >= this.#nextPrune) {
        this.#nextPrune = clock() + PRUNE_INTERVAL_MS
        await this.prune()
      }
    } catch (err) {
      this.#report(err as Error)
      return
    }
    this.#lastReportedFailure = undefined
  }

  /**
   * Deletes expired failed-login records, answered sealed requests, sessions,
   * codes, refresh tokens, one-time tokens, limit counters and DPoP proof
   * records, and registered clients past their lifetime.
   */
  async prune(): Promise<void> {
    const { store, clock } = this.#parts
    await store.logins.prune(clock(), LOGIN_THROTTLE)
    await store.sessions.prune(clock())
    await store.codes.prune(clock(), CODE_RETENTION_MS)
    await store.answeredRequests.prune(clock())
    await store.refresh.prune(clock())
    await this.registrations.prune()
    await store.oneTimeTokens.prune(clock())
    await store.limits.prune(clock())
    await store.dpopProofs.prune(clock())
  }

  /** Reports a background failure once per distinct message, not at every poll. */
  #report(err: Error): void {
    if (err.message !== this.#lastReportedFailure) this.#parts.onError(err)
    this.#lastReportedFailure = err.message
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    await this.#tick
    await this.#parts.store.close()
  }
}
