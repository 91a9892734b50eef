// The running issuer core behind the HTTP layer (see IssuerCore in types.ts).
import type { Admission } from '../credentials/admission.js'
import { DUMMY_SECRET_HASH, isSlowSecretHash, verifyFastSecret } from '../credentials/secrets.js'
import { dummyPasswordHash, verifyArgon2 } from '../credentials/passwords.js'
import { normaliseUsername } from '../credentials/usernames.js'
import { LOGIN_THROTTLE, retryAfterSeconds } from '../credentials/throttle.js'
import { newTokenId } from '../credentials/ids.js'
import type { KeyManager } from '../keys/manager.js'
import type { KeyRing } from '../keys/keyring.js'
import { planMaintenance } from '../keys/rotation.js'
import type { ClientRecord, IssuerStore, UserRecord } from '../store/types.js'
import type {
  AccessTokenRequest, Client, Clock, Health, IssuedToken, IssuerConfig, IssuerCore, Jwks, LoginOutcome,
} from './types.js'

/** Longest client id or username looked up; longer ones go straight to the dummy path. */
const MAX_LOOKUP_LENGTH = 512
/** How often the background work drops stale failed-login records. */
const PRUNE_INTERVAL_MS = 60_000

export interface IssuerParts {
  config: IssuerConfig
  clock: Clock
  store: IssuerStore
  keys: KeyManager
  ring: KeyRing
  admission: Admission
  pollIntervalMs: number
  onError: (err: Error) => void
}

export class Issuer implements IssuerCore {
  readonly config: IssuerConfig
  readonly #p: IssuerParts
  #timer: NodeJS.Timeout | undefined
  #tick: Promise<void> | undefined
  #lastError: string | undefined
  #closed = false
  #nextPrune = -Infinity
  #lastFailure: string | undefined

  constructor(parts: IssuerParts) {
    this.#p = parts
    this.config = parts.config
  }

  async authenticateClient(clientId: string, clientSecret: string): Promise<Client | null> {
    const { store, clock, admission } = this.#p
    const record = clientId.length <= MAX_LOOKUP_LENGTH ? await store.getClient(clientId) : null
    if (!record) {
      // Unknown client: the same work as a wrong secret (dummy verification).
      verifyFastSecret(DUMMY_SECRET_HASH, clientSecret)
      return null
    }
    const verify = async (hash: string): Promise<boolean> =>
      isSlowSecretHash(hash) ? admission.run(() => verifyArgon2(hash, clientSecret)) : verifyFastSecret(hash, clientSecret)
    let ok = await verify(record.secretHash)
    if (!ok && record.previousSecretHash !== null && record.previousSecretExpiresAt !== null &&
        clock() < record.previousSecretExpiresAt) {
      ok = await verify(record.previousSecretHash)
    }
    return ok ? this.#client(record) : null
  }

  #client(r: ClientRecord): Client {
    return {
      id: r.id, name: r.name, grants: r.grants, scopes: r.scopes, audiences: r.audiences,
      ttl: Math.min(r.ttl, this.config.maxTtl),
    }
  }

  async checkUserPassword(username: string, password: string): Promise<LoginOutcome> {
    const { store, clock, admission } = this.#p
    const name = normaliseUsername(username)
    const now = clock()
    // Locked: refused before any hashing, even with the right password.
    const lock = await store.loginLockState(name, now)
    if (lock.lockedUntil !== null) return { ok: false, reason: 'locked', retryAfter: retryAfterSeconds(lock.lockedUntil, now) }
    const user = await admission.run(async (): Promise<UserRecord | null> => {
      const found = name.length <= MAX_LOOKUP_LENGTH ? await store.getUserByUsername(name) : null
      // Unknown user: verified against a dummy hash, same cost as a wrong password.
      const good = await verifyArgon2(found?.passwordHash ?? await dummyPasswordHash(), password)
      return good ? found : null
    })
    if (!user) {
      await store.recordLoginFailure(name, clock(), LOGIN_THROTTLE)
      return { ok: false, reason: 'invalid_grant' }
    }
    await store.clearLoginFailures(name)
    return { ok: true, user: { id: user.id, username: user.username, scopes: user.scopes } }
  }

  issueAccessToken(request: AccessTokenRequest): IssuedToken {
    const now = this.#p.clock()
    const signer = this.#p.ring.signer(now)
    if (!signer) throw new Error('no signing key is usable')
    const iat = Math.floor(now / 1000)
    // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti; scope (§2.2.3) space-delimited.
    const accessToken = signer.sign({
      iss: this.config.issuer,
      sub: request.sub,
      aud: request.audience,
      exp: iat + request.ttl,
      iat,
      jti: newTokenId(),
      client_id: request.clientId,
      scope: request.scopes.join(' '),
    })
    return { accessToken, expiresIn: request.ttl }
  }

  jwks(): Jwks {
    return this.#p.ring.jwks()
  }

  scopesSupported(): Promise<string[]> {
    return this.#p.store.allClientScopes()
  }

  async health(): Promise<Health> {
    try {
      await this.#p.store.ping()
    } catch {
      return { ok: false, reason: 'database unavailable' }
    }
    if (!this.#p.ring.signer()) return { ok: false, reason: this.#lastError ?? 'no signing key' }
    return { ok: true }
  }

  start(): void {
    if (this.#timer || this.#closed) return
    this.#timer = setInterval(() => { void this.refresh() }, this.#p.pollIntervalMs)
    this.#timer.unref()
  }

  /**
   * One round of background work: reload the keys when another process (or
   * the CLI) changed them, then add a key when the timeline calls for one
   * (first key, no signing key, algorithm change, scheduled rotation).
   * Concurrent calls share one round.
   */
  refresh(): Promise<void> {
    this.#tick ??= this.#refreshOnce().finally(() => { this.#tick = undefined })
    return this.#tick
  }

  async #refreshOnce(): Promise<void> {
    const { store, keys, ring, clock, config } = this.#p
    try {
      if ((await store.keysVersion()) !== ring.version) ring.load(await keys.keySet())
      if (planMaintenance(ring.keys, clock(), config)) {
        await keys.maintain()
        ring.load(await keys.keySet())
      }
      this.#lastError = undefined
    } catch (err) {
      this.#lastError = 'signing keys could not be reloaded'
      this.#report(err as Error)
      return
    }
    try {
      if (clock() >= this.#nextPrune) {
        this.#nextPrune = clock() + PRUNE_INTERVAL_MS
        await store.pruneLoginFailures(clock(), LOGIN_THROTTLE)
      }
    } catch (err) {
      this.#report(err as Error)
      return
    }
    this.#lastFailure = undefined
  }

  /** Reports a background failure once per distinct message, not at every poll. */
  #report(err: Error): void {
    if (err.message !== this.#lastFailure) this.#p.onError(err)
    this.#lastFailure = err.message
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    await this.#tick
    await this.#p.store.close()
  }
}
