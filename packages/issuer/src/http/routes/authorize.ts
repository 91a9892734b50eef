// GET and POST /oauth2/authorize (RFC 6749 §3.1, §4.1): the routes only
// hand the request to the steps (../authorize/) and render what they decide.
import type { FastifyInstance } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import { answerAuthorization } from '../../oauth/authorize/answer.js'
import { beginAuthorization, type Seen } from '../../oauth/authorize/begin.js'
import { browserContext } from '../browser/cookies.js'
import { sendOutcome } from '../browser/reply.js'
import { AUTHORIZE_PATH } from '../../oauth/paths.js'
import { withScopeText } from '../../oauth/scope-text.js'
import { logBrowserRequest } from './browser-log.js'

export function authorizeRoutes(app: FastifyInstance, core: IssuerCore): void {
  app.get(AUTHORIZE_PATH, { exposeHeadRoute: false }, async function authorize(request, reply) {
    const seen: Seen = {}
    const outcome = await beginAuthorization(core, request.url, browserContext(core, request, reply), seen)
    logBrowserRequest(request, 'authorization request', seen, outcome)
    return sendOutcome(reply, await withScopeText(core, outcome))
  })

  app.post(AUTHORIZE_PATH, async function answer(request, reply) {
    const seen: Seen = {}
    const outcome = await answerAuthorization(core, request.body, browserContext(core, request, reply), seen)
    logBrowserRequest(request, 'sign-in form', seen, outcome)
    return sendOutcome(reply, await withScopeText(core, outcome))
  })
}
