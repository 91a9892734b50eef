// One log line per answer of the browser endpoints: the client (only when it
// has the issuer's id format), what happened, the status. Never the query,
// a cookie, a code, a username or a password (DESIGN.md, "Operations").
import type { FastifyRequest } from 'fastify'
import type { Seen } from '../../oauth/authorize/begin.js'
import type { Outcome } from '../../oauth/authorize/response.js'
import { loggedClientId } from '../logged-values.js'

export function logBrowserRequest(request: FastifyRequest, what: string, seen: Seen, outcome: Outcome): void {
  request.log.info({
    client_id: loggedClientId(seen.clientId),
    outcome: outcome.outcome,
    status: outcome.type === 'redirect' ? 303 : outcome.status,
  }, what)
}
