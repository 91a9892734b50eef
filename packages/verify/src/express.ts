// Express adapter (Express 4 and 5): a thin layer over the core.
//   const requireAuth = expressAuth({ issuer, audience })
//   app.get('/x', requireAuth('read'), (req, res) => res.json(req.auth))
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { adapterSetup, type AdapterOptions } from './adapter-options.js'
import { isVerifyError } from './errors.js'
import type { RequestLike } from './extract-token.js'
import { assertScopeNames } from './scopes.js'
import type { AccessTokenClaims } from './types.js'
import type { Verifier } from './verifier.js'

export type ExpressAuthOptions = AdapterOptions

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified token's claims; set by `requireAuth`. */
      auth?: AccessTokenClaims
    }
  }
}

export interface RequireAuth {
  /** Middleware that authenticates and demands every scope named (none: authentication only). */
  (...scopes: string[]): RequestHandler
  /** The verifier behind it. */
  readonly verifier: Verifier
}

export function expressAuth(options: ExpressAuthOptions): RequireAuth {
  const { verifier, passErrors } = adapterSetup(options)
  const requireAuth = (...scopes: string[]): RequestHandler => {
    assertScopeNames(scopes, 'requireAuth() arguments')
    const call = { scopes }
    return function tesseraRequireAuth(req: Request, res: Response, next: NextFunction): void {
      verifier.authenticate(req as unknown as RequestLike, call).then(
        (claims) => {
          req.auth = claims
          next()
        },
        (error: unknown) => {
          if (passErrors || !isVerifyError(error)) return next(error)
          // Answer here, whatever error handler the app has (RFC 6750 §3).
          res.status(error.status).set(error.headers).json(error.body)
        },
      )
    }
  }
  return Object.assign(requireAuth, { verifier })
}

export default expressAuth
