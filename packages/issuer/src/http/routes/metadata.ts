// GET /.well-known/oauth-authorization-server: RFC 8414 §2 metadata, served
// per §3. The issuer is read from the config at each request (serve on port
// 0 sets it after listening).

import type { FastifyInstance } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import { grantTypesSupported } from '../../oauth/grants/index.js'
import { AUTHORIZE_PATH, REGISTER_PATH } from '../../oauth/paths.js'
import { DPOP_ALGS } from '../../oauth/dpop/index.js'
import { JWKS_PATH } from './jwks.js'
import { REVOKE_PATH } from './revoke.js'
import { TOKEN_PATH } from './token.js'

export const METADATA_PATH = '/.well-known/oauth-authorization-server'

/** RFC 6749 §2.3.1 methods the token and revocation endpoints accept (RFC 8414 §2 / RFC 7591 §2 names); `none`: public clients. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const

export async function metadataRoute(app: FastifyInstance, options: { core: IssuerCore }): Promise<void> {
  const { core } = options
  app.get(METADATA_PATH, async function metadata(_request, reply) {
    const issuer = core.config.issuer
    const open = core.config.registration === 'open'
    // With registration open, any app may register for TESSERA_REGISTRATION_SCOPE: those scopes are supported too.
    const scopes = open ? [...new Set([...await core.scopesSupported(), ...core.config.registrationScope])].sort() : await core.scopesSupported()
    reply.header('cache-control', 'no-cache')
    return {
      issuer,
      authorization_endpoint: issuer + AUTHORIZE_PATH,
      token_endpoint: issuer + TOKEN_PATH,
      revocation_endpoint: issuer + REVOKE_PATH,
      jwks_uri: issuer + JWKS_PATH,
      grant_types_supported: grantTypesSupported,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      // RFC 7636 §4.2: S256 only; `plain` is never accepted (RFC 9700 §2.1.1).
      code_challenge_methods_supported: ['S256'],
      // RFC 9207 §3: `iss` in every authorization response.
      authorization_response_iss_parameter_supported: true,
      token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS,
      revocation_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS,
      scopes_supported: scopes,
      // RFC 8414 §2 / RFC 7591 §3: only when apps may register themselves.
      ...(open ? { registration_endpoint: issuer + REGISTER_PATH } : {}),
      // RFC 9449 §5.1: the proof algorithms accepted, EdDSA under both its names (RFC 9864).
      dpop_signing_alg_values_supported: DPOP_ALGS,
    }
  })
}
