// Hono adapter: middleware over the fetch layer (the core reads Hono's Web
// Request, `c.req.raw`; rejections are the same Response). Hono is imported
// for types only, so nothing of it loads at run time from here.
//   const requireAuth = honoAuth({ issuer, audience })
//   app.use(requireAuth.metadata)          // RFC 9728 routes, with `resourceMetadata`
//   app.get('/x', requireAuth('read'), (c) => c.json({ sub: c.get('auth').sub }))
import type { MiddlewareHandler } from 'hono'
import { adapterSetup, type AdapterOptions } from './adapter-options.js'
import { isVerifyError } from './errors.js'
import { answerMetadata, metadataResponse } from './resource-metadata.js'
import { assertScopeNames } from './scopes.js'
import type { AccessTokenClaims } from './types.js'
import type { Verifier } from './verifier.js'

export type HonoAuthOptions = AdapterOptions

/**
 * The Env a `requireAuth` middleware adds: `c.get('auth')` is the verified
 * claims in every handler after it on the same route (or after
 * `app.use(requireAuth())` on a chained app), and typed so by Hono itself.
 */
export interface TesseraEnv {
  Variables: { auth: AccessTokenClaims }
}

export interface HonoRequireAuth {
  /**
   * Middleware that authenticates and demands every scope named (none:
   * authentication only). Rejections are answered here (RFC 6750 §3), or
   * thrown with `passErrors`: Hono's default handler then answers with the
   * error's `getResponse()`, and `app.onError` receives the typed error.
   */
  (...scopes: string[]): MiddlewareHandler<TesseraEnv>
  /** The verifier behind it. */
  readonly verifier: Verifier
  /**
   * Middleware answering the RFC 9728 metadata paths (`app.use(requireAuth.metadata)`)
   * and passing every other request on; without `resourceMetadata`, it passes everything on.
   */
  readonly metadata: MiddlewareHandler
}

export function honoAuth(options: HonoAuthOptions): HonoRequireAuth {
  const { verifier, passErrors } = adapterSetup(options)
  const requireAuth = (...scopes: string[]): MiddlewareHandler<TesseraEnv> => {
    assertScopeNames(scopes, 'requireAuth() arguments')
    const call = { scopes }
    return async function tesseraRequireAuth(c, next) {
      try {
        c.set('auth', await verifier.verifyRequest(c.req.raw, call))
      } catch (error) {
        if (passErrors || !isVerifyError(error)) throw error
        return error.getResponse()
      }
      await next()
      return undefined
    }
  }
  const resource = verifier.protectedResource
  const metadata: MiddlewareHandler = async function tesseraMetadata(c, next) {
    const answer = answerMetadata(resource, c.req.method, c.req.path)
    if (answer !== undefined) return metadataResponse(answer)
    await next()
    return undefined
  }
  return Object.assign(requireAuth, { verifier, metadata })
}

export default honoAuth
