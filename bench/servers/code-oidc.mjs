// oidc-provider 9 for the code and userinfo scenarios: the
// authorization_code grant of a confidential client (client_secret_basic,
// PKCE S256) with resource indicators issuing JWT access tokens for the
// bench's audience (ES256, as @tessera/issuer's), an ID token signed with
// RS256 when the code holds `openid` (as DESIGN.md fixes ours: an RSA key
// beside the access-token key), and its UserInfo endpoint, on its own
// in-memory adapter (over a store larger than its default 1,000 entries). The bench asks (IPC `call`) for what the timed window
// spends, made through its models the way its authorization endpoint leaves
// them after a sign-in and consent:
//   { codes: N, scope, challenge }  N authorization codes, each bound to a
//     Grant of `scope` (the resource scope `read` for the audience, and the
//     OIDC scopes in it), the PKCE challenge and the redirect URI;
//   { accessTokens: N, scope }  N access tokens for UserInfo (opaque, no
//     audience: oidc-provider's UserInfo refuses a token for a resource
//     server), each bound to a Grant of the OIDC scopes in `scope`.
import { randomBytes } from 'node:crypto'
import { env } from './issue-common.mjs'
import { answerCalls, serveIpc } from './ipc.mjs'
import { resourceIndicators, roomyMemoryAdapter, startProvider } from './oidc-common.mjs'

const ACCOUNT = 'bench-user'
const OIDC_SCOPES = ['openid', 'profile', 'email']
const REDIRECT = process.env.BENCH_REDIRECT_URI
// The claims @tessera/issuer gives the same user (DESIGN.md "OpenID Connect"): profile and e-mail.
const CLAIMS = {
  sub: ACCOUNT, preferred_username: ACCOUNT, name: 'Bench User', updated_at: Math.floor(Date.now() / 1000),
  email: 'bench-user@example.com', email_verified: true,
}

const { provider, origin } = await startProvider({
  clients: [{
    client_id: env.clientId,
    client_secret: env.clientSecret,
    grant_types: ['authorization_code'],
    redirect_uris: [REDIRECT],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
    scope: [...OIDC_SCOPES, env.scope].join(' '),
  }],
  // The access-token key (the algorithm under test) and the RSA key for ID tokens.
  jwks: { keys: [env.privateJwk, JSON.parse(process.env.BENCH_ID_TOKEN_JWK)] },
  scopes: [...OIDC_SCOPES, env.scope],
  claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'updated_at'], email: ['email', 'email_verified'] },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ ...CLAIMS, sub }) }),
  // Its in-memory adapter, unbounded enough for the codes minted ahead of a window (oidc-common.mjs).
  adapter: roomyMemoryAdapter(),
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: resourceIndicators(),
    userinfo: { enabled: true },
  },
  routes: { token: '/oauth2/token', userinfo: '/oauth2/userinfo' },
})

const oidcScope = (scope) => scope.split(' ').filter((s) => OIDC_SCOPES.includes(s)).join(' ')

async function grantFor(scope, { resource }) {
  const grant = new provider.Grant({ accountId: ACCOUNT, clientId: env.clientId })
  if (oidcScope(scope)) grant.addOIDCScope(oidcScope(scope))
  if (resource) grant.addResourceScope(env.audience, env.scope)
  return grant.save()
}

async function codes(n, scope, challenge) {
  const client = await provider.Client.find(env.clientId)
  const out = []
  for (let i = 0; i < n; i++) {
    const code = new provider.AuthorizationCode({
      accountId: ACCOUNT, client, grantId: await grantFor(scope, { resource: true }), scope, resource: env.audience,
      redirectUri: REDIRECT, codeChallenge: challenge, codeChallengeMethod: 'S256',
      authTime: Math.floor(Date.now() / 1000), sid: randomBytes(16).toString('base64url'), amr: ['pwd'],
    })
    out.push(await code.save())
  }
  return out
}

async function accessTokens(n, scope) {
  const client = await provider.Client.find(env.clientId)
  const out = []
  for (let i = 0; i < n; i++) {
    const token = new provider.AccessToken({
      accountId: ACCOUNT, client, grantId: await grantFor(scope, { resource: false }), scope: oidcScope(scope), gty: 'authorization_code',
    })
    out.push(await token.save())
  }
  return out
}

answerCalls((msg) => (msg.codes ? codes(msg.codes, msg.scope, msg.challenge) : accessTokens(msg.accessTokens, msg.scope)))
serveIpc(`${origin}/oauth2/token`)
