// POST /oauth2/revoke (RFC 7009 §2): a client revokes its own refresh
// token, and with it the token's family. Client authentication as at the
// token endpoint (a public client sends `client_id`). The answer is 200
// with an empty body whether anything was revoked or not (§2.2: an unknown
// token, another client's, or an access token, which is a JWT checked
// offline and not revocable here), so the endpoint tells nothing about
// tokens; 401 invalid_client, 400 invalid_request without `token`.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { StoreUnavailableError } from '../../domain/errors.js'
import type { IssuerCore } from '../../core/types.js'
import { Errors, OAuthError, storeUnavailable } from '../../oauth/errors.js'
import { noCacheHeaders, sendOAuthError } from '../oauth-reply.js'
import { reportStoreFailure } from '../store-failure.js'
import { authenticate, readClientCredentials } from '../../oauth/shared/client-auth.js'
import { requireForm } from '../../oauth/token/pipeline.js'
import { loggedClientId } from '../logged-values.js'

export const REVOKE_PATH = '/oauth2/revoke'

/** RFC 7009 §2.1 parameters, plus client authentication's (RFC 6749 §2.3.1): each at most once. */
const PARAMETERS = ['token', 'token_type_hint', 'client_id', 'client_secret']

interface Revocation { clientId?: string; familyId?: string; revoked: boolean }

async function revoke(core: IssuerCore, body: unknown, authorization: string | undefined, seen: Revocation): Promise<OAuthError | undefined> {
  const params = requireForm(body)
  if (params instanceof OAuthError) return params
  if (PARAMETERS.some((p) => Array.isArray(params[p]))) return Errors.repeatedParameter
  const claimed = readClientCredentials(authorization, params)
  if (claimed instanceof OAuthError) return claimed
  seen.clientId = claimed.id
  const client = await authenticate(core, claimed)
  if (client instanceof OAuthError) return client
  const token = params.token
  if (typeof token !== 'string') return Errors.missingToken
  // token_type_hint is only a hint (§2.1): refresh tokens are the only revocable kind, so it changes nothing.
  const result = await core.refreshTokens.revoke(token, client)
  seen.revoked = result.revoked
  seen.familyId = result.familyId
  return undefined
}

function log(request: FastifyRequest, reply: FastifyReply, seen: Revocation, outcome: string): void {
  request.log.info({ client_id: loggedClientId(seen.clientId), family_id: seen.familyId, revoked: seen.revoked, outcome, status: reply.statusCode }, 'revocation request')
}

export function revokeRoute(app: FastifyInstance, core: IssuerCore, bodyLimit: number): void {
  app.post(REVOKE_PATH, { bodyLimit }, async function revocation(request, reply) {
    noCacheHeaders(reply)
    const seen: Revocation = { revoked: false }
    let error: OAuthError | undefined
    try {
      error = await revoke(core, request.body, request.headers.authorization, seen)
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err
      reportStoreFailure(core, request.log, err)
      error = storeUnavailable
    }
    if (error !== undefined) {
      log(request, reply.code(error.status), seen, error.error)
      return sendOAuthError(reply, error)
    }
    log(request, reply.code(200), seen, 'ok')
    return reply.send()
  })
}
