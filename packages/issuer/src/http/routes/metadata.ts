// The two metadata documents, built from one source: RFC 8414 §2
// authorization server metadata at /.well-known/oauth-authorization-server
// (served per §3), and OpenID Connect Discovery 1.0 §3 provider metadata at
// /.well-known/openid-configuration (§4), which is the same document plus
// the OpenID Provider's fields. The issuer is read from the config at each
// request (serve on port 0 sets it after listening). Any origin may read
// them (CORS).

import type { FastifyInstance } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import { grantTypesSupported } from '../../oauth/grants/index.js'
import { AUTHORIZE_PATH, LOGOUT_PATH, REGISTER_PATH, USERINFO_PATH } from '../../oauth/paths.js'
import { DPOP_ALGS } from '../../oauth/dpop/index.js'
import { IDENTITY_SCOPES } from '../../domain/types.js'
import { anyOrigin } from '../cors.js'
import { JWKS_PATH } from './jwks.js'
import { REVOKE_PATH } from './revoke.js'
import { TOKEN_PATH } from './token.js'

export const METADATA_PATH = '/.well-known/oauth-authorization-server'
/** OpenID Connect Discovery 1.0 §4: the issuer identifier followed by this path. */
export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration'

/** RFC 6749 §2.3.1 methods the token and revocation endpoints accept (RFC 8414 §2 / RFC 7591 §2 names); `none`: public clients. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const

/** OpenID Connect Core §2, §5.1: every claim an ID token or UserInfo may carry. */
export const CLAIMS_SUPPORTED = [
  'sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'azp', 'sid', 'amr',
  'preferred_username', 'name', 'updated_at', 'email', 'email_verified',
] as const

/** RFC 8414 §2: the authorization server's metadata. */
export async function authorizationServerMetadata(core: IssuerCore): Promise<Record<string, unknown>> {
  const issuer = core.config.issuer
  const open = core.config.registration === 'open'
  // The identity scopes are offered whatever the clients list (OpenID Connect Discovery §3: openid MUST be listed);
  // with registration open, any app may register for TESSERA_REGISTRATION_SCOPE: those scopes are supported too.
  const scopes = [...new Set([
    ...await core.scopesSupported(), ...IDENTITY_SCOPES, ...(open ? core.config.registrationScope : []),
  ])].sort()
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
}

/** OpenID Connect Discovery 1.0 §3: the same document plus the OpenID Provider's fields. */
export async function openIdConfiguration(core: IssuerCore): Promise<Record<string, unknown>> {
  const issuer = core.config.issuer
  return {
    ...await authorizationServerMetadata(core),
    userinfo_endpoint: issuer + USERINFO_PATH,
    // RP-Initiated Logout 1.0 §2.1.
    end_session_endpoint: issuer + LOGOUT_PATH,
    subject_types_supported: ['public'],
    // Core §15.1, Discovery §3: ID tokens are RS256 whatever signs the access tokens.
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: CLAIMS_SUPPORTED,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
  }
}

export async function metadataRoute(app: FastifyInstance, options: { core: IssuerCore }): Promise<void> {
  const { core } = options
  app.addHook('onRequest', anyOrigin)
  for (const [path, document] of [[METADATA_PATH, authorizationServerMetadata], [OPENID_CONFIGURATION_PATH, openIdConfiguration]] as const) {
    app.get(path, async function metadata(_request, reply) {
      reply.header('cache-control', 'no-cache')
      return document(core)
    })
  }
}
