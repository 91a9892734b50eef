// POST /oauth2/token (RFC 6749 §3.2): the route itself and its log line.
// Parsing, transport errors and 405 come from form-endpoints.ts; the OAuth
// steps live in ../token/pipeline.ts.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { StoreUnavailableError } from '../../domain/errors.js'
import type { IssuerCore } from '../../core/types.js'
import { looksLikeClientId } from '../../credentials/ids.js'
import { Errors, OAuthError, storeUnavailable } from '../../oauth/errors.js'
import { findGrant } from '../../oauth/grants/index.js'
import { TOKEN_PATH } from '../../oauth/paths.js'
import { logTokenRequest } from '../logging.js'
import { JSON_TYPE, noCacheHeaders, sendOAuthError } from '../oauth-reply.js'
import { reportStoreFailure } from '../store-failure.js'
import { exchangeToken, TokenExchange } from '../../oauth/token/pipeline.js'
import { currentNonce } from '../../oauth/dpop/index.js'

export { TOKEN_PATH }

/**
 * A value from the request, logged only when it has the form of what it
 * names (DESIGN.md): a secret sent in the wrong field, or smuggled into
 * another one, never reaches the log.
 */
const INVALID = '(invalid)'
export const loggedClientId = (id: string | undefined): string | undefined =>
  id === undefined ? undefined : looksLikeClientId(id) ? id : INVALID
const loggedGrantType = (grantType: string | undefined): string | undefined =>
  grantType === undefined ? undefined : findGrant(grantType) !== undefined ? grantType : INVALID

/** One structured line per token request: who, which grant, outcome, duration; never a secret. */
export function logExchange(core: IssuerCore, request: FastifyRequest, reply: FastifyReply, exchange: TokenExchange | undefined, outcome: string): void {
  const grantType = loggedGrantType(exchange?.grantType)
  const elapsedMs = reply.elapsedTime
  core.observer.tokenRequest(grantType ?? '(none)', outcome, elapsedMs / 1000)
  logTokenRequest(request.log, {
    client_id: loggedClientId(exchange?.clientId),
    grant_type: grantType,
    family_id: exchange?.familyId,
    reused: exchange?.reused === true ? true : undefined,
    outcome,
    status: reply.statusCode,
    duration_ms: Math.round(elapsedMs * 100) / 100,
  })
  if (exchange?.replayed) {
    // RFC 9700 §4.14.2 / RFC 6749 §4.1.2: evidence of a stolen token; what it granted was revoked.
    core.observer.replayDetected(exchange.grantType === 'authorization_code' ? 'authorization_code' : 'refresh_token')
    request.log.warn(
      { client_id: loggedClientId(exchange.clientId), grant_type: loggedGrantType(exchange.grantType), family_id: exchange.familyId },
      exchange.grantType === 'authorization_code'
        ? 'authorization code presented again: refresh tokens issued from it revoked'
        : 'refresh token replayed: its family revoked',
    )
  }
}

function fail(core: IssuerCore, request: FastifyRequest, reply: FastifyReply, error: OAuthError, exchange: TokenExchange): FastifyReply {
  logExchange(core, request, reply.code(error.status), exchange, error.error)
  return sendOAuthError(reply, error)
}

/**
 * Every value of the request's `DPoP` headers, in order. Node joins a
 * repeated header it does not know into one string; the raw headers keep
 * them apart, so that two headers are refused as two (RFC 9449 §4.3 item 1).
 */
export function dpopHeaders(request: FastifyRequest): string[] {
  if (request.headers.dpop === undefined) return []
  const raw = request.raw.rawHeaders
  const values: string[] = []
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'dpop') values.push(raw[i + 1]!)
  return values
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
    const exchange = new TokenExchange()
    let result
    try {
      result = await exchangeToken(core, { body: request.body, authorization: request.headers.authorization, dpop: dpopHeaders(request) }, exchange)
    } catch (err) {
      if (err instanceof StoreUnavailableError) {
        // DESIGN.md: a database error is 503 with Retry-After, never a 500.
        reportStoreFailure(core, request.log, err)
        return fail(core, request, reply, storeUnavailable, exchange)
      }
      request.log.error({ err }, 'token request failed')
      return fail(core, request, reply, Errors.serverError, exchange)
    }
    if (result instanceof OAuthError) return fail(core, request, reply, result, exchange)
    reply.header('content-type', JSON_TYPE)
    logExchange(core, request, reply, exchange, 'ok')
    return reply.send(result.body)
  })
}
