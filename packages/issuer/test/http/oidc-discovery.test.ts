// OpenID Connect Discovery 1.0 (§3 metadata, §4 the document's address):
// /.well-known/openid-configuration is the RFC 8414 document plus the
// OpenID Provider's fields (DESIGN.md "OpenID Connect"); CORS for any
// origin on the JWKS, both documents and the token and revocation
// endpoints; never on the authorization endpoint, the logout endpoint or a page.
import t from 'tap'
import { harness } from '../fixtures/harness.js'
import { FORM, TOKEN } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
await h.createClient({ scopes: ['read', 'write'] })
const ORIGIN = { origin: 'https://spa.example' }

t.test('the OpenID configuration is the RFC 8414 document plus the OIDC fields (Discovery §3)', async (t) => {
  const oauth = (await h.app.inject({ url: '/.well-known/oauth-authorization-server' })).json()
  const res = await h.app.inject({ url: '/.well-known/openid-configuration' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const oidc = res.json()
  for (const [name, value] of Object.entries(oauth)) t.same(oidc[name], value, `${name} as in the RFC 8414 document`)
  const issuer = h.config.issuer
  t.equal(oidc.issuer, issuer, 'Discovery §4.3: issuer identical to the URL it was fetched under, without the path')
  t.equal(oidc.userinfo_endpoint, `${issuer}/oauth2/userinfo`)
  t.equal(oidc.end_session_endpoint, `${issuer}/oauth2/logout`)
  t.same(oidc.subject_types_supported, ['public'])
  t.same(oidc.id_token_signing_alg_values_supported, ['RS256'])
  t.same(oidc.response_types_supported, ['code'])
  t.same(oidc.claims_supported, [
    'sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'azp', 'sid', 'amr',
    'preferred_username', 'name', 'updated_at', 'email', 'email_verified',
  ])
  t.equal(oidc.request_parameter_supported, false)
  t.equal(oidc.request_uri_parameter_supported, false)
  t.equal(oidc.claims_parameter_supported, false)
  for (const scope of ['openid', 'profile', 'email', 'read', 'write']) t.ok(oidc.scopes_supported.includes(scope), `scopes_supported has ${scope}`)
})

t.test('the JWKS and both documents answer any origin', async (t) => {
  for (const url of ['/.well-known/jwks.json', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    const res = await h.app.inject({ url, headers: ORIGIN })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['access-control-allow-origin'], '*', url)
    t.equal(res.headers['access-control-allow-credentials'], undefined)
  }
})

t.test('token and revocation endpoints: CORS for any origin on every answer, and a preflight', async (t) => {
  for (const url of [TOKEN, '/oauth2/revoke']) {
    const res = await h.app.inject({ method: 'POST', url, headers: { ...ORIGIN, 'content-type': FORM }, payload: 'grant_type=client_credentials' })
    t.equal(res.statusCode, 401, `${url}: an error answer (no client credentials)`)
    t.equal(res.headers['access-control-allow-origin'], '*', `${url}: allowed for any origin`)
    t.equal(res.headers['access-control-expose-headers'], 'DPoP-Nonce, WWW-Authenticate')
    const preflight = await h.app.inject({
      method: 'OPTIONS', url, headers: { ...ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, dpop' },
    })
    t.equal(preflight.statusCode, 204, `${url}: preflight`)
    t.equal(preflight.headers['access-control-allow-origin'], '*')
    t.equal(preflight.headers['access-control-allow-methods'], 'GET, POST')
    t.equal(preflight.headers['access-control-allow-headers'], 'Authorization, Content-Type, DPoP')
    t.equal(preflight.headers['access-control-allow-credentials'], undefined, 'never credentials')
    const get = await h.app.inject({ url, headers: ORIGIN })
    t.equal(get.statusCode, 405, `${url}: GET is still 405`)
  }
})

t.test('the authorization endpoint, the logout endpoint and the pages never answer CORS', async (t) => {
  for (const url of ['/oauth2/authorize?client_id=x', '/oauth2/logout']) {
    const res = await h.app.inject({ url, headers: ORIGIN })
    t.equal(res.headers['access-control-allow-origin'], undefined, url)
    const preflight = await h.app.inject({ method: 'OPTIONS', url, headers: { ...ORIGIN, 'access-control-request-method': 'POST' } })
    t.equal(preflight.statusCode, 405, `${url}: no preflight`)
    t.equal(preflight.headers['access-control-allow-origin'], undefined)
  }
})
