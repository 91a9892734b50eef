// GET /.well-known/jwks.json: the public signing keys as a JWK Set
// (RFC 7517 §5), cacheable for `jwksMaxAge` seconds, which DESIGN keeps
// shorter than a pending key's pre-publication delay.

import type { FastifyInstance } from 'fastify'
import type { IssuerCore, Jwks } from '../../core/types.js'

export const JWKS_PATH = '/.well-known/jwks.json'

export async function jwksRoute(app: FastifyInstance, options: { core: IssuerCore }): Promise<void> {
  const { core } = options
  // core.jwks() is cached by the core; serialise again only when it hands out a new set.
  let lastSet: Jwks | undefined
  let lastBody = ''

  app.get(JWKS_PATH, function jwks(_request, reply) {
    const set = core.jwks()
    if (set !== lastSet) {
      lastSet = set
      lastBody = JSON.stringify({ keys: set.keys })
    }
    reply.header('cache-control', `public, max-age=${core.config.jwksMaxAge}`)
    reply.header('content-type', 'application/json; charset=utf-8')
    return reply.send(lastBody)
  })
}
