// oidc-provider 9 for scenario 3: client_credentials with resource
// indicators (RFC 8707), issuing JWT access tokens for the resource.
import { createServer } from 'node:http'
import Provider from 'oidc-provider'
import { env } from './issue-common.mjs'
import { serveIpc } from './ipc.mjs'

let handler = (req, res) => { res.statusCode = 503; res.end() }
const server = createServer((req, res) => handler(req, res))
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`

const provider = new Provider(origin, {
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
    resourceIndicators: {
      enabled: true,
      defaultResource: () => env.audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator) => {
        if (resourceIndicator !== env.audience) throw new Provider.errors.InvalidTarget()
        return {
          scope: env.scope,
          audience: env.audience,
          accessTokenTTL: env.ttl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: env.alg } },
        }
      },
    },
  },
  routes: { token: '/oauth2/token' },
})
handler = provider.callback()
serveIpc(`${origin}/oauth2/token`)
