// GET /.well-known/oauth-authorization-server: RFC 8414 §2 metadata, served
// per §3. The issuer is read from the config at each request (serve on port
// 0 sets it after listening). No response_types_supported: there is no
// authorization endpoint (DESIGN).

import type { FastifyInstance } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import { grantTypesSupported } from '../grants/index.js'
import { JWKS_PATH } from './jwks.js'
import { TOKEN_PATH } from './token.js'

export const METADATA_PATH = '/.well-known/oauth-authorization-server'

/** RFC 6749 §2.3.1 methods the token endpoint accepts (RFC 8414 §2 / RFC 7591 §2 names). */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const

export async function metadataRoute(app: FastifyInstance, options: { core: IssuerCore }): Promise<void> {
  const { core } = options
  app.get(METADATA_PATH, async function metadata(_request, reply) {
    const issuer = core.config.issuer
    const scopes = await core.scopesSupported()
    reply.header('cache-control', 'no-cache')
    return {
      issuer,
      token_endpoint: issuer + TOKEN_PATH,
      jwks_uri: issuer + JWKS_PATH,
      grant_types_supported: grantTypesSupported,
      token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS,
      scopes_supported: scopes,
    }
  })
}
