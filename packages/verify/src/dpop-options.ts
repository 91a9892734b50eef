// The `dpop` option (DESIGN "DPoP", verify library half; RFC 9449 §7):
// `'allow'` (default), `'require'`, `false`, or an object
// `{ mode, origin, maxAge, replayStore }`. Validated when the verifier is
// created: a bad value throws a TypeError naming it.

/** Where `jti`s already accepted are remembered (RFC 9449 §11.1). */
export interface ReplayStore {
  /**
   * Record `key` until `expiresAt` (milliseconds since the epoch) and say
   * whether it was already there: `true` means seen before, and the proof is
   * refused. A store shared by several instances makes the check hold across
   * them. A throw or a rejection refuses the proof with 503 (fail closed).
   */
  seen(key: string, expiresAt: number): boolean | Promise<boolean>
}

export type DpopMode = 'allow' | 'require'

export interface DpopObjectOption {
  /** Default `'allow'`. */
  mode?: DpopMode
  /**
   * The origin clients address, `https://api.example`: the `htu` of a proof
   * must start with it. Set it behind a proxy. Default: the request's own
   * scheme and `Host` (never `X-Forwarded-*`).
   */
  origin?: string
  /** Seconds a proof is accepted after its `iat` (within `clockTolerance`). Default 60. */
  maxAge?: number
  /** Default: an in-memory store, bounded (see replay-store.ts). */
  replayStore?: ReplayStore
}

export type DpopOption = DpopMode | false | DpopObjectOption

export interface ResolvedDpop {
  /** false: the `DPoP` scheme is not read. */
  readonly mode: DpopMode | false
  /** Origin of the expected `htu`, or null to take the request's. */
  readonly origin: string | null
  readonly maxAge: number
  /** null: the verifier makes its own in-memory store. */
  readonly replayStore: ReplayStore | null
}

const KNOWN = new Set(['mode', 'origin', 'maxAge', 'replayStore'])

function fail(name: string, expected: string): never {
  throw new TypeError(`@tessera/verify: option "${name}" must be ${expected}`)
}

/**
 * An origin exactly as the URL parser writes it: scheme://host[:port],
 * lower-case, no default port, no path, no trailing slash. `name` is the
 * option, for the message. http and https only.
 */
export function assertOrigin(value: unknown, name: string, why: string): asserts value is string {
  if (typeof value !== 'string' || value === '') fail(name, 'a non-empty string')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    fail(name, `an origin, scheme://host[:port] (${why}): got ${JSON.stringify(value)}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(name, `an http or https origin (${why}): got ${JSON.stringify(value)}`)
  if (url.origin !== value) {
    const hint = url.username === '' && url.password === '' ? `; did you mean "${url.origin}"?` : ''
    fail(name, `an origin, scheme://host[:port] with no path, no trailing slash, no query (${why}): got ${JSON.stringify(value)}${hint}`)
  }
}

export function resolveDpop(value: unknown): ResolvedDpop {
  if (value === undefined || value === 'allow') return { mode: 'allow', origin: null, maxAge: 60, replayStore: null }
  if (value === 'require') return { mode: 'require', origin: null, maxAge: 60, replayStore: null }
  if (value === false) return { mode: false, origin: null, maxAge: 60, replayStore: null }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('dpop', `'allow', 'require', false or an object { mode, origin, maxAge, replayStore }`)
  const o = value as Record<string, unknown>
  for (const key of Object.keys(o)) if (!KNOWN.has(key)) throw new TypeError(`@tessera/verify: unknown option "dpop.${key}"`)
  const mode = o['mode'] ?? 'allow'
  if (mode !== 'allow' && mode !== 'require') fail('dpop.mode', `'allow' or 'require'`)
  let origin: string | null = null
  if (o['origin'] !== undefined) {
    assertOrigin(o['origin'], 'dpop.origin', 'the origin clients put in htu')
    origin = o['origin']
  }
  const maxAge = o['maxAge'] ?? 60
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge < 1 || maxAge > 3600) fail('dpop.maxAge', 'a number of seconds from 1 to 3600')
  const store = o['replayStore']
  if (store !== undefined && (typeof store !== 'object' || store === null || typeof (store as ReplayStore).seen !== 'function')) {
    fail('dpop.replayStore', 'an object with a seen(key, expiresAt) method')
  }
  return { mode, origin, maxAge, replayStore: (store as ReplayStore | undefined) ?? null }
}
