// GET /healthz: 200 when the database and a signing key are usable, else 503
// with a short, safe reason. Never cached.

import type { FastifyInstance } from 'fastify'
import type { IssuerCore } from '../../core/types.js'

export const HEALTH_PATH = '/healthz'

export async function healthRoute(app: FastifyInstance, options: { core: IssuerCore }): Promise<void> {
  const { core } = options
  app.get(HEALTH_PATH, async function health(request, reply) {
    let status
    try {
      status = await core.health()
    } catch (err) {
      request.log.error({ err }, 'health check failed')
      status = { ok: false, reason: 'health check failed' }
    }
    reply.header('cache-control', 'no-store')
    if (status.ok) return { status: 'ok' }
    reply.code(503)
    return { status: 'unavailable', reason: status.reason ?? 'unavailable' }
  })
}
