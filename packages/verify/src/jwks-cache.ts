// Where verification keys come from. Two sources behind one small interface:
// a static JWK Set (no network, ever) and a remote JWKS cache.
//
// The remote cache (RFC 7517 key sets, refreshed per RFC 9111 max-age):
// - fetched once, then used for Cache-Control max-age clamped to
//   [cacheMinAge, cacheMaxAge] (cacheMaxAge when the server says nothing);
// - refreshed in the background once 80 % of that age has passed, and
//   awaited when it has fully expired; revalidated with If-None-Match;
// - a token naming an unknown kid triggers a refetch at most once per
//   `cooldown`, counted from the last unknown-kid refetch only (the initial
//   fetch and scheduled refreshes do not start it, so a key published by an
//   emergency rotation is found at once); within the cooldown unknown kids
//   are answered from the cache
//   (negative caching), so a flood of random kids costs at most one fetch
//   per cooldown, while a genuinely new key is found by the next refetch;
// - every fetch is shared by all concurrent callers (one in flight);
// - when fetching fails, the keys it had stay usable until expiry +
//   `maxStale`; after that, or with nothing fetched yet, 503 (fail closed).
//   Failed fetches are retried at most once per `cooldown`.
import type { ChallengeContext } from './challenge.js'
import { InvalidTokenError, JwksUnavailableError } from './errors.js'
import type { JwksRefreshEvent, VerifierEvent } from './events.js'
import { fetchJwks, type FetchLike } from './jwks-download.js'
import { importJwks, selectKey, type KeySet, type VerifyKey } from './keys.js'
import type { JsonWebKeySet, ResolvedOptions } from './options.js'

export interface WarmupResult {
  /** The JWKS URI, or "static" for a static key set. */
  readonly source: string
  readonly ok: boolean
  /** Usable keys held after the warmup. */
  readonly keys: number
  /** Why the warmup failed, when it did. */
  readonly error?: Error
}

export interface KeySource {
  /** The key a token names when it can be had now, without waiting; else undefined. */
  peek(kid: string | undefined, now: number): VerifyKey | undefined
  /** The key a token names, fetching when needed. Rejects with InvalidTokenError or JwksUnavailableError. */
  get(kid: string | undefined, now: number): Promise<VerifyKey>
  /** Whether a key is still in the current, usable set (for the token cache). */
  holds(key: VerifyKey, now: number): boolean
  warmup(): Promise<WarmupResult>
  /** Preload keys, as if just fetched (e.g. from a file at start-up). */
  hydrate(jwks: JsonWebKeySet): void
}

function noKey(kid: string | undefined, keys: KeySet, challenge: ChallengeContext): InvalidTokenError {
  if (kid === undefined && keys.all.length > 1) return new InvalidTokenError('kid required', { challenge })
  return new InvalidTokenError('unknown signing key', { challenge })
}

export class StaticKeys implements KeySource {
  #keys: KeySet
  readonly #options: ResolvedOptions

  constructor(options: ResolvedOptions, jwks: JsonWebKeySet) {
    this.#options = options
    this.#keys = StaticKeys.#import(options, jwks, 'jwks')
  }

  static #import(options: ResolvedOptions, jwks: JsonWebKeySet, name: string): KeySet {
    let result
    try {
      result = importJwks(jwks, options.algorithms)
    } catch (error) {
      throw new TypeError(`@tessera/verify: option "${name}" must be a JWK Set`, { cause: error })
    }
    if (result.keys.all.length === 0) throw new TypeError(`@tessera/verify: option "${name}" holds no usable key for the allowed algorithms`)
    return result.keys
  }

  peek(kid: string | undefined): VerifyKey | undefined {
    return selectKey(this.#keys, kid)
  }

  get(kid: string | undefined): Promise<VerifyKey> {
    const key = selectKey(this.#keys, kid)
    return key === undefined ? Promise.reject(noKey(kid, this.#keys, this.#options.challenge)) : Promise.resolve(key)
  }

  holds(key: VerifyKey): boolean {
    return selectKey(this.#keys, key.kid) === key
  }

  warmup(): Promise<WarmupResult> {
    return Promise.resolve({ source: 'static', ok: true, keys: this.#keys.all.length })
  }

  hydrate(jwks: JsonWebKeySet): void {
    this.#keys = StaticKeys.#import(this.#options, jwks, 'hydrate(jwks)')
  }
}

interface Held {
  readonly keys: KeySet
  /** When the set should be refreshed in the background (ms). */
  readonly refreshAt: number
  /** When the set must be refreshed before use (ms). */
  readonly expiresAt: number
}

type Reason = JwksRefreshEvent['reason']

export class RemoteJwks implements KeySource {
  readonly #options: ResolvedOptions
  readonly #uri: string
  readonly #fetch: FetchLike
  readonly #now: () => number
  #held: Held | null = null
  #etag: string | null = null
  #inflight: Promise<void> | null = null
  #lastAttemptAt = Number.NEGATIVE_INFINITY
  #lastKidRefetchAt = Number.NEGATIVE_INFINITY
  #lastFailed = false
  #lastError: Error | null = null

  constructor(options: ResolvedOptions, uri: URL, fetchImpl: FetchLike, now: () => number) {
    this.#options = options
    this.#uri = uri.href
    this.#fetch = fetchImpl
    this.#now = now
  }

  peek(kid: string | undefined, now: number): VerifyKey | undefined {
    const held = this.#held
    if (held === null || now >= held.expiresAt) return undefined
    if (now >= held.refreshAt && this.#mayRefresh(now)) void this.#refresh('ahead')
    return selectKey(held.keys, kid)
  }

  holds(key: VerifyKey, now: number): boolean {
    const held = this.#held
    return held !== null && now < held.expiresAt && selectKey(held.keys, key.kid) === key
  }

  async get(kid: string | undefined, now: number): Promise<VerifyKey> {
    let held = this.#held
    let fresh = false
    if (held === null || now >= held.expiresAt) {
      if (this.#inflight !== null) await this.#inflight
      else if (this.#mayRefresh(now)) await this.#refresh(held === null ? 'initial' : 'expired')
      held = this.#usable(this.#now())
      fresh = !this.#lastFailed
    }
    const key = selectKey(held.keys, kid)
    if (key !== undefined) return key
    // No kid, or a set fetched for this very call: refetching cannot help.
    if (kid === undefined || fresh) throw noKey(kid, held.keys, this.#options.challenge)

    // An unknown kid (RFC 7517 §4.5): perhaps a key published since the last
    // fetch. Refetch once per cooldown, shared by every caller.
    if (this.#inflight !== null) {
      await this.#inflight
    } else if (this.#mayRefetchForKid(this.#now())) {
      this.#lastKidRefetchAt = this.#now()
      await this.#refresh('unknown_kid')
      if (this.#lastFailed) throw this.#unavailable(this.#now())
    } else {
      throw noKey(kid, held.keys, this.#options.challenge)
    }
    held = this.#usable(this.#now())
    const found = selectKey(held.keys, kid)
    if (found === undefined) throw noKey(kid, held.keys, this.#options.challenge)
    return found
  }

  async warmup(): Promise<WarmupResult> {
    if (this.#inflight !== null) await this.#inflight
    else await this.#refresh('warmup')
    const count = this.#held?.keys.all.length ?? 0
    if (this.#lastFailed) return { source: this.#uri, ok: false, keys: count, error: this.#lastError ?? new Error('JWKS unavailable') }
    return { source: this.#uri, ok: true, keys: count }
  }

  hydrate(jwks: JsonWebKeySet): void {
    let result
    try {
      result = importJwks(jwks, this.#options.algorithms, this.#held?.keys)
    } catch (error) {
      throw new TypeError('@tessera/verify: hydrate(jwks) needs a JWK Set', { cause: error })
    }
    if (result.keys.all.length === 0) throw new TypeError('@tessera/verify: hydrate(jwks) got no usable key for the allowed algorithms')
    this.#hold(result.keys, this.#now(), null)
    this.#etag = null // the ETag named the fetched set, not this one
  }

  /** The held set if still usable (fresh, or stale within maxStale); else 503. */
  #usable(now: number): Held {
    const held = this.#held
    if (held === null || now >= held.expiresAt + this.#options.maxStaleMs) throw this.#unavailable(now)
    return held
  }

  #unavailable(now: number): JwksUnavailableError {
    const retryAfter = (this.#lastAttemptAt + this.#options.cooldownMs - now) / 1000
    return new JwksUnavailableError(retryAfter, undefined, { challenge: this.#options.challenge, cause: this.#lastError ?? undefined })
  }

  /** A scheduled refresh may start unless one runs, or the last attempt failed within the cooldown. */
  #mayRefresh(now: number): boolean {
    return this.#inflight === null && (!this.#lastFailed || now - this.#lastAttemptAt >= this.#options.cooldownMs)
  }

  /** An unknown kid may refetch once per cooldown, and not within the cooldown after a failure. */
  #mayRefetchForKid(now: number): boolean {
    return now - this.#lastKidRefetchAt >= this.#options.cooldownMs && this.#mayRefresh(now)
  }

  #hold(keys: KeySet, now: number, maxAge: number | null): number {
    const { cacheMinAgeMs, cacheMaxAgeMs } = this.#options
    const ageMs = maxAge === null ? cacheMaxAgeMs : Math.min(cacheMaxAgeMs, Math.max(cacheMinAgeMs, maxAge * 1000))
    this.#held = { keys, refreshAt: now + ageMs * 0.8, expiresAt: now + ageMs }
    return ageMs / 1000
  }

  #emit(event: VerifierEvent): void {
    const hook = this.#options.onEvent
    if (hook === null) return
    // A logging hook must never break verification, sync or async.
    try {
      const result: unknown = hook(event)
      if (result instanceof Promise) result.catch(() => {})
    } catch {
      // ignored, as above
    }
  }

  #refresh(reason: Reason): Promise<void> {
    if (this.#inflight !== null) return this.#inflight
    this.#lastAttemptAt = this.#now()
    const run = async (): Promise<void> => {
      const { timeoutMs, maxJwksBytes, algorithms } = this.#options
      try {
        const outcome = await fetchJwks(this.#fetch, this.#uri, this.#held === null ? null : this.#etag, timeoutMs, maxJwksBytes)
        const now = this.#now()
        if (outcome.status === 304) {
          const held = this.#held!
          const maxAge = this.#hold(held.keys, now, outcome.maxAge)
          this.#etag = outcome.etag
          this.#succeeded({ type: 'jwks_refresh', uri: this.#uri, reason, notModified: true, keys: held.keys.all.length, skipped: [], maxAge })
          return
        }
        const result = importJwks(outcome.body, algorithms, this.#held?.keys)
        if (result.keys.all.length === 0) throw new Error('JWKS holds no usable key for the allowed algorithms')
        const maxAge = this.#hold(result.keys, now, outcome.maxAge)
        this.#etag = outcome.etag
        this.#succeeded({ type: 'jwks_refresh', uri: this.#uri, reason, notModified: false, keys: result.keys.all.length, skipped: result.skipped, maxAge })
      } catch (error) {
        this.#lastFailed = true
        this.#lastError = error instanceof Error ? error : new Error(String(error))
        const held = this.#held
        const servingStale = held !== null && this.#now() < held.expiresAt + this.#options.maxStaleMs
        this.#emit({ type: 'jwks_error', uri: this.#uri, reason, error: this.#lastError, servingStale })
      }
    }
    const inflight = run().finally(() => {
      this.#inflight = null
    })
    this.#inflight = inflight
    return inflight
  }

  #succeeded(event: JwksRefreshEvent): void {
    this.#lastFailed = false
    this.#lastError = null
    this.#emit(event)
  }
}
