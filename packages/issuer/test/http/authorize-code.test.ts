// From the sign-in page to tokens: the code the page issues, exchanged at
// the token endpoint (RFC 6749 §4.1.3, RFC 7636 §4.6) by a public client
// that authenticates with client_id alone, for an RFC 9068 access token
// whose sub is the person and auth_time the sign-in; single use under
// concurrency.
import t from 'tap'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { AUTHORIZE, authorizeUrl, CookieJar, get, hiddenFields, pkce, post, redirectParams } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'
import { postToken } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
const app = await h.createClient({
  name: 'Restaurants app', public: true, grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT],
  scopes: ['read', 'write'], audiences: ['https://api.example', 'https://b.example'], ttl: 600,
})
const john = await h.createUser({ username: 'john', password: 'correct horse', scopes: ['read', 'write'] })

/** The person signs in and allows; returns the code and the verifier the app kept. */
async function authorizationCode(extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce()
  const jar = new CookieJar()
  const query = { response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 's', ...extra }
  const page = hiddenFields((await get(h.app, jar, authorizeUrl(query))).body)
  const before = Date.now()
  const res = await post(h.app, jar, AUTHORIZE, { ...page, username: 'john', password: 'correct horse', action: 'allow' })
  return { code: redirectParams(res).get('code')!, verifier, before, redirectUri: query.redirect_uri }
}

const exchange = (code: string, verifier: string, redirectUri = REDIRECT) =>
  postToken(h.app, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: app.id })

async function verify(token: string, audience = 'https://api.example') {
  const jwks = createLocalJWKSet((await h.app.inject({ url: '/.well-known/jwks.json' })).json())
  return jwtVerify(token, jwks, { issuer: h.config.issuer, audience, typ: 'at+jwt' })
}

t.test('the code exchanged by a public client: an RFC 9068 token for the person, with auth_time (RFC 6749 §4.1.3)', async (t) => {
  const { code, verifier, before } = await authorizationCode({ scope: 'read' })
  const res = await exchange(code, verifier)
  t.equal(res.statusCode, 200)
  const json = res.json()
  t.equal(json.token_type, 'Bearer')
  t.equal(json.scope, 'read')
  t.equal(json.expires_in, 600)
  t.match(json.refresh_token, /^tr_[A-Za-z0-9_-]{43}$/, 'a refresh token: the client holds the refresh_token grant')
  const { payload } = await verify(json.access_token)
  t.equal(payload.sub, john.id, 'sub is the user id')
  t.equal(payload.client_id, app.id)
  t.equal(payload.scope, 'read')
  t.equal(payload.aud, 'https://api.example', 'the client\'s first audience by default')
  t.type(payload.auth_time, 'number')
  t.ok((payload.auth_time as number) >= Math.floor(before / 1000) - 1 && (payload.auth_time as number) <= Math.floor(Date.now() / 1000), 'auth_time is the sign-in time')
  const refreshed = await postToken(h.app, { grant_type: 'refresh_token', refresh_token: json.refresh_token, client_id: app.id })
  t.equal(refreshed.statusCode, 200, 'the refresh token works')
  t.equal((await verify(refreshed.json().access_token)).payload.auth_time, payload.auth_time, 'and keeps auth_time')
})

t.test('the resource asked at the authorization endpoint is the token\'s audience (RFC 8707)', async (t) => {
  const { code, verifier } = await authorizationCode({ resource: 'https://b.example' })
  const res = await exchange(code, verifier)
  t.equal(res.statusCode, 200)
  t.equal((await verify(res.json().access_token, 'https://b.example')).payload.aud, 'https://b.example')
})

t.test('a loopback redirect on another port is the redirect_uri the exchange must repeat (RFC 8252 §7.3, RFC 6749 §4.1.3)', async (t) => {
  const { code, verifier, redirectUri } = await authorizationCode({ redirect_uri: 'http://127.0.0.1:49152/callback' })
  t.equal((await exchange(code, verifier, REDIRECT)).json().error, 'invalid_grant', 'the registered URI is not the one sent')
  const second = await authorizationCode({ redirect_uri: 'http://127.0.0.1:49152/callback' })
  t.equal((await exchange(second.code, second.verifier, redirectUri)).statusCode, 200)
})

t.test('a wrong or missing verifier, or another redirect_uri, is invalid_grant (RFC 7636 §4.6)', async (t) => {
  const { code, verifier } = await authorizationCode()
  t.equal((await exchange(code, pkce().verifier)).json().error, 'invalid_grant')
  t.equal((await postToken(h.app, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: app.id })).json().error, 'invalid_grant')
  t.equal((await exchange(code, verifier, 'http://127.0.0.1/other')).json().error, 'invalid_grant')
  t.equal((await exchange(code, verifier)).statusCode, 200, 'checks spend nothing: the right request still works')
})

t.test('two concurrent redemptions of one code: exactly one 200, and the code is spent (RFC 6749 §4.1.2)', async (t) => {
  for (let round = 0; round < 5; round++) {
    const { code, verifier } = await authorizationCode()
    const answers = await Promise.all([exchange(code, verifier), exchange(code, verifier)])
    t.same(answers.map((r) => r.statusCode).sort(), [200, 400], `round ${round}: one wins`)
    const loser = answers.find((r) => r.statusCode === 400)!
    t.equal(loser.json().error, 'invalid_grant')
    const winner = answers.find((r) => r.statusCode === 200)!.json()
    // A third presentation is a replay: the refresh token issued from the code is revoked.
    t.equal((await exchange(code, verifier)).json().error, 'invalid_grant')
    const refresh = await postToken(h.app, { grant_type: 'refresh_token', refresh_token: winner.refresh_token, client_id: app.id })
    t.equal(refresh.json().error, 'invalid_grant', 'what the code granted is revoked')
  }
})

