// GET /.well-known/jwks.json (RFC 7517 §5), GET
// /.well-known/oauth-authorization-server (RFC 8414 §2, §3) and GET /healthz.
import t from 'tap'
import { buildApp } from '../../src/http/app.js'
import { fakeCore } from './fixtures/fake-core.js'
import { harness } from '../fixtures/harness.js'

const h = await harness({ config: { jwksMaxAge: 120 } })
t.teardown(() => h.close())
await h.createClient({ scopes: ['write', 'read'] })
await h.createClient({ scopes: ['admin', 'read'] })

t.test('the JWKS lists public keys with kid, alg, use: sig (RFC 7517 §4, DESIGN)', async (t) => {
  const res = await h.app.inject({ url: '/.well-known/jwks.json' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const { keys } = res.json()
  t.ok(keys.length >= 1)
  for (const key of keys) {
    t.ok(key.kty && key.kid && key.alg, 'kty, kid, alg')
    t.equal(key.use, 'sig')
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) t.notOk(member in key, `no private member ${member}`)
  }
  t.same(res.json(), h.core.jwks(), 'exactly the core\'s set')
})

t.test('the JWKS is cacheable for jwksMaxAge seconds: Cache-Control: public, max-age=N', async (t) => {
  const res = await h.app.inject({ url: '/.well-known/jwks.json' })
  t.equal(res.headers['cache-control'], 'public, max-age=120')
})

t.test('metadata names the issuer, endpoints, grants, auth methods and scopes (RFC 8414 §2)', async (t) => {
  const res = await h.app.inject({ url: '/.well-known/oauth-authorization-server' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const meta = res.json()
  t.equal(meta.issuer, h.config.issuer, 'issuer equals iss byte for byte (RFC 8414 §3.3)')
  t.equal(meta.token_endpoint, `${h.config.issuer}/oauth2/token`)
  t.equal(meta.jwks_uri, `${h.config.issuer}/.well-known/jwks.json`)
  t.equal(meta.authorization_endpoint, `${h.config.issuer}/oauth2/authorize`)
  t.equal(meta.revocation_endpoint, `${h.config.issuer}/oauth2/revoke`)
  t.same(meta.grant_types_supported, ['authorization_code', 'client_credentials', 'password', 'refresh_token'])
  t.same(meta.response_types_supported, ['code'], 'RFC 8414 §2: the code flow only')
  t.same(meta.response_modes_supported, ['query'])
  t.same(meta.code_challenge_methods_supported, ['S256'], 'RFC 7636: S256, never plain')
  t.equal(meta.authorization_response_iss_parameter_supported, true, 'RFC 9207 §3')
  t.same(meta.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'none'])
  t.same(meta.revocation_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'none'])
  t.same(meta.scopes_supported, ['admin', 'email', 'openid', 'profile', 'read', 'write'], 'the union of all clients\' scopes and the identity scopes (OpenID Connect)')
})

t.test('metadata sees a client created after start', async (t) => {
  await h.createClient({ scopes: ['later'] })
  const meta = (await h.app.inject({ url: '/.well-known/oauth-authorization-server' })).json()
  t.ok(meta.scopes_supported.includes('later'))
})

t.test('healthz is 200 when the database and a signing key are usable', async (t) => {
  const res = await h.app.inject({ url: '/healthz' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
  t.equal(res.headers['cache-control'], 'no-store')
})

t.test('healthz is 503 with a safe reason when the core is not healthy', async (t) => {
  const app = buildApp(fakeCore({ health: { ok: false, reason: 'no signing key' } }))
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/healthz' })
  t.equal(res.statusCode, 503)
  t.same(res.json(), { status: 'unavailable', reason: 'no signing key' })
})

t.test('healthz is 503 when the health check itself throws', async (t) => {
  const core = fakeCore()
  core.health = async () => { throw new Error('database is locked') }
  const app = buildApp(core)
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/healthz' })
  t.equal(res.statusCode, 503)
  t.notMatch(res.body, /locked/)
})

t.test('an unknown path is a JSON 404', async (t) => {
  const res = await h.app.inject({ url: '/nope' })
  t.equal(res.statusCode, 404)
  t.equal(res.json().error, 'not_found')
})
