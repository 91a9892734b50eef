// One rendering of a rejection for every adapter (Fastify, Express, Web
// Request/Response, Hono) and for plain node:http: the status, the headers
// (`WWW-Authenticate`, or `Retry-After` for 503) with a JSON content type,
// and the body `{error, error_description}` as JSON text (DESIGN: one short
// line, never the token; `unauthorized` with no token). Imports nothing:
// errors.ts builds on it, never the other way round.

/** The JSON body an adapter sends for an error: `{error, error_description}`. */
export interface ErrorBody {
  error: string
  error_description: string
}

/** What a rejection must tell: every VerifyError fits. */
export interface Renderable {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: ErrorBody
}

/** What an adapter sends for a rejection. */
export interface RenderedError {
  readonly status: number
  /** The error's headers plus `content-type`. */
  readonly headers: Readonly<Record<string, string>>
  /** JSON text of `{error, error_description}`. */
  readonly body: string
}

const JSON_TYPE = 'application/json; charset=utf-8'

/** The status, headers and JSON body to answer a VerifyError with. */
export function renderError(error: Renderable): RenderedError {
  return { status: error.status, headers: { ...error.headers, 'content-type': JSON_TYPE }, body: JSON.stringify(error.body) }
}

/** The rejection as a Web-standard `Response`: the same status, headers and body. */
export function errorResponse(error: Renderable): Response {
  const r = renderError(error)
  return new Response(r.body, { status: r.status, headers: r.headers })
}
