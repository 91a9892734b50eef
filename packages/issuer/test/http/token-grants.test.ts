// The two grants (RFC 6749 §4.4 client_credentials, §4.3 password) and the
// RFC 9068 access token they return, verified with jose against the JWKS.
import t from 'tap'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { buildApp } from '../../src/http/app.js'
import { BusyError } from '../../src/domain/errors.js'
import { fakeCore } from './fixtures/fake-core.js'
import { harness } from '../fixtures/harness.js'
import { postToken } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
const service = await h.createClient({ scopes: ['read', 'write'], audiences: ['https://api.example', 'https://b.example'], ttl: 600 })
const app = await h.createClient({ grants: ['client_credentials', 'password'], scopes: ['read', 'write', 'admin'], ttl: 300 })
const john = await h.createUser({ username: 'John', password: 'abcd-efgh-1234', scopes: ['write', 'profile'] })
await h.createUser({ username: 'noscope', password: 'abcd-efgh-1234' })
const appAuth = { client_id: app.id, client_secret: app.secret }

async function verify(token: string, audience: string) {
  const jwks = createLocalJWKSet((await h.app.inject({ url: '/.well-known/jwks.json' })).json())
  return jwtVerify(token, jwks, { issuer: h.config.issuer, audience, typ: 'at+jwt' })
}

t.test('client_credentials: an RFC 9068 token whose sub is the client id (RFC 6749 §4.4, RFC 9068 §2.2)', async (t) => {
  const res = await postToken(h.app, { grant_type: 'client_credentials', client_id: service.id, client_secret: service.secret, scope: 'read' })
  t.equal(res.statusCode, 200)
  const json = res.json()
  t.equal(json.token_type, 'Bearer')
  t.equal(json.expires_in, 600, 'expires_in is the client ttl')
  t.equal(json.scope, 'read')
  const { payload, protectedHeader } = await verify(json.access_token, 'https://api.example')
  t.equal(protectedHeader.typ, 'at+jwt', 'typ at+jwt (RFC 9068 §2.1)')
  t.ok(protectedHeader.kid, 'kid names the JWKS key')
  t.equal(payload.iss, h.config.issuer, 'iss is the issuer byte for byte')
  t.equal(payload.sub, service.id)
  t.equal(payload.client_id, service.id)
  t.equal(payload.aud, 'https://api.example')
  t.equal(payload.scope, 'read')
  t.type(payload.jti, 'string')
  t.equal(payload.exp! - payload.iat!, 600)
})

t.test('password: sub is the user id, scope is client ∩ user when omitted (RFC 6749 §4.3, DESIGN)', async (t) => {
  const res = await postToken(h.app, { grant_type: 'password', username: 'john', password: 'abcd-efgh-1234', ...appAuth })
  t.equal(res.statusCode, 200)
  t.equal(res.json().scope, 'write')
  const { payload } = await verify(res.json().access_token, 'https://api.example')
  t.equal(payload.sub, john.id)
  t.equal(payload.client_id, app.id)
  t.not(payload.sub, app.id, 'user and client ids are disjoint (RFC 9068 §5)')
})

t.test('password: usernames match case-insensitively', async (t) => {
  const res = await postToken(h.app, { grant_type: 'password', username: 'JOHN', password: 'abcd-efgh-1234', ...appAuth })
  t.equal(res.statusCode, 200)
})

t.test('password: a requested scope outside client ∩ user is invalid_scope (RFC 6749 §3.3)', async (t) => {
  for (const scope of ['read', 'profile', 'admin', 'write read']) {
    const res = await postToken(h.app, { grant_type: 'password', username: 'john', password: 'abcd-efgh-1234', scope, ...appAuth })
    t.equal(res.json().error, 'invalid_scope', scope)
  }
})

t.test('password: a user without scopes yields an empty result, invalid_scope (DESIGN)', async (t) => {
  const res = await postToken(h.app, { grant_type: 'password', username: 'noscope', password: 'abcd-efgh-1234', ...appAuth })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error, 'invalid_scope')
})

t.test('password: missing username or password is invalid_request (RFC 6749 §4.3.2)', async (t) => {
  for (const params of [{ password: 'x' }, { username: 'john' }, {}] as Array<Record<string, string>>) {
    const res = await postToken(h.app, { grant_type: 'password', ...params, ...appAuth })
    t.equal(res.statusCode, 400)
    t.equal(res.json().error, 'invalid_request')
  }
})

t.test('password: wrong password and unknown user are the same invalid_grant (RFC 6749 §5.2, DESIGN)', async (t) => {
  const wrong = await postToken(h.app, { grant_type: 'password', username: 'john', password: 'nope', ...appAuth })
  const unknown = await postToken(h.app, { grant_type: 'password', username: 'nobody-here', password: 'nope', ...appAuth })
  t.equal(wrong.statusCode, 400)
  t.equal(unknown.statusCode, 400)
  t.equal(wrong.json().error, 'invalid_grant')
  t.equal(wrong.body, unknown.body)
})

t.test('a grant the client was not created with is unauthorized_client (RFC 6749 §5.2)', async (t) => {
  const res = await postToken(h.app, { grant_type: 'password', username: 'john', password: 'abcd-efgh-1234', client_id: service.id, client_secret: service.secret })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error, 'unauthorized_client')
})

t.test('unauthorized_client comes after client authentication (DESIGN order)', async (t) => {
  const res = await postToken(h.app, { grant_type: 'password', username: 'john', password: 'x', client_id: service.id, client_secret: 'wrong' })
  t.equal(res.json().error, 'invalid_client')
})

t.test('the password is checked before scope and resource (DESIGN order: grant parameters → scope → resource)', async (t) => {
  const res = await postToken(h.app, { grant_type: 'password', username: 'john', password: 'wrong', scope: 'nope', resource: 'https://evil.example', ...appAuth })
  t.equal(res.json().error, 'invalid_grant')
})

t.test('a locked username is 429 with Retry-After and the fixed body, even with the right password (DESIGN)', async (t) => {
  await h.createUser({ username: 'mallory', password: 'right-password-1', scopes: ['write'] })
  let locked: Awaited<ReturnType<typeof postToken>> | null = null
  for (let i = 0; i < 11 && locked === null; i++) {
    const res = await postToken(h.app, { grant_type: 'password', username: 'mallory', password: `guess-${i}`, ...appAuth })
    if (res.statusCode === 429) locked = res
    else t.equal(res.json().error, 'invalid_grant', `failure ${i + 1}`)
  }
  t.ok(locked, 'locked within 11 attempts (at most 10 failures)')
  const right = await postToken(h.app, { grant_type: 'password', username: 'Mallory', password: 'right-password-1', ...appAuth })
  for (const res of [locked!, right]) {
    t.equal(res.statusCode, 429)
    t.match(res.headers['retry-after'], /^[1-9][0-9]*$/, 'Retry-After in whole seconds')
    t.same(res.json(), { error: 'invalid_grant', error_description: 'too many failed attempts' })
    t.equal(res.headers['cache-control'], 'no-store')
  }
  const unknownName = 'ghost-user'
  let ghost = null
  for (let i = 0; i < 11 && ghost === null; i++) {
    const res = await postToken(h.app, { grant_type: 'password', username: unknownName, password: 'x', ...appAuth })
    if (res.statusCode === 429) ghost = res
  }
  t.ok(ghost, 'a username that does not exist is throttled too')
})

t.test('admission control refusing argon2 is 503 with Retry-After (RFC 9110 §15.6.4)', async (t) => {
  const core = fakeCore({ busy: 2.5 })
  core.addClient({ id: 'tc_x', name: 'x', grants: ['password'], scopes: ['read'], audiences: ['https://api.example'], ttl: 60, public: false, redirectUris: [], skipConsent: false, registered: false, dpopBoundAccessTokens: false, postLogoutRedirectUris: [] }, 's')
  const fake = buildApp(core)
  t.teardown(() => fake.close())
  const res = await postToken(fake, { grant_type: 'password', username: 'a', password: 'b', client_id: 'tc_x', client_secret: 's' })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '3')
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.json().error, 'temporarily_unavailable')
})

t.test('admission control refusing an imported argon2id client secret is 503, not 500 (RFC 9110 §15.6.4)', async (t) => {
  const core = fakeCore({ throwOnAuthenticate: new BusyError(1.2) })
  const fake = buildApp(core)
  t.teardown(() => fake.close())
  const res = await postToken(fake, { grant_type: 'client_credentials', client_id: 'tc_x', client_secret: 's' })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '2')
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.json().error, 'temporarily_unavailable')
})

t.test('an unexpected failure is 500 server_error without internals (RFC 6749 §5.2)', async (t) => {
  const core = fakeCore({ throwOnAuthenticate: new Error('SQLITE_CORRUPT: /secret/path/tessera.db') })
  const fake = buildApp(core)
  t.teardown(() => fake.close())
  const res = await postToken(fake, { grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' })
  t.equal(res.statusCode, 500)
  t.same(res.json(), { error: 'server_error', error_description: 'internal error' })
  t.equal(res.headers['cache-control'], 'no-store')
  t.notMatch(res.body, /SQLITE|secret\/path/)
})
