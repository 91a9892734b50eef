// GET and POST /oauth2/logout: the sign-out page and its form (steps in ../browser/logout.ts).
import type { FastifyInstance } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import { browserContext } from '../browser/cookies.js'
import { answerLogout, showLogout } from '../../oauth/logout.js'
import { sendOutcome } from '../browser/reply.js'
import { LOGOUT_PATH } from '../../oauth/paths.js'
import { logBrowserRequest } from './browser-log.js'

export function logoutRoutes(app: FastifyInstance, core: IssuerCore): void {
  app.get(LOGOUT_PATH, { exposeHeadRoute: false }, async function logout(request, reply) {
    return sendOutcome(reply, await showLogout(core, browserContext(core, request, reply)))
  })

  app.post(LOGOUT_PATH, async function signOut(request, reply) {
    const outcome = await answerLogout(core, request.body, browserContext(core, request, reply))
    logBrowserRequest(request, 'logout form', {}, outcome)
    return sendOutcome(reply, outcome)
  })
}
