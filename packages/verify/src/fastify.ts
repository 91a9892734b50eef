// Fastify adapter: a thin layer over the core (see verifier.ts).
//   await app.register(tesseraAuth, { issuer, audience })
//   app.get('/x', { onRequest: app.requireAuth('read') }, async (req) => req.auth.sub)
// With `resourceMetadata`, the plugin registers the RFC 9728 routes itself.
// The request goes to the core as it is: its `url` is the path, and the
// core takes the origin from `dpop.origin`, or the socket (TLS or not) and
// `Host`; Fastify's `protocol` and `host` are not used, since with
// `trustProxy` they come from X-Forwarded-* headers.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { adapterSetup, type AdapterOptions } from './adapter-options.js'
import { isVerifyError } from './errors.js'
import { renderError } from './render.js'
import { answerMetadata } from './resource-metadata.js'
import { assertScopeNames } from './scopes.js'
import type { AccessTokenClaims } from './types.js'
import type { Verifier } from './verifier.js'

export type TesseraAuthOptions = AdapterOptions

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token's claims; set by `requireAuth`. */
    auth: AccessTokenClaims
  }
  interface FastifyInstance {
    /**
     * A hook that authenticates the request and demands every scope named
     * (none: authentication only). Use it as `onRequest`, or as `preHandler`
     * when `allowFormBody` is on (the body is parsed by then).
     */
    requireAuth(...scopes: string[]): onRequestAsyncHookHandler
    /** The verifier behind `requireAuth`. */
    tesseraVerifier: Verifier
  }
}

async function plugin(app: FastifyInstance, options: TesseraAuthOptions): Promise<void> {
  const { verifier, passErrors } = adapterSetup(options)
  app.decorateRequest('auth', null as unknown as AccessTokenClaims)
  app.decorate('tesseraVerifier', verifier)
  const resource = verifier.protectedResource
  if (resource !== null) {
    for (const path of resource.paths) {
      app.route({
        method: ['GET', 'HEAD', 'OPTIONS'],
        url: path,
        handler: (request, reply) => {
          const answer = answerMetadata(resource, request.method, path)!
          return reply.code(answer.status).headers(answer.headers).send(answer.body)
        },
      })
    }
  }
  app.decorate('requireAuth', function requireAuth(...scopes: string[]): onRequestAsyncHookHandler {
    assertScopeNames(scopes, 'requireAuth() arguments')
    const call = { scopes }
    return async function tesseraRequireAuth(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
      try {
        request.auth = await verifier.verifyRequest(request, call)
        return undefined
      } catch (error) {
        if (passErrors || !isVerifyError(error)) throw error
        // Answer here, whatever error handler the app has (RFC 6750 §3);
        // returning the reply tells Fastify the request is answered.
        const r = renderError(error)
        return reply.code(r.status).headers(r.headers).send(r.body)
      }
    }
  })
}

/** The Fastify plugin. Register once per app (or per encapsulated context). */
export const tesseraAuth = fp(plugin, { name: '@tessera/verify', fastify: '5.x' })
export default tesseraAuth
