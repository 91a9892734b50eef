// POST /oauth2/token (RFC 6749 §3.2). An encapsulated plugin: its own body
// parser (forms only, repeated keys kept), its own error handler (transport
// failures rendered as OAuth errors), `Cache-Control: no-store` and
// `Pragma: no-cache` on every answer (RFC 6749 §5.1), and 405 for every
// other method. The OAuth steps themselves live in ../token/pipeline.ts.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import { Errors, OAuthError } from '../errors.js'
import { parseForm } from '../form.js'
import { exchangeToken, TokenExchange } from '../token/pipeline.js'

export const TOKEN_PATH = '/oauth2/token'

/** Default cap on a token request body, bytes: ample for any real request. */
export const DEFAULT_TOKEN_BODY_LIMIT = 16 * 1024

/** RFC 6749 §5.2: the challenge answered with a 401 when the client used Basic. */
export const BASIC_CHALLENGE = 'Basic realm="tessera", charset="UTF-8"'

const JSON_TYPE = 'application/json; charset=utf-8'

export interface TokenRouteOptions {
  core: IssuerCore
  bodyLimit?: number
}

/**
 * Step: RFC 6749 §5.1 "Cache-Control: no-store" and "Pragma: no-cache". Every
 * answer of this route goes through sendError() or the success path, and both
 * call it (cheaper than an onRequest hook on the hot path).
 */
function noCacheHeaders(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store')
  reply.header('pragma', 'no-cache')
}

/** Step: the body is parsed as a form whatever it holds; FormBody records malformation. */
function formParser(_request: FastifyRequest, body: string, done: (err: null, body: unknown) => void): void {
  done(null, parseForm(body))
}

/** One structured line per token request: who, which grant, outcome, duration; never a secret. */
function logExchange(request: FastifyRequest, reply: FastifyReply, exchange: TokenExchange | undefined, outcome: string): void {
  request.log.info(
    {
      client_id: exchange?.clientId === undefined ? undefined : clip(exchange.clientId),
      grant_type: exchange?.grantType === undefined ? undefined : clip(exchange.grantType),
      outcome,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
    },
    'token request',
  )
}

/** Caller-controlled strings are bounded in the log. */
function clip(value: string): string {
  return value.length > 128 ? value.slice(0, 128) + '…' : value
}

/** Renders an OAuth error (RFC 6749 §5.2) with its status and headers. */
function sendError(request: FastifyRequest, reply: FastifyReply, error: OAuthError, exchange: TokenExchange | undefined): FastifyReply {
  reply.code(error.status)
  noCacheHeaders(reply)
  reply.header('content-type', JSON_TYPE)
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter))
  if (error.challenge) reply.header('www-authenticate', BASIC_CHALLENGE)
  if (error.status === 405) reply.header('allow', 'POST')
  logExchange(request, reply, exchange, error.error)
  return reply.send(error.body)
}

/** Transport failures raised by Fastify before the handler runs, as OAuth errors. */
function toOAuthError(error: FastifyError): OAuthError | undefined {
  const status = error.statusCode
  if (status === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return Errors.bodyTooLarge
  if (status === 415 || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return Errors.contentType
  if (status !== undefined && status >= 400 && status < 500) return Errors.badRequest
  return undefined
}

export async function tokenRoutes(app: FastifyInstance, options: TokenRouteOptions): Promise<void> {
  const { core } = options
  const bodyLimit = options.bodyLimit ?? DEFAULT_TOKEN_BODY_LIMIT

  // Forms only: any other content type falls through to Fastify's 415, mapped to invalid_request below.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, formParser)

  app.setErrorHandler(function tokenErrorHandler(error: FastifyError, request, reply) {
    const mapped = toOAuthError(error)
    if (mapped !== undefined) return sendError(request, reply, mapped, undefined)
    // Unexpected: logged for the operator, answered as server_error without internals.
    request.log.error({ err: error }, 'token request failed')
    return sendError(request, reply, Errors.serverError, undefined)
  })

  // RFC 9110 §15.5.6: 405 names the allowed method.
  app.route({
    method: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: TOKEN_PATH,
    exposeHeadRoute: false,
    handler(request, reply) {
      return sendError(request, reply, Errors.methodNotAllowed, undefined)
    },
  })

  app.post(TOKEN_PATH, { bodyLimit }, async function token(request, reply) {
    noCacheHeaders(reply)
    const exchange = new TokenExchange()
    let result
    try {
      result = await exchangeToken(core, request.body, request.headers.authorization, exchange)
    } catch (err) {
      request.log.error({ err }, 'token request failed')
      return sendError(request, reply, Errors.serverError, exchange)
    }
    if (result instanceof OAuthError) return sendError(request, reply, result, exchange)
    reply.header('content-type', JSON_TYPE)
    logExchange(request, reply, exchange, 'ok')
    return reply.send(result.body)
  })
}
