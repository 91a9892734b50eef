// UserInfo (OpenID Connect Core §5.3; DESIGN.md "OpenID Connect"): GET and
// POST with a Bearer access token this issuer signed; the claims of the
// token's identity scopes; RFC 6750 §3 challenges; the user must still
// exist; Cache-Control no-store; CORS for any origin.
import t from 'tap'
import { SignJWT, generateKeyPair } from 'jose'
import { CookieJar } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'
import { createProfileUser, tokensFor } from './fixtures/oidc.js'
import { FORM } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
const app = await h.createClient({
  public: true, grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT],
  scopes: ['openid', 'profile', 'email', 'read'], audiences: ['https://api.example', 'https://b.example'],
})
const john = await createProfileUser(h, { username: 'john', password: 'correct horse', email: 'john@example.com', emailVerified: false, name: 'John Smith' })
const JOHN = { username: 'john', password: 'correct horse' }
const USERINFO = '/oauth2/userinfo'

const tokens = (params: Record<string, string>) => tokensFor(h, new CookieJar(), app.id, REDIRECT, params, JOHN)
const userinfo = (token: string | undefined, method: 'GET' | 'POST' = 'GET', headers: Record<string, string> = {}) =>
  h.app.inject({ method, url: USERINFO, headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers } })

t.test('GET and POST answer sub and the claims of the token\'s identity scopes, no-store (Core §5.3.2)', async (t) => {
  const { access_token } = await tokens({ scope: 'openid profile email' })
  for (const method of ['GET', 'POST'] as const) {
    const res = await userinfo(access_token as string, method, method === 'POST' ? { 'content-type': FORM } : {})
    t.equal(res.statusCode, 200, method)
    t.equal(res.headers['cache-control'], 'no-store')
    t.match(res.headers['content-type'], /^application\/json/)
    t.same(res.json(), {
      sub: john.id, preferred_username: 'john', name: 'John Smith', updated_at: res.json().updated_at, email: 'john@example.com', email_verified: false,
    })
    t.type(res.json().updated_at, 'number')
  }
  const { access_token: narrow } = await tokens({ scope: 'openid read' })
  t.same((await userinfo(narrow as string)).json(), { sub: john.id }, 'openid alone: sub only')
})

t.test('no token: 401 with the bare challenge (RFC 6750 §3.1)', async (t) => {
  for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }]) {
    const res = await h.app.inject({ url: USERINFO, headers })
    t.equal(res.statusCode, 401)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="tessera"')
    t.equal(res.headers['cache-control'], 'no-store')
  }
})

t.test('a token that is not this issuer\'s access token: 401 invalid_token', async (t) => {
  const { access_token, id_token } = await tokens({ scope: 'openid' })
  const foreign = await generateKeyPair('ES256')
  const forged = await new SignJWT({ scope: 'openid', client_id: app.id })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' }).setIssuer(h.config.issuer).setSubject(john.id).setAudience('https://api.example')
    .setExpirationTime('5m').sign(foreign.privateKey)
  const cases: Record<string, string> = {
    'an ID token (typ JWT)': id_token as string,
    'a token signed by another key': forged,
    'a tampered token': (access_token as string).slice(0, -4) + 'AAAA',
    'not a JWT': 'abc.def',
  }
  for (const [what, token] of Object.entries(cases)) {
    const res = await userinfo(token)
    t.equal(res.statusCode, 401, what)
    t.match(res.headers['www-authenticate'], /^Bearer realm="tessera", error="invalid_token", error_description="[^"]+"$/, what)
  }
  const malformed = await h.app.inject({ url: USERINFO, headers: { authorization: 'Bearer a b' } })
  t.equal(malformed.statusCode, 400, 'a malformed Bearer header: invalid_request')
  t.match(malformed.headers['www-authenticate'], /error="invalid_request"/)
})

t.test('an expired access token: 401 invalid_token', async (t) => {
  let offset = 0
  const timed = await harness({ clock: () => Date.now() + offset })
  t.teardown(() => timed.close())
  const client = await timed.createClient({ public: true, grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid'], ttl: 60 })
  await createProfileUser(timed, JOHN)
  const { access_token } = await tokensFor(timed, new CookieJar(), client.id, REDIRECT, { scope: 'openid' }, JOHN)
  const at = (token: string) => timed.app.inject({ url: USERINFO, headers: { authorization: `Bearer ${token}` } })
  t.equal((await at(access_token as string)).statusCode, 200, 'valid while it lasts')
  offset = 61_000
  const res = await at(access_token as string)
  t.equal(res.statusCode, 401)
  t.match(res.headers['www-authenticate'], /error="invalid_token"/)
})

t.test('a token without openid: 403 insufficient_scope with scope="openid" (RFC 6750 §3.1)', async (t) => {
  const { access_token } = await tokens({ scope: 'read' })
  const res = await userinfo(access_token as string)
  t.equal(res.statusCode, 403)
  t.equal(res.headers['www-authenticate'], 'Bearer realm="tessera", error="insufficient_scope", error_description="the access token was not granted openid", scope="openid"')
  t.equal(res.json().error, 'insufficient_scope')
})

t.test('aud may be any of the client\'s audiences (RFC 8707 resource)', async (t) => {
  const { access_token } = await tokens({ scope: 'openid', resource: 'https://b.example' })
  t.equal((await userinfo(access_token as string)).statusCode, 200)
})

t.test('the user must still exist: 401 invalid_token once deleted', async (t) => {
  await createProfileUser(h, { username: 'leaving', password: 'a long password' })
  const { access_token } = await tokensFor(h, new CookieJar(), app.id, REDIRECT, { scope: 'openid' }, { username: 'leaving', password: 'a long password' })
  t.equal((await userinfo(access_token as string)).statusCode, 200)
  await h.admin.users.delete('leaving')
  const res = await userinfo(access_token as string)
  t.equal(res.statusCode, 401)
  t.match(res.headers['www-authenticate'], /error="invalid_token"/)
})

t.test('CORS: any origin, challenges and DPoP-Nonce exposed; a preflight allows GET, POST and the credential headers', async (t) => {
  const res = await h.app.inject({ url: USERINFO, headers: { origin: 'https://spa.example' } })
  t.equal(res.headers['access-control-allow-origin'], '*')
  t.equal(res.headers['access-control-expose-headers'], 'DPoP-Nonce, WWW-Authenticate')
  t.equal(res.headers['access-control-allow-credentials'], undefined, 'never credentials')
  const preflight = await h.app.inject({
    method: 'OPTIONS', url: USERINFO,
    headers: { origin: 'https://spa.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  })
  t.equal(preflight.statusCode, 204)
  t.equal(preflight.headers['access-control-allow-origin'], '*')
  t.equal(preflight.headers['access-control-allow-methods'], 'GET, POST')
  t.equal(preflight.headers['access-control-allow-headers'], 'Authorization, Content-Type, DPoP')
})
