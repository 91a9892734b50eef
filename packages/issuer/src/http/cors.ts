// CORS (Fetch standard) for browser apps: a single-page app (a public
// client) and browser tools call the token, revocation, registration and
// userinfo endpoints from their own origin; the JWKS and the metadata
// documents are read by anyone. None of these reads a cookie, so every
// origin is allowed (`*`) and credentials never are. The authorization
// endpoint, the logout endpoint and every page never answer CORS
// (DESIGN.md, "OpenID Connect"). A hook of our own: @fastify/cors is not a
// dependency, and these few headers need none.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'

/** Request headers a preflight allows: the two credentials schemes' (RFC 6750, RFC 9449) and form bodies. */
export const CORS_ALLOWED_HEADERS = 'Authorization, Content-Type, DPoP'
export const CORS_ALLOWED_METHODS = 'GET, POST'
/** Response headers a script may read: a DPoP nonce (RFC 9449 §8) and the challenges (RFC 6750 §3). */
export const CORS_EXPOSED_HEADERS = 'DPoP-Nonce, WWW-Authenticate'
/** Seconds a browser may keep a preflight's answer. */
const PREFLIGHT_MAX_AGE = 600

/** onRequest hook: every answer of the plugin it is added to allows any origin. */
export function anyOrigin(_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  reply.header('access-control-allow-origin', '*')
  reply.header('access-control-expose-headers', CORS_EXPOSED_HEADERS)
  done()
}

/** The preflight (OPTIONS) of `url`: 204, the methods and headers allowed, for any origin. */
export function preflightRoute(app: FastifyInstance, url: string): void {
  app.options(url, function preflight(_request, reply) {
    reply.header('access-control-allow-methods', CORS_ALLOWED_METHODS)
    reply.header('access-control-allow-headers', CORS_ALLOWED_HEADERS)
    reply.header('access-control-max-age', String(PREFLIGHT_MAX_AGE))
    reply.header('cache-control', 'no-store')
    return reply.code(204).send()
  })
}
