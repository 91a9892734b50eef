// GET /.well-known/jwks.json: the public signing keys as a JWK Set
// (RFC 7517 §5), cacheable for `jwksMaxAge` seconds, which DESIGN keeps
// shorter than a pending key's pre-publication delay. A strong ETag (a hash
// of the body, RFC 9110 §8.8.3) lets a verifier revalidate with
// If-None-Match and get 304 without the body (RFC 9110 §13.1.2, §15.4.5).

import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import type { Jwks } from '../../domain/types.js'
import { anyOrigin } from '../cors.js'

export const JWKS_PATH = '/.well-known/jwks.json'

/** The body's strong entity tag: every process serving the same keys gives the same tag. */
export const jwksEtag = (body: string): string => `"${createHash('sha256').update(body).digest('base64url')}"`

/**
 * RFC 9110 §13.1.2: If-None-Match is false (so 304) when it is "*" or lists
 * a tag that matches by the weak comparison (§8.8.3.2: W/ is ignored).
 */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return true
  if (header.trim() === '*') return false
  return !header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

export async function jwksRoute(app: FastifyInstance, options: { core: IssuerCore }): Promise<void> {
  const { core } = options
  // core.jwks() is cached by the core; serialise and hash again only when it hands out a new set.
  let lastSet: Jwks | undefined
  let lastBody = ''
  let lastEtag = ''
  // Any origin may read the keys (CORS): a browser app verifies ID tokens with them.
  app.addHook('onRequest', anyOrigin)

  app.get(JWKS_PATH, function jwks(request, reply) {
    const set = core.jwks()
    if (set !== lastSet) {
      lastSet = set
      lastBody = JSON.stringify({ keys: set.keys })
      lastEtag = jwksEtag(lastBody)
    }
    // A 304 carries the same Cache-Control and ETag as the 200 would (RFC 9110 §15.4.5).
    reply.header('cache-control', `public, max-age=${core.config.jwksMaxAge}`)
    reply.header('etag', lastEtag)
    if (!noneMatch(request.headers['if-none-match'], lastEtag)) return reply.code(304).send()
    reply.header('content-type', 'application/json; charset=utf-8')
    return reply.send(lastBody)
  })
}
