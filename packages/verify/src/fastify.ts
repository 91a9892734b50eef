// Fastify adapter: a thin layer over the core (see verifier.ts).
//   await app.register(tesseraAuth, { issuer, audience })
//   app.get('/x', { onRequest: app.requireAuth('read') }, async (req) => req.auth.sub)
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { adapterSetup, type AdapterOptions } from './adapter-options.js'
import { isVerifyError } from './errors.js'
import { renderError } from './render.js'
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
  app.decorate('requireAuth', function requireAuth(...scopes: string[]): onRequestAsyncHookHandler {
    assertScopeNames(scopes, 'requireAuth() arguments')
    const call = { scopes }
    return async function tesseraRequireAuth(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
      try {
        request.auth = await verifier.authenticate(request, call)
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
