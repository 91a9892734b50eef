// The OAuth form endpoints, POST /oauth2/token (RFC 6749 §3.2) and POST
// /oauth2/revoke (RFC 7009 §2), in one encapsulated plugin: their own body
// parser (forms only, repeated keys kept), their own error handler
// (transport failures rendered as OAuth errors, no-store included), and 405
// for every other method; CORS for any origin (browser apps), with a preflight.

import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import { Errors, type OAuthError } from '../../oauth/errors.js'
import { parseForm } from '../../oauth/form.js'
import { sendOAuthError } from '../oauth-reply.js'
import { anyOrigin, preflightRoute } from '../cors.js'
import { revokeRoute, REVOKE_PATH } from './revoke.js'
import { dpopNonceHeader, logTokenOutcome, tokenRoute, TOKEN_PATH } from './token.js'

/** Default cap on a request body, bytes: ample for any real request. */
export const DEFAULT_TOKEN_BODY_LIMIT = 16 * 1024

export interface FormEndpointOptions {
  core: IssuerCore
  bodyLimit?: number
}

/** The body is parsed as a form whatever it holds; FormBody records malformation. */
function formParser(_request: FastifyRequest, body: string, done: (err: null, body: unknown) => void): void {
  done(null, parseForm(body))
}

/** Transport failures raised by Fastify before the handler runs, as OAuth errors. */
export function transportError(error: FastifyError): OAuthError | undefined {
  const status = error.statusCode
  if (status === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return Errors.bodyTooLarge
  if (status === 415 || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return Errors.contentType
  if (status !== undefined && status >= 400 && status < 500) return Errors.badRequest
  return undefined
}

export async function formEndpoints(app: FastifyInstance, options: FormEndpointOptions): Promise<void> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_TOKEN_BODY_LIMIT

  // Forms only: any other content type falls through to Fastify's 415, mapped to invalid_request below.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, formParser)

  dpopNonceHeader(app, options.core)

  app.setErrorHandler(function formErrorHandler(error: FastifyError, request, reply) {
    const mapped = transportError(error)
    if (mapped !== undefined) {
      if (request.url.startsWith(TOKEN_PATH)) logTokenOutcome(options.core, request, reply.code(mapped.status), undefined, mapped.error)
      return sendOAuthError(reply, mapped)
    }
    // Unexpected: logged for the operator, answered as server_error without internals.
    request.log.error({ err: error }, 'request failed')
    return sendOAuthError(reply, Errors.serverError)
  })

  app.addHook('onRequest', anyOrigin)
  for (const url of [TOKEN_PATH, REVOKE_PATH]) {
    preflightRoute(app, url)
    // RFC 9110 §15.5.6: 405 names the allowed method.
    app.route({
      method: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH'],
      url,
      exposeHeadRoute: false,
      handler(request, reply) {
        if (url !== TOKEN_PATH) return sendOAuthError(reply, Errors.revokeMethodNotAllowed)
        logTokenOutcome(options.core, request, reply.code(405), undefined, Errors.methodNotAllowed.error)
        return sendOAuthError(reply, Errors.methodNotAllowed)
      },
    })
  }
  tokenRoute(app, options.core, bodyLimit)
  revokeRoute(app, options.core, bodyLimit)
}
