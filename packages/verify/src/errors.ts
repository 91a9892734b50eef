// One error catalogue for the whole library. Callers switch on `code`,
// never on a message. Every error carries what a framework needs to render
// it: `status` (also as `statusCode`, which Fastify reads) and `headers`
// with the RFC 6750 §3 `WWW-Authenticate` challenge. Descriptions are short
// fixed phrases: never the token, never an internal message (that goes in
// `cause`, for logs only). The challenge strings are challenge.ts's.
import { bearerOnly, challengeHeader, type ChallengeContext, type Scheme } from './challenge.js'
import { errorResponse, type ErrorBody } from './render.js'

export type { ErrorBody } from './render.js'

export type VerifyErrorCode =
  | 'no_token'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_request'
  | 'jwks_unavailable'
  | 'invalid_dpop_proof'
  | 'replay_check_unavailable'

export interface ErrorInit {
  /** `realm` of the challenge when no `challenge` is given. Default "api". */
  realm?: string
  /** For logs only: never rendered. */
  cause?: unknown
  /** The verifier's challenge settings (schemes, realm, resource metadata). Internal. */
  challenge?: ChallengeContext
  /** The scheme the request used; null for no token. Internal. */
  scheme?: Scheme | null
}

const DEFAULT_REALM = 'api'

/** Re-aims an error's challenge at another scheme; set in VerifyError's static block. */
let aim: (error: VerifyError, scheme: Scheme) => void

export abstract class VerifyError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: VerifyErrorCode
  /** HTTP status to answer with. */
  readonly status: number
  /** Same as `status`, under the name Fastify and http-errors use. */
  readonly statusCode: number
  /** Response headers: `WWW-Authenticate`, and `Retry-After` for 503. */
  readonly headers: Record<string, string>
  /** The `error` member of the JSON body (RFC 6750 §3.1 name, or "unauthorized"). */
  readonly error: string
  /** Short, safe `error_description`. */
  readonly description: string

  /** The challenge's settings and auth-params, or null for an error without challenge (503). */
  readonly #challenge: ChallengeContext | null
  readonly #params: string

  static {
    aim = (error, scheme) => {
      const ctx = error.#challenge
      if (ctx !== null) error.headers['WWW-Authenticate'] = challengeHeader(ctx, scheme, error.#params)
    }
  }

  /**
   * `params` are the challenge's auth-params (RFC 6750 §3, RFC 9449 §7.1)
   * after `realm`, or null for an answer without `WWW-Authenticate`.
   */
  protected constructor(status: number, error: string, description: string, params: string | null, init: ErrorInit | undefined, defaultScheme: Scheme | null = 'Bearer') {
    super(description, init?.cause === undefined ? undefined : { cause: init.cause })
    this.status = status
    this.statusCode = status
    this.error = error
    this.description = description
    if (params === null) {
      this.#challenge = null
      this.#params = ''
      this.headers = {}
    } else {
      const ctx = init?.challenge ?? bearerOnly(init?.realm ?? DEFAULT_REALM)
      // A verifier that takes DPoP only answers in DPoP's terms.
      const fallback = defaultScheme === 'Bearer' && ctx.schemes === 'dpop' ? 'DPoP' : defaultScheme
      this.#challenge = ctx
      this.#params = params
      this.headers = { 'WWW-Authenticate': challengeHeader(ctx, init?.scheme === undefined ? fallback : init.scheme, params) }
    }
  }

  override get name(): string {
    return this.constructor.name
  }

  /** `{error, error_description}`, the body the adapters send. */
  get body(): ErrorBody {
    return { error: this.error, error_description: this.description }
  }

  /** Mirrors `body`, so `JSON.stringify(err)` never includes a stack or cause. */
  toJSON(): ErrorBody {
    return this.body
  }

  /**
   * The rejection as a Web `Response` (status, headers and JSON body, as the
   * adapters send it). Hono's default error handler answers a thrown error
   * with its `getResponse()`, as Fastify's and Express's use `status` and
   * `headers`, so with `passErrors` it comes out right there too.
   */
  getResponse(): Response {
    return errorResponse(this)
  }
}

/**
 * RFC 6750 §3.1: the request carried no token. The challenge has no
 * `error`, and names every scheme the verifier accepts.
 */
export class NoTokenError extends VerifyError {
  readonly code = 'no_token' as const
  constructor(description = 'authentication required', init?: ErrorInit) {
    super(401, 'unauthorized', description, '', init, null)
  }
}

/** RFC 6750 §3.1 `invalid_token`: expired, revoked, malformed, or otherwise invalid. */
export class InvalidTokenError extends VerifyError {
  readonly code = 'invalid_token' as const
  constructor(description = 'invalid token', init?: ErrorInit) {
    super(401, 'invalid_token', description, 'error="invalid_token"', init)
  }
}

/** RFC 6750 §3.1 `insufficient_scope`: 403, with the scopes the resource needs. */
export class InsufficientScopeError extends VerifyError {
  readonly code = 'insufficient_scope' as const
  /** The scopes the resource requires, all of them. */
  readonly scopes: readonly string[]
  constructor(scopes: readonly string[], description = 'insufficient scope', init?: ErrorInit) {
    super(403, 'insufficient_scope', description, `error="insufficient_scope", scope="${scopes.join(' ')}"`, init)
    this.scopes = scopes
  }
}

/** RFC 6750 §3.1 `invalid_request`: malformed Authorization, or a token sent more than one way. */
export class InvalidRequestError extends VerifyError {
  readonly code = 'invalid_request' as const
  constructor(description = 'malformed request', init?: ErrorInit) {
    super(400, 'invalid_request', description, 'error="invalid_request"', init)
  }
}

/**
 * The signing keys cannot be had (JWKS endpoint down and nothing usable
 * cached). 503 with `Retry-After`: the token may well be valid, so this is
 * not a 401.
 */
export class JwksUnavailableError extends VerifyError {
  readonly code = 'jwks_unavailable' as const
  /** Seconds after which a retry may succeed. */
  readonly retryAfter: number
  constructor(retryAfter: number, description = 'signing keys unavailable', init?: ErrorInit) {
    const seconds = Math.max(1, Math.ceil(retryAfter))
    super(503, 'temporarily_unavailable', description, null, init)
    this.headers['Retry-After'] = String(seconds)
    this.retryAfter = seconds
  }
}

/**
 * RFC 9449 §7.1 `invalid_dpop_proof`: the `DPoP` header is missing,
 * repeated or malformed, or the proof fails a check of RFC 9449 §4.3 or
 * §7.1 (`htm`, `htu`, `ath`, the key bound by `cnf.jkt`, a replayed `jti`).
 * 401 with the `DPoP` challenge.
 */
export class InvalidDpopProofError extends VerifyError {
  readonly code = 'invalid_dpop_proof' as const
  constructor(description = 'invalid DPoP proof', init?: ErrorInit) {
    super(401, 'invalid_dpop_proof', description, 'error="invalid_dpop_proof"', { ...init, scheme: 'DPoP' })
  }
}

/**
 * The replay check of a DPoP proof's `jti` could not be made: the in-memory
 * store is full of unexpired entries, or a shared `replayStore` failed. 503
 * with `Retry-After`: the proof may well be good, and accepting it unchecked
 * could let a replay through (fail closed).
 */
export class ReplayCheckUnavailableError extends VerifyError {
  readonly code = 'replay_check_unavailable' as const
  readonly retryAfter: number
  constructor(retryAfter = 1, description = 'DPoP replay check unavailable', init?: ErrorInit) {
    const seconds = Math.max(1, Math.ceil(retryAfter))
    super(503, 'temporarily_unavailable', description, null, init)
    this.headers['Retry-After'] = String(seconds)
    this.retryAfter = seconds
  }
}

/** The error, its challenge now naming `scheme` (the scheme the request used). Internal. */
export function withScheme<E extends VerifyError>(error: E, scheme: Scheme): E {
  aim(error, scheme)
  return error
}

export function isVerifyError(value: unknown): value is VerifyError {
  return value instanceof VerifyError
}
