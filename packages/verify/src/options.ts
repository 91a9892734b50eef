// Every option of createVerifier, its unit and default, validated when the
// verifier is created: a bad value throws a TypeError naming the option,
// never later on first use. Durations are seconds, as in DESIGN.md.
import { algorithmSpec, DEFAULT_ALGORITHMS, supportedAlgorithmNames, type AlgorithmName, type AlgorithmOption, type AlgorithmSpec } from './algorithms.js'
import { bearerOnly, type AcceptedSchemes, type ChallengeContext } from './challenge.js'
import { assertOrigin, resolveDpop, type DpopOption, type ResolvedDpop } from './dpop-options.js'
import type { VerifierEvent } from './events.js'
import { isLoopbackHost } from './loopback.js'
import { resolveResourceMetadata, type ProtectedResource, type ResourceMetadataOption } from './resource-metadata.js'

export interface JsonWebKeySet {
  keys: Record<string, unknown>[]
}

export interface VerifierOptions {
  /**
   * Expected `iss`, compared byte for byte. Required. An origin,
   * scheme://host[:port]: no path, no trailing slash.
   */
  issuer: string
  /** Accepted audience(s): `aud` must contain at least one. Required. */
  audience: string | readonly string[]
  /** Where the JWKS lives. Default: `issuer` + `/.well-known/jwks.json`. https unless the host is loopback. */
  jwksUri?: string
  /** A static JWK Set: no network call at all. Exclusive with `jwksUri`. */
  jwks?: JsonWebKeySet
  /** Allowed `alg` values. Default `['RS256', 'PS256', 'ES256', 'EdDSA']`. `Ed25519` and `EdDSA` are one. */
  algorithms?: readonly AlgorithmOption[]
  /** `false` accepts any `typ` and drops the RFC 9068 `client_id`/`jti` requirement. Default: require `at+jwt`. */
  typ?: boolean
  /** Seconds of leeway for `exp`, `nbf` and `iat`. Default 5. */
  clockTolerance?: number
  /** Tokens longer than this many bytes are rejected unparsed. Default 8192. */
  maxTokenBytes?: number
  /** Seconds a fetched JWKS is used before it is refreshed, and the upper bound on a server's max-age. Default 600. */
  cacheMaxAge?: number
  /** Seconds: lower bound on a server's `Cache-Control: max-age`. Default 30. */
  cacheMinAge?: number
  /** Seconds between JWKS refetches caused by unknown `kid`s or failures. Default 30. */
  cooldown?: number
  /** Seconds before a JWKS request is abandoned. Default 5. */
  timeout?: number
  /** Seconds the last good JWKS stays usable past its expiry while refreshes fail. Default 86400. */
  maxStale?: number
  /** Largest JWKS response accepted, in bytes. Default 262144. */
  maxJwksBytes?: number
  /** `realm` of the `WWW-Authenticate` challenge (RFC 6750 §3). Default "api". */
  realm?: string
  /** Entries in the cache of verified tokens; 0 turns it off. Default 0. */
  tokenCache?: number
  /** Accept `access_token` in a form-encoded body (RFC 6750 §2.2). Default false. */
  allowFormBody?: boolean
  /** Accept `access_token` in the query string (RFC 6750 §2.3; discouraged). Default false. */
  allowQuery?: boolean
  /** Called on JWKS refreshes and failures, for logging. Exceptions it throws are ignored. */
  onEvent?: (event: VerifierEvent) => void
  /**
   * DPoP (RFC 9449): `'allow'` (default: Bearer for unbound tokens, DPoP for
   * tokens bound by `cnf.jkt`), `'require'` (DPoP only), `false` (the DPoP
   * scheme is not read), or `{ mode, origin, maxAge, replayStore }`.
   */
  dpop?: DpopOption
  /** RFC 9728 protected-resource metadata: served by the adapters, named by every challenge. */
  resourceMetadata?: ResourceMetadataOption
}

/** Options after validation; durations in milliseconds, except the clock tolerance (seconds, like JWT times). */
export interface ResolvedOptions {
  readonly issuer: string
  readonly audiences: readonly string[]
  readonly jwksUri: URL | null
  readonly jwks: JsonWebKeySet | null
  readonly algorithms: ReadonlySet<AlgorithmName>
  /** Every accepted spelling of a header `alg` (aliases included) -> its spec: one lookup per token. */
  readonly headerAlgorithms: ReadonlyMap<string, AlgorithmSpec>
  readonly typ: boolean
  readonly clockTolerance: number
  readonly maxTokenBytes: number
  readonly cacheMaxAgeMs: number
  readonly cacheMinAgeMs: number
  readonly cooldownMs: number
  readonly timeoutMs: number
  readonly maxStaleMs: number
  readonly maxJwksBytes: number
  readonly realm: string
  readonly tokenCache: number
  readonly allowFormBody: boolean
  readonly allowQuery: boolean
  readonly onEvent: ((event: VerifierEvent) => void) | null
  readonly dpop: ResolvedDpop
  readonly resourceMetadata: ProtectedResource | null
  /** What every challenge of this verifier shares (realm, schemes, metadata URL). */
  readonly challenge: ChallengeContext
}

const KNOWN = new Set([
  'issuer', 'audience', 'jwksUri', 'jwks', 'algorithms', 'typ', 'clockTolerance', 'maxTokenBytes',
  'cacheMaxAge', 'cacheMinAge', 'cooldown', 'timeout', 'maxStale', 'maxJwksBytes', 'realm',
  'tokenCache', 'allowFormBody', 'allowQuery', 'onEvent', 'dpop', 'resourceMetadata',
])

function fail(name: string, expected: string): never {
  throw new TypeError(`@tessera/verify: option "${name}" must be ${expected}`)
}

function seconds(options: VerifierOptions, name: keyof VerifierOptions, fallback: number, min: number, max: number): number {
  const value = options[name]
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(name, `a number of seconds from ${min} to ${max}`)
  }
  return value
}

function integer(options: VerifierOptions, name: keyof VerifierOptions, fallback: number, min: number, max: number): number {
  const value = options[name]
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(name, `an integer from ${min} to ${max}`)
  }
  return value
}

function flag(options: VerifierOptions, name: keyof VerifierOptions, fallback: boolean): boolean {
  const value = options[name]
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') fail(name, 'a boolean')
  return value
}

export { isLoopbackHost } from './loopback.js'

const SCHEMES: Record<string, AcceptedSchemes> = { allow: 'both', require: 'dpop', false: 'bearer' }

function jwksUrl(value: string, name: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    fail(name, 'an absolute URL')
  }
  if (url.username !== '' || url.password !== '') fail(name, 'a URL without credentials')
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url
  fail(name, 'an https URL (http only for a loopback host)')
}

export function resolveOptions(options: VerifierOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('@tessera/verify: options must be an object')
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`@tessera/verify: unknown option "${key}"`)
  }

  // RFC 8414 §2, RFC 9068 §4 step 5: `iss` is compared exactly, and an
  // issuer identifier is an origin. A trailing slash or a path here would
  // make every token fail with "unexpected issuer", so it is refused now.
  assertOrigin(options.issuer, 'issuer', 'the issuer identifier is an origin, compared exactly with "iss"')
  const audiences = typeof options.audience === 'string' ? [options.audience] : options.audience
  if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every((a) => typeof a === 'string' && a !== '')) {
    fail('audience', 'a non-empty string or a non-empty list of them')
  }

  let jwks: JsonWebKeySet | null = null
  let jwksUri: URL | null = null
  if (options.jwks !== undefined) {
    if (options.jwksUri !== undefined) fail('jwksUri', 'omitted when "jwks" is given')
    if (typeof options.jwks !== 'object' || options.jwks === null || !Array.isArray(options.jwks.keys)) {
      fail('jwks', 'a JWK Set: an object with a "keys" array')
    }
    jwks = options.jwks
  } else if (options.jwksUri !== undefined) {
    if (typeof options.jwksUri !== 'string') fail('jwksUri', 'a string')
    jwksUri = jwksUrl(options.jwksUri, 'jwksUri')
  } else {
    jwksUri = jwksUrl(`${options.issuer}/.well-known/jwks.json`, 'jwksUri (derived from issuer)')
  }

  let algorithms: Set<AlgorithmName>
  if (options.algorithms === undefined) {
    algorithms = new Set(DEFAULT_ALGORITHMS)
  } else {
    if (!Array.isArray(options.algorithms) || options.algorithms.length === 0) fail('algorithms', 'a non-empty list')
    algorithms = new Set()
    for (const alg of options.algorithms) {
      const spec = typeof alg === 'string' ? algorithmSpec(alg) : undefined
      if (spec === undefined) fail('algorithms', `a list drawn from ${supportedAlgorithmNames().join(', ')}`)
      algorithms.add(spec.name)
    }
  }

  const headerAlgorithms = new Map<string, AlgorithmSpec>()
  for (const name of supportedAlgorithmNames()) {
    const spec = algorithmSpec(name)!
    if (algorithms.has(spec.name)) headerAlgorithms.set(name, spec)
  }

  const realm = options.realm ?? 'api'
  // RFC 7235 §2.2: realm is a quoted-string; keep it to printable ASCII without quote or backslash.
  if (typeof realm !== 'string' || realm === '' || !/^[\x20-\x7e]+$/.test(realm) || /["\\]/.test(realm)) {
    fail('realm', 'non-empty printable ASCII without " or \\')
  }

  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') fail('onEvent', 'a function')

  const dpop = resolveDpop(options.dpop)
  const resourceMetadata = options.resourceMetadata === undefined ? null : resolveResourceMetadata(options.resourceMetadata, options.issuer, dpop.mode)
  const challenge: ChallengeContext = Object.freeze({
    ...bearerOnly(realm),
    schemes: SCHEMES[String(dpop.mode)]!,
    resourceMetadata: resourceMetadata?.url ?? null,
  })

  const cacheMaxAge = seconds(options, 'cacheMaxAge', 600, 1, 7 * 86400)
  const cacheMinAge = seconds(options, 'cacheMinAge', Math.min(30, cacheMaxAge), 1, 7 * 86400)
  if (cacheMinAge > cacheMaxAge) fail('cacheMinAge', 'at most "cacheMaxAge"')

  return {
    issuer: options.issuer,
    audiences: [...audiences],
    jwksUri,
    jwks,
    algorithms,
    headerAlgorithms,
    typ: flag(options, 'typ', true),
    clockTolerance: seconds(options, 'clockTolerance', 5, 0, 3600),
    maxTokenBytes: integer(options, 'maxTokenBytes', 8192, 64, 1024 * 1024),
    cacheMaxAgeMs: cacheMaxAge * 1000,
    cacheMinAgeMs: cacheMinAge * 1000,
    cooldownMs: seconds(options, 'cooldown', 30, 0, 3600) * 1000,
    timeoutMs: seconds(options, 'timeout', 5, 0.001, 120) * 1000,
    maxStaleMs: seconds(options, 'maxStale', 86400, 0, 30 * 86400) * 1000,
    maxJwksBytes: integer(options, 'maxJwksBytes', 262144, 1024, 16 * 1024 * 1024),
    realm,
    tokenCache: integer(options, 'tokenCache', 0, 0, 1_000_000),
    allowFormBody: flag(options, 'allowFormBody', false),
    allowQuery: flag(options, 'allowQuery', false),
    onEvent: options.onEvent ?? null,
    dpop,
    resourceMetadata,
    challenge,
  }
}
