// oidc-provider 9 for scenario 3: client_credentials with resource
// indicators (RFC 8707), issuing JWT access tokens for the resource.
import { env } from './issue-common.mjs'
import { serveIpc } from './ipc.mjs'
import { resourceIndicators, startProvider } from './oidc-common.mjs'

const { origin } = await startProvider({
  clients: [{
    client_id: env.clientId,
    client_secret: env.clientSecret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: env.alg,
    scope: env.scope,
  }],
  jwks: { keys: [env.privateJwk] },
  scopes: [env.scope],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: resourceIndicators(),
  },
  routes: { token: '/oauth2/token' },
})
serveIpc(`${origin}/oauth2/token`)
