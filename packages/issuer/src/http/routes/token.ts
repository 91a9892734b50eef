// POST /oauth2/token (RFC 6749 §3.2): the route itself and its log line.
// Parsing, transport errors and 405 come from form-endpoints.ts; the OAuth
// steps live in ../token/pipeline.ts.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { StoreUnavailableError } from '../../domain/errors.js'
import type { IssuerCore } from '../../core/types.js'
import { Errors, OAuthError, storeUnavailable } from '../../oauth/errors.js'
import { TOKEN_PATH } from '../../oauth/paths.js'
import { dpopHeaders } from '../dpop-headers.js'
import { loggedClientId, loggedGrantType } from '../logged-values.js'
import { logTokenRequest } from '../logging.js'
import { JSON_TYPE, noCacheHeaders, sendOAuthError } from '../oauth-reply.js'
import { reportStoreFailure } from '../store-failure.js'
import { answerTokenRequest, TokenRequestSeen } from '../../oauth/token/pipeline.js'
import { currentNonce } from '../../oauth/dpop/index.js'

export { TOKEN_PATH }

/** One structured line per token request: who, which grant, outcome, duration; never a secret. */
export function logTokenOutcome(core: IssuerCore, request: FastifyRequest, reply: FastifyReply, seen: TokenRequestSeen | undefined, outcome: string): void {
  const grantType = loggedGrantType(seen?.grantType)
  const elapsedMs = reply.elapsedTime
  core.observer.tokenRequest(grantType ?? '(none)', outcome, elapsedMs / 1000)
  logTokenRequest(request.log, {
    client_id: loggedClientId(seen?.clientId),
    grant_type: grantType,
    family_id: seen?.familyId,
    reused: seen?.reused === true ? true : undefined,
    outcome,
    status: reply.statusCode,
    duration_ms: Math.round(elapsedMs * 100) / 100,
  })
  if (seen?.replayed) {
    // RFC 9700 §4.14.2 / RFC 6749 §4.1.2: evidence of a stolen token; what it granted was revoked.
    core.observer.replayDetected(seen.grantType === 'authorization_code' ? 'authorization_code' : 'refresh_token')
    request.log.warn(
      { client_id: loggedClientId(seen.clientId), grant_type: loggedGrantType(seen.grantType), family_id: seen.familyId },
      seen.grantType === 'authorization_code'
        ? 'authorization code presented again: refresh tokens issued from it revoked'
        : 'refresh token replayed: its family revoked',
    )
  }
}

function fail(core: IssuerCore, request: FastifyRequest, reply: FastifyReply, error: OAuthError, seen: TokenRequestSeen): FastifyReply {
  logTokenOutcome(core, request, reply.code(error.status), seen, error.error)
  return sendOAuthError(reply, error)
}

/**
 * TESSERA_DPOP_NONCE on: every answer of the token endpoint, whatever it
 * is, carries the nonce of the moment (RFC 9449 §8), so a client has one
 * before it needs one. Registered only when on: off costs nothing.
 */
export function dpopNonceHeader(app: FastifyInstance, core: IssuerCore): void {
  if (!core.config.dpopNonce) return
  app.addHook('onRequest', async function dpopNonce(request, reply) {
    if (request.routeOptions.url === TOKEN_PATH) reply.header('dpop-nonce', currentNonce(core.dpop.nonceKey, core.dpop.now()))
  })
}

export function tokenRoute(app: FastifyInstance, core: IssuerCore, bodyLimit: number): void {
  app.post(TOKEN_PATH, { bodyLimit }, async function token(request, reply) {
    noCacheHeaders(reply)
    const seen = new TokenRequestSeen()
    let result
    try {
      result = await answerTokenRequest(core, { body: request.body, authorization: request.headers.authorization, dpop: dpopHeaders(request) }, seen)
    } catch (err) {
      if (err instanceof StoreUnavailableError) {
        // DESIGN.md: a database error is 503 with Retry-After, never a 500.
        reportStoreFailure(core, request.log, err)
        return fail(core, request, reply, storeUnavailable, seen)
      }
      request.log.error({ err }, 'token request failed')
      return fail(core, request, reply, Errors.serverError, seen)
    }
    if (result instanceof OAuthError) return fail(core, request, reply, result, seen)
    reply.header('content-type', JSON_TYPE)
    logTokenOutcome(core, request, reply, seen, 'ok')
    return reply.send(result.body)
  })
}
