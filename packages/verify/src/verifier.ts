// createVerifier: options in, a verifier out. Ties the pieces together:
// token extraction, key source, signature, claims, scopes, token cache, and
// for the `DPoP` scheme the proof (dpop-proof.ts) and its replay check.
//
// Two paths. The bearer path (`verify`, and `verifyRequest` for a Bearer
// request) is the hot one: no extra await, no allocation beyond what
// verify-jwt.ts needs. The DPoP path is a branch of its own, taken when the
// Authorization header says `DPoP`.
import type { Scheme } from './challenge.js'
import { checkClaims } from './claims.js'
import { checkProof, type ProofSettings } from './dpop-proof.js'
import type { ReplayStore } from './dpop-options.js'
import {
  InsufficientScopeError,
  InvalidDpopProofError,
  InvalidRequestError,
  InvalidTokenError,
  isVerifyError,
  NoTokenError,
  ReplayCheckUnavailableError,
  withScheme,
  type ErrorInit,
} from './errors.js'
import {
  extractToken,
  headerValue,
  isDpopScheme,
  tokenFromDpopAuthorization,
  type ExtractOptions,
  type RequestLike,
} from './extract-token.js'
import type { FetchLike } from './jwks-download.js'
import { RemoteJwks, StaticKeys, type KeySource, type WarmupResult } from './jwks-cache.js'
import type { VerifyKey } from './keys.js'
import { resolveOptions, type JsonWebKeySet, type ResolvedOptions, type VerifierOptions } from './options.js'
import { ProofKeyCache } from './proof-keys.js'
import { MemoryReplayStore } from './replay-store.js'
import type { UrlSource } from './request-url.js'
import type { ProtectedResource } from './resource-metadata.js'
import { assertScopeNames, hasScopes } from './scopes.js'
import { TokenCache } from './token-cache.js'
import type { AccessTokenClaims, VerifyCallOptions } from './types.js'
import { readHeader, verifySignature, type ParsedHeader } from './verify-jwt.js'
import { fromWebRequest, isWebRequest, type WebRequestLike } from './web-request.js'

/**
 * A request as `verifyRequest` reads it: method, URL and headers (node:http,
 * Fastify and Express requests fit as they are; `socket` tells whether the
 * connection was TLS when `url` is a path).
 */
export interface VerifiableRequest extends RequestLike, UrlSource {
  headers: RequestLike['headers']
  url?: string
}

export interface Verifier {
  /**
   * Verify a bearer access token (RFC 9068 §4) and return its claims.
   * Rejects with a VerifyError: InvalidTokenError (also for a token bound
   * by `cnf`, RFC 9449 §7.2, and with `dpop: 'require'`),
   * InsufficientScopeError or JwksUnavailableError; NoTokenError for
   * `undefined` or `''` (RFC 6750 §3.1: the challenge carries no `error`).
   */
  verify<C extends AccessTokenClaims = AccessTokenClaims>(token: string | undefined, options?: VerifyCallOptions): Promise<C>
  /**
   * Authenticate a request: the token from `Authorization: Bearer` (RFC
   * 6750 §2) or `Authorization: DPoP` with its `DPoP` proof (RFC 9449 §7),
   * as the `dpop` option allows, and resolve to the claims. `request` is
   * `{ method, url, headers }` with `url` absolute (or a path, for a
   * node:http request whose socket and `Host` then give the origin), or a
   * Web `Request`, whose form body (with `allowFormBody`) is read from a
   * clone. Also rejects with NoTokenError, InvalidRequestError,
   * InvalidDpopProofError and ReplayCheckUnavailableError.
   */
  verifyRequest<C extends AccessTokenClaims = AccessTokenClaims>(request: VerifiableRequest | WebRequestLike, options?: VerifyCallOptions): Promise<C>
  /** The same as `verifyRequest` (its earlier name). */
  authenticate<C extends AccessTokenClaims = AccessTokenClaims>(request: VerifiableRequest | WebRequestLike, options?: VerifyCallOptions): Promise<C>
  /** The bearer token of a request, or undefined; throws InvalidRequestError. */
  extractToken(request: RequestLike): string | undefined
  /** Fetch the JWKS now. Never rejects: the result says whether it worked. */
  warmup(): Promise<WarmupResult>
  /** Preload keys as if just fetched (e.g. a JWKS saved at deploy time). */
  hydrate(jwks: JsonWebKeySet): void
  /** The `realm` of this verifier's challenges. */
  readonly realm: string
  /** The RFC 9728 metadata of the `resourceMetadata` option, or null. */
  readonly protectedResource: ProtectedResource | null
}

/** Test seams; not public options. */
export interface VerifierSeams {
  fetch?: FetchLike
  /** Clock in milliseconds since the epoch. */
  now?: () => number
}

const NO_SCOPES: readonly string[] = []

class TesseraVerifier implements Verifier {
  readonly #o: ResolvedOptions
  readonly #keys: KeySource
  readonly #now: () => number
  readonly #cache: TokenCache | null
  readonly #holds: (key: VerifyKey) => boolean
  readonly #extract: ExtractOptions
  readonly #dpopInit: ErrorInit
  readonly #proofKeys: ProofKeyCache
  readonly #proof: ProofSettings
  readonly #replayStore: ReplayStore

  constructor(o: ResolvedOptions, seams: VerifierSeams) {
    this.#o = o
    this.#now = seams.now ?? Date.now
    const fetchImpl: FetchLike = seams.fetch ?? ((url, init) => fetch(url, init))
    this.#keys = o.jwks !== null ? new StaticKeys(o, o.jwks) : new RemoteJwks(o, o.jwksUri!, fetchImpl, this.#now)
    this.#cache = o.tokenCache > 0 ? new TokenCache(o.tokenCache) : null
    this.#holds = (key) => this.#keys.holds(key, this.#now())
    this.#extract = { allowFormBody: o.allowFormBody, allowQuery: o.allowQuery, realm: o.realm, challenge: o.challenge }
    this.#dpopInit = { challenge: o.challenge, scheme: 'DPoP' }
    this.#proofKeys = new ProofKeyCache()
    this.#proof = { challenge: o.challenge, maxAge: o.dpop.maxAge, clockTolerance: o.clockTolerance }
    this.#replayStore = o.dpop.replayStore ?? new MemoryReplayStore(this.#now)
  }

  get realm(): string {
    return this.#o.realm
  }

  get protectedResource(): ProtectedResource | null {
    return this.#o.resourceMetadata
  }

  async verify<C extends AccessTokenClaims = AccessTokenClaims>(token: string | undefined, options?: VerifyCallOptions): Promise<C> {
    // RFC 6750 §3.1: a request without credentials gets a bare challenge, no
    // `error`. Any other non-string is a malformed token (readHeader).
    if (token === undefined || token === '') throw new NoTokenError(undefined, { challenge: this.#o.challenge })
    if (this.#o.dpop.mode === 'require') throw new InvalidTokenError('DPoP required', { challenge: this.#o.challenge })
    const now = this.#now()
    const scopes = options?.scopes ?? NO_SCOPES
    const cache = this.#cache
    if (cache !== null) {
      const hit = cache.get(token, now, this.#holds)
      if (hit !== undefined) return this.#bearer(hit, scopes) as C
    }
    const header = readHeader(token, this.#o)
    const key = this.#keys.peek(header.kid, now) ?? (await this.#keys.get(header.kid, now))
    return this.#bearer(this.#finish(token, header, key, now), scopes) as C
  }

  verifyRequest<C extends AccessTokenClaims = AccessTokenClaims>(request: VerifiableRequest | WebRequestLike, options?: VerifyCallOptions): Promise<C> {
    if (isWebRequest(request)) return this.#verifyWeb<C>(request, options)
    const mode = this.#o.dpop.mode
    if (mode !== false) {
      const authorization = headerValue(request.headers, 'authorization')
      if (typeof authorization === 'string' && isDpopScheme(authorization)) return this.#verifyDpop<C>(request, authorization, options)
      // 'require': Bearer is another scheme, so no token (DESIGN: only DPoP).
      if (mode === 'require') return Promise.reject(new NoTokenError(undefined, { challenge: this.#o.challenge }))
    }
    let token: string | undefined
    try {
      token = this.extractToken(request)
    } catch (error) {
      return Promise.reject(error)
    }
    if (token === undefined) return Promise.reject(new NoTokenError(undefined, { challenge: this.#o.challenge }))
    return this.verify<C>(token, options)
  }

  authenticate<C extends AccessTokenClaims = AccessTokenClaims>(request: VerifiableRequest | WebRequestLike, options?: VerifyCallOptions): Promise<C> {
    return this.verifyRequest<C>(request, options)
  }

  extractToken(request: RequestLike): string | undefined {
    return extractToken(request, this.#extract)
  }

  warmup(): Promise<WarmupResult> {
    return this.#keys.warmup()
  }

  hydrate(jwks: JsonWebKeySet): void {
    this.#keys.hydrate(jwks)
  }

  async #verifyWeb<C extends AccessTokenClaims>(request: WebRequestLike, options: VerifyCallOptions | undefined): Promise<C> {
    // Same extraction rules and errors as any other request, once the form
    // (when it may hold the token) is read. `url` is absolute.
    return this.verifyRequest<C>(await fromWebRequest(request, this.#extract), options)
  }

  /**
   * RFC 9449 §7.1: `Authorization: DPoP <token>` with a `DPoP` proof header.
   * Written like `verify`: awaits only when the keys must be fetched or a
   * shared replay store answers with a promise.
   */
  async #verifyDpop<C extends AccessTokenClaims>(request: VerifiableRequest, authorization: string, options: VerifyCallOptions | undefined): Promise<C> {
    const init = this.#dpopInit
    const token = tokenFromDpopAuthorization(authorization, init)
    // RFC 6750 §2: one method only; a form or query token beside it is too many.
    if (this.extractToken(request) !== undefined) throw new InvalidRequestError('token sent by more than one method', init)
    const now = this.#now()
    let claims: AccessTokenClaims
    try {
      const hit = this.#cache?.get(token, now, this.#holds)
      if (hit !== undefined) {
        claims = hit
      } else {
        const header = readHeader(token, this.#o)
        const key = this.#keys.peek(header.kid, now) ?? (await this.#keys.get(header.kid, now))
        claims = this.#finish(token, header, key, now)
      }
    } catch (error) {
      throw isVerifyError(error) ? withScheme(error, 'DPoP') : error
    }
    // DESIGN: a token without `cnf` under the DPoP scheme is invalid_token.
    const cnf = claims['cnf'] as { jkt?: unknown } | undefined
    const jkt = typeof cnf === 'object' && cnf !== null ? cnf.jkt : undefined
    if (typeof jkt !== 'string') throw new InvalidTokenError('token is not DPoP-bound', init)
    const proof = checkProof(
      headerValue(request.headers, 'dpop'),
      { method: request.method ?? '', request, origin: this.#o.dpop.origin, token, jkt },
      this.#proofKeys,
      this.#proof,
      now,
    )
    // RFC 9449 §11.1: each proof once. Last, so only a proof good in every
    // other way is remembered.
    let seen: boolean
    try {
      const answer = this.#replayStore.seen(proof.replayKey, proof.expiresAt)
      seen = typeof answer === 'boolean' ? answer : await answer
    } catch (error) {
      if (isVerifyError(error)) throw error
      // A shared store that cannot answer: fail closed, the proof may be a replay.
      throw new ReplayCheckUnavailableError(1, undefined, { cause: error })
    }
    if (seen) throw new InvalidDpopProofError('DPoP proof replayed', init)
    return this.#scoped(claims, options?.scopes ?? NO_SCOPES, 'DPoP') as C
  }

  #finish(token: string, header: ParsedHeader, key: VerifyKey, now: number): AccessTokenClaims {
    const payload = verifySignature(token, header, key, this.#o)
    const claims = checkClaims(payload, this.#o, now / 1000)
    if (this.#cache !== null) this.#cache.set(token, claims, key)
    return claims
  }

  /** A bearer token's last checks: not bound by `cnf` (RFC 9449 §7.2), then the scopes. */
  #bearer(claims: AccessTokenClaims, scopes: readonly string[]): AccessTokenClaims {
    if (claims['cnf'] !== undefined) throw new InvalidTokenError('DPoP-bound token used as a bearer token', { challenge: this.#o.challenge, scheme: 'Bearer' })
    return this.#scoped(claims, scopes, 'Bearer')
  }

  #scoped(claims: AccessTokenClaims, scopes: readonly string[], scheme: Scheme): AccessTokenClaims {
    if (scopes.length === 0) return claims
    if (!Array.isArray(scopes)) throw new TypeError('@tessera/verify: "scopes" must be an array of scope names')
    if (hasScopes(claims, scopes)) return claims
    assertScopeNames(scopes)
    throw new InsufficientScopeError(scopes, undefined, { challenge: this.#o.challenge, scheme })
  }
}

/** Internal: createVerifier with test seams (a fetch, a clock). Not exported from the package. */
export function buildVerifier(options: VerifierOptions, seams: VerifierSeams = {}): Verifier {
  return new TesseraVerifier(resolveOptions(options), seams)
}

/** Create a verifier. Every option is checked now: a bad one throws a TypeError naming it. */
export function createVerifier(options: VerifierOptions): Verifier {
  return buildVerifier(options)
}
