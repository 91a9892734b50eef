// Express adapter (Express 4 and 5): a thin layer over the core.
//   const requireAuth = expressAuth({ issuer, audience })
//   app.use(requireAuth.metadata)          // RFC 9728 routes, with `resourceMetadata`
//   app.get('/x', requireAuth('read'), (req, res) => res.json(req.auth.sub))
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { ParamsDictionary, Query } from 'express-serve-static-core'
import { adapterSetup, type AdapterOptions } from './adapter-options.js'
import { isVerifyError } from './errors.js'
import { renderError } from './render.js'
import { answerMetadata, pathOf } from './resource-metadata.js'
import { assertScopeNames } from './scopes.js'
import type { AccessTokenClaims } from './types.js'
import type { VerifiableRequest, Verifier } from './verifier.js'

export type ExpressAuthOptions = AdapterOptions

// Typing `req.auth` soundly. Express types a route's handlers with one
// shared `Locals` type parameter, inferred from the handlers themselves, so
// `requireAuth(...)` returns a handler whose `Locals` carries a brand. In a
// handler after it on the same route, `Locals` is branded and `req.auth` is
// present; anywhere else it may be undefined (TS18048 if read unchecked).
// The brand is an optional member under a symbol that exists only in types:
// any plain `Record<string, any>` still fits, so `requireAuth(...)` remains
// an ordinary `RequestHandler` (storable in one, or in an array of them).
declare const authenticated: unique symbol

/** The `Locals` type of a handler behind `requireAuth`: marks `req.auth` as set. */
export interface Authenticated {
  readonly [authenticated]?: true
}

declare module 'express-serve-static-core' {
  interface Request<P, ResBody, ReqBody, ReqQuery, LocalsObj extends Record<string, any>> {
    /**
     * The verified token's claims, set by `requireAuth`: typed as present in
     * a handler behind `requireAuth` on the same route, else as possibly
     * undefined.
     */
    auth: typeof authenticated extends keyof LocalsObj ? AccessTokenClaims : AccessTokenClaims | undefined
  }
}

/** What `requireAuth(...)` returns: a middleware whose later handlers see `req.auth` as set. */
export type AuthenticatedHandler = RequestHandler<ParamsDictionary, any, any, Query, Record<string, any> & Authenticated>

export interface RequireAuth {
  /** Middleware that authenticates and demands every scope named (none: authentication only). */
  (...scopes: string[]): AuthenticatedHandler
  /** The verifier behind it. */
  readonly verifier: Verifier
  /**
   * Middleware answering the RFC 9728 metadata paths (`app.use(requireAuth.metadata)`)
   * and passing every other request on; without `resourceMetadata`, it passes everything on.
   */
  readonly metadata: RequestHandler
}

/**
 * The request as the core reads it, read lazily (Express 5's `req.query`
 * parses on each read). `url` is `originalUrl`: a router mounted at a path
 * sees a shortened `req.url`, but a DPoP proof names the whole path. The
 * origin comes from the socket and `Host` in the core, never from
 * `req.protocol`/`req.host`, which `trust proxy` takes from X-Forwarded-*.
 */
class ExpressRequest implements VerifiableRequest {
  readonly #req: Request
  constructor(req: Request) {
    this.#req = req
  }
  get method(): string { return this.#req.method }
  get url(): string { return this.#req.originalUrl }
  get headers(): Request['headers'] { return this.#req.headers }
  get socket(): unknown { return this.#req.socket }
  get body(): unknown { return this.#req.body }
  get query(): unknown { return this.#req.query }
}

export function expressAuth(options: ExpressAuthOptions): RequireAuth {
  const { verifier, passErrors } = adapterSetup(options)
  const requireAuth = (...scopes: string[]): AuthenticatedHandler => {
    assertScopeNames(scopes, 'requireAuth() arguments')
    const call = { scopes }
    return function tesseraRequireAuth(req: Request, res: Response, next: NextFunction): void {
      verifier.verifyRequest(new ExpressRequest(req), call).then(
        (claims) => {
          req.auth = claims
          next()
        },
        (error: unknown) => {
          if (passErrors || !isVerifyError(error)) return next(error)
          // Answer here, whatever error handler the app has (RFC 6750 §3).
          const r = renderError(error)
          res.status(r.status).set(r.headers).send(r.body)
        },
      )
    }
  }
  const resource = verifier.protectedResource
  const metadata: RequestHandler = function tesseraMetadata(req, res, next) {
    const answer = answerMetadata(resource, req.method, pathOf(req.originalUrl))
    if (answer === undefined) return next()
    res.status(answer.status).set(answer.headers).end(answer.body)
  }
  return Object.assign(requireAuth, { verifier, metadata })
}

export default expressAuth
