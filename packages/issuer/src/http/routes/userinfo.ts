// GET and POST /oauth2/userinfo (OpenID Connect Core §5.3), in its own
// plugin: any body is read and ignored (§5.3.1: the token comes in the
// Authorization header), CORS for any origin (browser apps), and every
// answer `Cache-Control: no-store`; with TESSERA_DPOP_NONCE on, a nonce
// challenge carries `DPoP-Nonce`. The steps live in oauth/oidc/userinfo.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import { StoreUnavailableError } from '../../domain/errors.js'
import { storeUnavailable } from '../../oauth/errors.js'
import { BearerError } from '../../oauth/oidc/bearer-errors.js'
import { userInfo, type UserInfoSeen } from '../../oauth/oidc/userinfo.js'
import { USERINFO_PATH } from '../../oauth/paths.js'
import { anyOrigin, preflightRoute } from '../cors.js'
import { JSON_TYPE, noCacheHeaders, sendOAuthError } from '../oauth-reply.js'
import { reportStoreFailure } from '../store-failure.js'
import { currentNonce } from '../../oauth/dpop/index.js'
import { dpopHeaders } from '../dpop-headers.js'
import { loggedClientId } from '../logged-values.js'

/** A UserInfo POST carries at most a small form; anything larger is refused (413). */
const BODY_LIMIT = 16 * 1024

function send(core: IssuerCore, reply: FastifyReply, answer: Awaited<ReturnType<typeof userInfo>>): FastifyReply {
  reply.header('content-type', JSON_TYPE)
  if (answer instanceof BearerError) {
    // RFC 6750 §3: every failure carries the challenge.
    const challenges = answer.challenges
    reply.code(answer.status).header('www-authenticate', challenges.length === 1 ? challenges[0] : challenges)
    // RFC 9449 §9: a resource's nonce challenge carries the nonce to use.
    if (answer.error === 'use_dpop_nonce') reply.header('dpop-nonce', currentNonce(core.dpop.nonceKey, core.dpop.now()))
    return answer.body === '' ? reply.send('{}') : reply.send(answer.body)
  }
  return reply.send(JSON.stringify(answer.claims))
}

export async function userInfoEndpoint(app: FastifyInstance, options: { core: IssuerCore }): Promise<void> {
  const { core } = options
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, _body, done) => done(null, undefined))
  app.addHook('onRequest', anyOrigin)
  preflightRoute(app, USERINFO_PATH)

  async function handler(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    noCacheHeaders(reply)
    const seen: UserInfoSeen = {}
    let answer
    try {
      const method = request.method === 'POST' ? 'POST' : 'GET'
      answer = await userInfo(core, { method, authorization: request.headers.authorization, dpop: dpopHeaders(request) }, seen)
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err
      reportStoreFailure(core, request.log, err)
      return sendOAuthError(reply, storeUnavailable, 'GET, POST')
    }
    request.log.info({ client_id: loggedClientId(seen.clientId), outcome: answer instanceof BearerError ? answer.error ?? 'no_token' : 'ok', status: answer instanceof BearerError ? answer.status : 200 }, 'userinfo')
    return send(core, reply, answer)
  }
  app.get(USERINFO_PATH, { exposeHeadRoute: false }, handler)
  app.post(USERINFO_PATH, handler)
}
