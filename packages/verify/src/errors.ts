// One error catalogue for the whole library. Callers switch on `code`,
// never on a message. Every error carries what a framework needs to render
// it: `status` (also as `statusCode`, which Fastify reads) and `headers`
// with the RFC 6750 §3 `WWW-Authenticate` challenge. Descriptions are short
// fixed phrases: never the token, never an internal message (that goes in
// `cause`, for logs only).
import { errorResponse } from './render.js'

export type VerifyErrorCode =
  | 'no_token'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_request'
  | 'jwks_unavailable'

/** The JSON body an adapter sends for an error: `{error, error_description}`. */
export interface ErrorBody {
  error: string
  error_description: string
}

interface ErrorInit {
  realm?: string
  cause?: unknown
}

const DEFAULT_REALM = 'api'

function challenge(realm: string, params: string): string {
  // RFC 6750 §3: `Bearer` followed by auth-params; realm first.
  return params === '' ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", ${params}`
}

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

  protected constructor(status: number, error: string, description: string, headers: Record<string, string>, init: ErrorInit | undefined) {
    super(description, init?.cause === undefined ? undefined : { cause: init.cause })
    this.status = status
    this.statusCode = status
    this.error = error
    this.description = description
    this.headers = headers
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

/** RFC 6750 §3.1: the request carried no token. The challenge has no `error`. */
export class NoTokenError extends VerifyError {
  readonly code = 'no_token' as const
  constructor(description = 'authentication required', init?: ErrorInit) {
    const realm = init?.realm ?? DEFAULT_REALM
    super(401, 'unauthorized', description, { 'WWW-Authenticate': challenge(realm, '') }, init)
  }
}

/** RFC 6750 §3.1 `invalid_token`: expired, revoked, malformed, or otherwise invalid. */
export class InvalidTokenError extends VerifyError {
  readonly code = 'invalid_token' as const
  constructor(description = 'invalid token', init?: ErrorInit) {
    const realm = init?.realm ?? DEFAULT_REALM
    super(401, 'invalid_token', description, { 'WWW-Authenticate': challenge(realm, 'error="invalid_token"') }, init)
  }
}

/** RFC 6750 §3.1 `insufficient_scope`: 403, with the scopes the resource needs. */
export class InsufficientScopeError extends VerifyError {
  readonly code = 'insufficient_scope' as const
  /** The scopes the resource requires, all of them. */
  readonly scopes: readonly string[]
  constructor(scopes: readonly string[], description = 'insufficient scope', init?: ErrorInit) {
    const realm = init?.realm ?? DEFAULT_REALM
    const header = challenge(realm, `error="insufficient_scope", scope="${scopes.join(' ')}"`)
    super(403, 'insufficient_scope', description, { 'WWW-Authenticate': header }, init)
    this.scopes = scopes
  }
}

/** RFC 6750 §3.1 `invalid_request`: malformed Authorization, or a token sent more than one way. */
export class InvalidRequestError extends VerifyError {
  readonly code = 'invalid_request' as const
  constructor(description = 'malformed request', init?: ErrorInit) {
    const realm = init?.realm ?? DEFAULT_REALM
    super(400, 'invalid_request', description, { 'WWW-Authenticate': challenge(realm, 'error="invalid_request"') }, init)
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
    super(503, 'temporarily_unavailable', description, { 'Retry-After': String(seconds) }, init)
    this.retryAfter = seconds
  }
}

export function isVerifyError(value: unknown): value is VerifyError {
  return value instanceof VerifyError
}
