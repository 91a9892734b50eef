// POST /oauth2/register (RFC 7591 §3), served only with
// TESSERA_REGISTRATION=open (otherwise no route: 404). One encapsulated
// plugin: its own JSON body parser (a malformed body is RFC 7591's
// invalid_client_metadata, not a framework error), its own error handler,
// 405 for every other method, `Cache-Control: no-store` on every answer
// (RFC 7591 §3.2.1). The protocol steps live in ../../oauth/register/.
// The registering address is Fastify's `request.ip`.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import { StoreUnavailableError } from '../../domain/errors.js'
import type { IssuerCore } from '../../core/types.js'
import { Errors, OAuthError, storeUnavailable } from '../../oauth/errors.js'
import { REGISTER_PATH } from '../../oauth/paths.js'
import { RegistrationErrors } from '../../oauth/register/errors.js'
import { registerClient } from '../../oauth/register/pipeline.js'
import { JSON_TYPE, noCacheHeaders, sendOAuthError } from '../oauth-reply.js'
import { reportStoreFailure } from '../store-failure.js'

/** Ample for ten redirect URIs of the longest length and every other field. */
export const REGISTRATION_BODY_LIMIT = 32 * 1024

/** A body that is not JSON: the pipeline's first step refuses it as it refuses a non-object. */
const MALFORMED = Symbol('malformed JSON')

function jsonParser(_request: FastifyRequest, body: string, done: (err: null, body: unknown) => void): void {
  try {
    done(null, JSON.parse(body))
  } catch {
    done(null, MALFORMED)
  }
}

export async function registerEndpoint(app: FastifyInstance, options: { core: IssuerCore }): Promise<void> {
  const { core } = options
  // JSON only (RFC 7591 §3.1): any other content type falls through to Fastify's 415, answered below.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: REGISTRATION_BODY_LIMIT }, jsonParser)

  app.setErrorHandler(function registrationErrorHandler(error: FastifyError, request, reply) {
    const status = error.statusCode
    if (status === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendOAuthError(reply, RegistrationErrors.bodyTooLarge)
    if (status !== undefined && status >= 400 && status < 500) return sendOAuthError(reply, RegistrationErrors.notJson)
    request.log.error({ err: error }, 'request failed')
    return sendOAuthError(reply, Errors.serverError)
  })

  app.route({
    method: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: REGISTER_PATH,
    exposeHeadRoute: false,
    handler: (_request, reply) => sendOAuthError(reply, RegistrationErrors.methodNotAllowed),
  })

  app.post(REGISTER_PATH, async function register(request, reply) {
    noCacheHeaders(reply)
    let result
    try {
      result = await registerClient(core, request.body, request.ip)
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err
      reportStoreFailure(core, request.log, err)
      result = storeUnavailable
    }
    if (result instanceof OAuthError) {
      request.log.info({ outcome: result.error, status: result.status }, 'client registration')
      return sendOAuthError(reply, result)
    }
    request.log.info({ client_id: result.clientId, outcome: 'ok', status: result.status }, 'client registration')
    return reply.code(result.status).header('content-type', JSON_TYPE).send(result.body)
  })
}
