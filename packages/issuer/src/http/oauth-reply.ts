// Answers of the OAuth form endpoints (token, revocation): RFC 6749 §5.1
// no-cache headers on every answer, and OAuth errors (§5.2) rendered with
// their status, Retry-After and Basic challenge.

import type { FastifyReply } from 'fastify'
import type { OAuthError } from '../oauth/errors.js'

/** RFC 6749 §5.2: the challenge answered with a 401 when the client used Basic. */
export const BASIC_CHALLENGE = 'Basic realm="tessera", charset="UTF-8"'

export const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * RFC 6749 §5.1 "Cache-Control: no-store" and "Pragma: no-cache". Every
 * answer goes through sendOAuthError() or a success path, and both call it
 * (cheaper than an onRequest hook on the hot path).
 */
export function noCacheHeaders(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store')
  reply.header('pragma', 'no-cache')
}

/** Renders an OAuth error with its status and headers. */
export function sendOAuthError(reply: FastifyReply, error: OAuthError, allow = 'POST'): FastifyReply {
  reply.code(error.status)
  noCacheHeaders(reply)
  reply.header('content-type', JSON_TYPE)
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter))
  if (error.challenge) reply.header('www-authenticate', BASIC_CHALLENGE)
  if (error.status === 405) reply.header('allow', allow)
  return reply.send(error.body)
}
