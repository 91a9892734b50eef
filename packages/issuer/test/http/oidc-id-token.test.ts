// The ID token (DESIGN.md "OpenID Connect"; OpenID Connect Core §2,
// §3.1.3.3, §3.1.3.6, §12.2): issued by the code grant when the granted
// scopes hold openid and by every refresh grant of such a family; RS256
// whatever signs the access tokens (here ES256), header typ JWT; the
// claims and their rules; the machine grants refuse openid.
import t from 'tap'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { CookieJar } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'
import { createProfileUser, tokensFor } from './fixtures/oidc.js'
import { basic, decodeJwt, postToken } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
const app = await h.createClient({
  public: true, grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], ttl: 600,
  scopes: ['openid', 'profile', 'email', 'read'],
})
const UPDATED = Date.parse('2026-11-02T10:00:00Z')
const john = await createProfileUser(h, {
  username: 'john', password: 'correct horse', scopes: ['read'], email: 'john@example.com', emailVerified: true, name: 'John Smith', updatedAt: UPDATED,
})
await createProfileUser(h, { username: 'mary', password: 'battery staple', scopes: ['read'] })
const JOHN = { username: 'john', password: 'correct horse' }
const keys = () => createLocalJWKSet(h.core.jwks())

async function verifyIdToken(idToken: string) {
  return jwtVerify(idToken, keys(), { issuer: h.config.issuer, audience: app.id, typ: 'JWT', algorithms: ['RS256'] })
}

t.test('code grant with openid: an ID token signed RS256 (the access token ES256), header {alg, kid, typ: JWT} (Core §2, §15.1)', async (t) => {
  const jar = new CookieJar()
  const body = await tokensFor(h, jar, app.id, REDIRECT, { scope: 'openid read', nonce: 'n-0S6_WzA2Mj' }, JOHN)
  const idToken = body.id_token as string
  t.type(idToken, 'string', 'id_token in the token response (Core §3.1.3.3)')
  const header = decodeProtectedHeader(idToken)
  t.same(Object.keys(header).sort(), ['alg', 'kid', 'typ'])
  t.equal(header.alg, 'RS256')
  t.equal(header.typ, 'JWT', 'JWT, never at+jwt')
  t.equal(decodeProtectedHeader(body.access_token as string).alg, 'ES256', 'the access token keeps TESSERA_SIGNING_ALG')
  t.ok(h.core.jwks().keys.some((k) => k.kid === header.kid && k.alg === 'RS256'), 'the ID-token key is in the same JWKS')
  const { payload } = await verifyIdToken(idToken)
  t.equal(payload.iss, h.config.issuer)
  t.equal(payload.sub, john.id, 'sub is the user id, as in the access token')
  t.equal(payload.sub, decodeJwt(body.access_token as string).claims.sub)
  t.equal(payload.aud, app.id, 'aud is the client id, a string')
  t.equal(payload.azp, app.id, 'azp is the client id')
  t.equal(payload.exp! - payload.iat!, 600, 'exp: the access token\'s lifetime')
  t.equal(payload.nonce, 'n-0S6_WzA2Mj', 'the nonce echoed exactly (Core §3.1.3.7)')
  t.same(payload.amr, ['pwd'])
  t.type(payload.auth_time, 'number')
  t.ok(Math.abs((payload.auth_time as number) - payload.iat!) <= 2, 'auth_time: when the password was typed')
  t.match(payload.sid, /^[A-Za-z0-9_-]{22}$/, 'sid: the session\'s public id')
  const cookie = jar.cookies.get('tessera_session')!
  t.not(payload.sid, cookie, 'never the cookie value')
  t.notOk(cookie.includes(payload.sid as string))
  t.equal(payload.preferred_username, undefined, 'no profile claims without profile')
  t.equal(payload.email, undefined, 'no email claims without email')
})

t.test('profile and email add their claims (Core §5.1, §5.4); a user without an address gets no email claims', async (t) => {
  const body = await tokensFor(h, new CookieJar(), app.id, REDIRECT, { scope: 'openid profile email' }, JOHN)
  const { payload } = await verifyIdToken(body.id_token as string)
  t.equal(payload.preferred_username, 'john')
  t.equal(payload.name, 'John Smith')
  t.equal(payload.updated_at, Math.floor(UPDATED / 1000), 'updated_at in seconds')
  t.equal(payload.email, 'john@example.com')
  t.equal(payload.email_verified, true)
  t.equal(payload.nonce, undefined, 'no nonce when none was sent')

  const mary = await tokensFor(h, new CookieJar(), app.id, REDIRECT, { scope: 'openid profile email' }, { username: 'mary', password: 'battery staple' })
  const { payload: m } = await verifyIdToken(mary.id_token as string)
  t.equal(m.preferred_username, 'mary')
  t.notOk('name' in m, 'no name when unset')
  t.notOk('email' in m || 'email_verified' in m, 'no email claims without an address')
})

t.test('without openid, no ID token; scope omitted leaves identity scopes out (DESIGN.md)', async (t) => {
  const explicit = await tokensFor(h, new CookieJar(), app.id, REDIRECT, { scope: 'read profile' }, JOHN)
  t.equal(explicit.id_token, undefined)
  const omitted = await tokensFor(h, new CookieJar(), app.id, REDIRECT, {}, JOHN)
  t.equal(omitted.scope, 'read', 'the default is the client\'s scopes without the identity scopes')
  t.equal(omitted.id_token, undefined)
})

t.test('identity scopes are not intersected with the user\'s scopes (every user has them)', async (t) => {
  const body = await tokensFor(h, new CookieJar(), app.id, REDIRECT, { scope: 'openid profile email read' }, JOHN)
  t.equal(body.scope, 'openid profile email read')
})

t.test('refresh: a new ID token, same sub, auth_time and sid, no nonce (Core §12.2)', async (t) => {
  const body = await tokensFor(h, new CookieJar(), app.id, REDIRECT, { scope: 'openid profile read', nonce: 'first' }, JOHN)
  const { payload: first } = await verifyIdToken(body.id_token as string)
  const res = await postToken(h.app, { grant_type: 'refresh_token', client_id: app.id, refresh_token: body.refresh_token as string })
  t.equal(res.statusCode, 200)
  const refreshed = res.json<Record<string, unknown>>()
  t.type(refreshed.id_token, 'string')
  t.not(refreshed.id_token, body.id_token)
  const { payload } = await verifyIdToken(refreshed.id_token as string)
  t.equal(payload.sub, first.sub)
  t.equal(payload.auth_time, first.auth_time)
  t.equal(payload.sid, first.sid, 'the sid of the sign-in the family came from')
  t.same(payload.amr, ['pwd'])
  t.equal(payload.nonce, undefined, 'no nonce on a refreshed ID token')
  t.equal(payload.preferred_username, 'john')

  // Narrowed to read: still descended from an openid grant.
  const narrowed = await postToken(h.app, { grant_type: 'refresh_token', client_id: app.id, refresh_token: refreshed.refresh_token as string, scope: 'read' })
  const n = narrowed.json<Record<string, unknown>>()
  t.equal(n.scope, 'read')
  const { payload: np } = await verifyIdToken(n.id_token as string)
  t.notOk('preferred_username' in np, 'profile claims follow the scopes granted now')
})

t.test('a family without openid gets no ID token on refresh', async (t) => {
  const body = await tokensFor(h, new CookieJar(), app.id, REDIRECT, { scope: 'read' }, JOHN)
  const res = await postToken(h.app, { grant_type: 'refresh_token', client_id: app.id, refresh_token: body.refresh_token as string })
  t.equal(res.statusCode, 200)
  t.equal((res.json<Record<string, unknown>>()).id_token, undefined)
})

t.test('client_credentials and password refuse openid (invalid_scope) and leave identity scopes out of their default', async (t) => {
  const machine = await h.createClient({ grants: ['client_credentials', 'password'], scopes: ['read', 'openid', 'profile'] })
  const auth = { authorization: basic(machine.id, machine.secret) }
  const grants: Array<Record<string, string>> = [{ grant_type: 'client_credentials' }, { grant_type: 'password', username: 'john', password: 'correct horse' }]
  for (const grant of grants) {
    const refused = await postToken(h.app, { ...grant, scope: 'openid read' }, auth)
    t.equal(refused.statusCode, 400, `${grant.grant_type}: openid refused`)
    t.equal(refused.json().error, 'invalid_scope')
    const omitted = await postToken(h.app, grant, auth)
    t.equal(omitted.statusCode, 200)
    t.equal(omitted.json().scope, 'read', `${grant.grant_type}: default without identity scopes`)
    t.equal(omitted.json().id_token, undefined)
  }
})

t.test('a user deleted between the code and its redemption: invalid_grant, no tokens', async (t) => {
  await createProfileUser(h, { username: 'gone', password: 'soon deleted', scopes: ['read'] })
  const body = await tokensFor(h, new CookieJar(), app.id, REDIRECT, { scope: 'openid read' }, { username: 'gone', password: 'soon deleted' })
  await h.admin.users.delete('gone')
  const res = await postToken(h.app, { grant_type: 'refresh_token', client_id: app.id, refresh_token: body.refresh_token as string })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error, 'invalid_grant')
})
