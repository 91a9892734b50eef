// oidc-provider 9 for the refresh-token scenario: the refresh_token grant
// with rotation (`rotateRefreshToken: true`, RFC 9700 §4.14.2) and resource
// indicators issuing JWT access tokens, its default in-memory adapter. The
// bench asks (IPC `call` { mint: N }) for N fresh refresh tokens, made the
// way a code grant would leave them (a Grant with the resource scope, a
// RefreshToken bound to it), so every measured request is a real rotation.
import { env } from './issue-common.mjs'
import { answerCalls, serveIpc } from './ipc.mjs'
import { resourceIndicators, startProvider } from './oidc-common.mjs'

const ACCOUNT = 'bench-user'

const { provider, origin } = await startProvider({
  clients: [{
    client_id: env.clientId,
    client_secret: env.clientSecret,
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: ['https://client.example/cb'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: env.alg,
    scope: env.scope,
  }],
  jwks: { keys: [env.privateJwk] },
  scopes: [env.scope],
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  rotateRefreshToken: true,
  // A refresh token for every code grant (also what enables the refresh_token grant type here).
  issueRefreshToken: async () => true,
  ttl: { RefreshToken: 14 * 86400 },
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: resourceIndicators(),
  },
  routes: { token: '/oauth2/token' },
})

async function mint(n) {
  const client = await provider.Client.find(env.clientId)
  const tokens = []
  for (let i = 0; i < n; i++) {
    const grant = new provider.Grant({ accountId: ACCOUNT, clientId: env.clientId })
    grant.addResourceScope(env.audience, env.scope)
    const grantId = await grant.save()
    const refresh = new provider.RefreshToken({
      accountId: ACCOUNT, client, grantId, scope: env.scope, resource: env.audience, gty: 'authorization_code', authTime: Math.floor(Date.now() / 1000),
    })
    tokens.push(await refresh.save())
  }
  return tokens
}

answerCalls((msg) => mint(msg.mint))
serveIpc(`${origin}/oauth2/token`)
