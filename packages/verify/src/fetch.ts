// Web-standard adapter: fetch-API `Request` in, `Response` out, for code
// written against the platform rather than a framework (Next.js route
// handlers, Bun.serve, Deno.serve, Cloudflare-style handlers, Node's global
// Request). Named after the fetch API whose two classes it speaks, as
// Hono and the WinterCG "fetch handler" shape do. A thin layer: token
// extraction, errors and rendering are the core's, as for Fastify/Express.
//   const requireAuth = fetchAuth({ issuer, audience })
//   requireAuth.metadata(request)          // RFC 9728: a Response for the metadata paths, else undefined
//   export const GET = requireAuth('read')(async (request, auth) => Response.json({ sub: auth.sub }))
import { adapterSetup, type AdapterOptions } from './adapter-options.js'
import { isVerifyError } from './errors.js'
import { answerMetadata, metadataResponse } from './resource-metadata.js'
import { assertScopeNames } from './scopes.js'
import type { AccessTokenClaims } from './types.js'
import type { Verifier } from './verifier.js'

export { errorResponse } from './render.js'

export type FetchAuthOptions = AdapterOptions

/** A handler behind `requireAuth`: the request, the verified claims, then whatever the runtime passes (Next.js context, Bun server, Deno info). */
export type AuthenticatedHandler<R extends Request = Request, A extends unknown[] = []> =
  (request: R, auth: AccessTokenClaims, ...rest: A) => Response | Promise<Response>

/** The wrapped handler: what the runtime calls. */
export type FetchHandler<R extends Request = Request, A extends unknown[] = []> = (request: R, ...rest: A) => Promise<Response>

export interface FetchRequireAuth {
  /**
   * Wraps a handler so that it runs only for a request with a valid token
   * carrying every scope named (none: authentication only). A rejection is
   * answered with `errorResponse(error)`, or, with `passErrors`, thrown.
   */
  (...scopes: string[]): <R extends Request, A extends unknown[]>(handler: AuthenticatedHandler<R, A>) => FetchHandler<R, A>
  /** The verifier behind it; `verifier.verifyRequest(request)` takes a Web Request too. */
  readonly verifier: Verifier
  /**
   * The RFC 9728 metadata answer for a request to one of its paths, or
   * undefined for any other request (always undefined without `resourceMetadata`).
   */
  metadata(request: Request): Response | undefined
}

export function fetchAuth(options: FetchAuthOptions): FetchRequireAuth {
  const { verifier, passErrors } = adapterSetup(options)
  const requireAuth = (...scopes: string[]) => {
    assertScopeNames(scopes, 'requireAuth() arguments')
    const call = { scopes }
    return <R extends Request, A extends unknown[]>(handler: AuthenticatedHandler<R, A>): FetchHandler<R, A> =>
      async function tesseraRequireAuth(request: R, ...rest: A): Promise<Response> {
        let auth: AccessTokenClaims
        try {
          auth = await verifier.verifyRequest(request, call)
        } catch (error) {
          if (passErrors || !isVerifyError(error)) throw error
          // RFC 6750 §3: status, challenge and JSON body, as every adapter sends.
          return error.getResponse()
        }
        return handler(request, auth, ...rest)
      }
  }
  const resource = verifier.protectedResource
  const metadata = (request: Request): Response | undefined => {
    if (resource === null) return undefined
    const answer = answerMetadata(resource, request.method, new URL(request.url).pathname)
    return answer === undefined ? undefined : metadataResponse(answer)
  }
  return Object.assign(requireAuth, { verifier, metadata })
}

export default fetchAuth
