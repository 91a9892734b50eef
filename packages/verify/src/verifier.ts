// createVerifier: options in, a verifier out. Ties the pieces together:
// token extraction, key source, signature, claims, scopes, token cache.
import { checkClaims } from './claims.js'
import { InsufficientScopeError, NoTokenError } from './errors.js'
import { extractToken, type ExtractOptions, type RequestLike } from './extract-token.js'
import type { FetchLike } from './fetch-jwks.js'
import { RemoteJwks, StaticKeys, type KeySource, type WarmupResult } from './jwks-cache.js'
import type { VerifyKey } from './keys.js'
import { resolveOptions, type JsonWebKeySet, type ResolvedOptions, type VerifierOptions } from './options.js'
import { assertScopeNames, hasScopes } from './scopes.js'
import { TokenCache } from './token-cache.js'
import type { AccessTokenClaims, VerifyCallOptions } from './types.js'
import { readHeader, verifySignature, type ParsedHeader } from './verify-jwt.js'
import { fromWebRequest, isWebRequest, type WebRequestLike } from './web-request.js'

export interface Verifier {
  /**
   * Verify an access token (RFC 9068 §4) and return its claims. Rejects with
   * a VerifyError: InvalidTokenError, InsufficientScopeError or
   * JwksUnavailableError; NoTokenError for `undefined` or `''` (no token at
   * all, RFC 6750 §3.1: the challenge carries no `error`).
   */
  verify<C extends AccessTokenClaims = AccessTokenClaims>(token: string | undefined, options?: VerifyCallOptions): Promise<C>
  /**
   * Take the token from a request (RFC 6750 §2) and verify it. Also rejects
   * with NoTokenError (no token) or InvalidRequestError (malformed header,
   * token sent more than one way). `request` is a node:http, Fastify or
   * Express request, or a Web-standard `Request`, whose form body (with
   * `allowFormBody`) is read from a clone, leaving the body unread.
   */
  authenticate<C extends AccessTokenClaims = AccessTokenClaims>(request: RequestLike | WebRequestLike, options?: VerifyCallOptions): Promise<C>
  /** The bearer token of a request, or undefined; throws InvalidRequestError. */
  extractToken(request: RequestLike): string | undefined
  /** Fetch the JWKS now. Never rejects: the result says whether it worked. */
  warmup(): Promise<WarmupResult>
  /** Preload keys as if just fetched (e.g. a JWKS saved at deploy time). */
  hydrate(jwks: JsonWebKeySet): void
  /** The `realm` of this verifier's challenges. */
  readonly realm: string
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

  constructor(o: ResolvedOptions, seams: VerifierSeams) {
    this.#o = o
    this.#now = seams.now ?? Date.now
    const fetchImpl: FetchLike = seams.fetch ?? ((url, init) => fetch(url, init))
    this.#keys = o.jwks !== null ? new StaticKeys(o, o.jwks) : new RemoteJwks(o, o.jwksUri!, fetchImpl, this.#now)
    this.#cache = o.tokenCache > 0 ? new TokenCache(o.tokenCache) : null
    this.#holds = (key) => this.#keys.holds(key, this.#now())
    this.#extract = { allowFormBody: o.allowFormBody, allowQuery: o.allowQuery, realm: o.realm }
  }

  get realm(): string {
    return this.#o.realm
  }

  async verify<C extends AccessTokenClaims = AccessTokenClaims>(token: string | undefined, options?: VerifyCallOptions): Promise<C> {
    // RFC 6750 §3.1: a request without credentials gets a bare challenge, no
    // `error`. Any other non-string is a malformed token (readHeader).
    if (token === undefined || token === '') throw new NoTokenError(undefined, { realm: this.#o.realm })
    const now = this.#now()
    const scopes = options?.scopes ?? NO_SCOPES
    const cache = this.#cache
    if (cache !== null) {
      const hit = cache.get(token, now, this.#holds)
      if (hit !== undefined) return this.#scoped(hit, scopes) as C
    }
    const header = readHeader(token, this.#o)
    const key = this.#keys.peek(header.kid, now) ?? (await this.#keys.get(header.kid, now))
    return this.#finish(token, header, key, scopes, now) as C
  }

  authenticate<C extends AccessTokenClaims = AccessTokenClaims>(request: RequestLike | WebRequestLike, options?: VerifyCallOptions): Promise<C> {
    if (isWebRequest(request)) return this.#authenticateWeb<C>(request, options)
    let token: string | undefined
    try {
      token = this.extractToken(request)
    } catch (error) {
      return Promise.reject(error)
    }
    if (token === undefined) return Promise.reject(new NoTokenError(undefined, { realm: this.#o.realm }))
    return this.verify<C>(token, options)
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

  async #authenticateWeb<C extends AccessTokenClaims>(request: WebRequestLike, options: VerifyCallOptions | undefined): Promise<C> {
    // Same extraction rules and errors as any other request, once the form
    // (when it may hold the token) is read.
    return this.authenticate<C>(await fromWebRequest(request, this.#extract), options)
  }

  #finish(token: string, header: ParsedHeader, key: VerifyKey, scopes: readonly string[], now: number): AccessTokenClaims {
    const payload = verifySignature(token, header, key, this.#o)
    const claims = checkClaims(payload, this.#o, now / 1000)
    if (this.#cache !== null) this.#cache.set(token, claims, key)
    return this.#scoped(claims, scopes)
  }

  #scoped(claims: AccessTokenClaims, scopes: readonly string[]): AccessTokenClaims {
    if (scopes.length === 0) return claims
    if (!Array.isArray(scopes)) throw new TypeError('@tessera/verify: "scopes" must be an array of scope names')
    if (hasScopes(claims, scopes)) return claims
    assertScopeNames(scopes)
    throw new InsufficientScopeError(scopes, undefined, { realm: this.#o.realm })
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
