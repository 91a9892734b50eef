// GET and POST /oauth2/logout: the sign-out page and its form, and OpenID
// Connect RP-Initiated Logout (steps in oauth/logout.ts). Never CORS.
import type { FastifyInstance } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import { browserContext } from '../browser/cookies.js'
import { logout } from '../../oauth/logout.js'
import { sendOutcome } from '../browser/reply.js'
import { LOGOUT_PATH } from '../../oauth/paths.js'
import { problemPage } from '../../oauth/authorize/response.js'
import { Problem, Problems } from '../../oauth/authorize/errors.js'
import { readQuery } from '../../oauth/authorize/request.js'
import { logBrowserRequest } from './browser-log.js'

export function logoutRoutes(app: FastifyInstance, core: IssuerCore): void {
  app.get(LOGOUT_PATH, { exposeHeadRoute: false }, async function logoutPage(request, reply) {
    const query = readQuery(request.url)
    const outcome = query instanceof Problem
      ? problemPage(Problems.malformedQuery, 'malformed_query')
      : await logout(core, 'GET', query, browserContext(core, request, reply))
    logBrowserRequest(request, 'logout page', {}, outcome)
    return sendOutcome(reply, outcome)
  })

  app.post(LOGOUT_PATH, async function signOut(request, reply) {
    const outcome = await logout(core, 'POST', request.body, browserContext(core, request, reply))
    logBrowserRequest(request, 'logout form', {}, outcome)
    return sendOutcome(reply, outcome)
  })
}
