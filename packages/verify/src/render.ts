// One rendering of a VerifyError for every adapter (Fastify, Express, Web
// Request/Response, Hono) and for plain node:http: the status, the RFC 6750
// §3 headers (`WWW-Authenticate`, or `Retry-After` for 503) with a JSON
// content type, and the body `{error, error_description}` as JSON text
// (DESIGN: one short line, never the token; `unauthorized` with no token).
import type { VerifyError } from './errors.js'

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
export function renderError(error: VerifyError): RenderedError {
  return { status: error.status, headers: { ...error.headers, 'content-type': JSON_TYPE }, body: JSON.stringify(error.body) }
}

/** The rejection as a Web-standard `Response`: the same status, headers and body. */
export function errorResponse(error: VerifyError): Response {
  const r = renderError(error)
  return new Response(r.body, { status: r.status, headers: r.headers })
}
