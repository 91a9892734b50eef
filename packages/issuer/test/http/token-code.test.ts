// grant_type=authorization_code at the token endpoint (RFC 6749 §4.1.3,
// RFC 7636 §4.5-4.6, DESIGN.md "Apps acting for people"): a public client
// authenticates with client_id alone; every failure is the same
// invalid_grant; a code is single use, atomically, and presented again it
// revokes the refresh tokens it granted (RFC 6749 §4.1.2).
import t from 'tap'
import { harness } from '../fixtures/harness.js'
import { basic, decodeJwt, postToken } from './fixtures/request.js'
import { mintCode } from './fixtures/codes.js'

const REDIRECT = 'http://127.0.0.1/callback'
let now = Date.parse('2030-01-01T00:00:00Z')
const h = await harness({ clock: () => now })
t.teardown(() => h.close())
const app = await h.createClient({ public: true, grants: ['authorization_code', 'refresh_token'], scopes: ['read', 'write'], redirectUris: [REDIRECT] })
const other = await h.createClient({ public: true, grants: ['authorization_code'], scopes: ['read'], redirectUris: [REDIRECT] })
const web = await h.createClient({ grants: ['authorization_code'], scopes: ['read'], redirectUris: ['https://web.example/cb'] })
const user = await h.createUser({ username: 'alice', password: 'pw', scopes: ['read', 'write'] })

const exchange = (code: string, verifier: string | undefined, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  postToken(h.app, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: app.id, ...(verifier === undefined ? {} : { code_verifier: verifier }), ...extra }, headers)

t.test('a public client exchanges its code with client_id and the verifier: an RFC 9068 token for the person, auth_time, a refresh token', async (t) => {
  const minted = await mintCode(h, { clientId: app.id, userId: user.id, scopes: ['read', 'write'], authTime: now - 30_000 })
  const res = await exchange(minted.code, minted.verifier)
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  t.match(body, { token_type: 'Bearer', scope: 'read write', refresh_token: /^tr_[A-Za-z0-9_-]{43}$/ })
  const { header, claims } = decodeJwt(body.access_token)
  t.equal(header.typ, 'at+jwt')
  t.match(claims, { sub: user.id, client_id: app.id, aud: 'https://api.example', scope: 'read write' })
  t.equal(claims.auth_time, Math.floor((now - 30_000) / 1000), 'auth_time is the sign-in time (RFC 9068 §2.2.1)')
})

t.test('a narrower scope may be asked at the exchange; never a wider one', async (t) => {
  const a = await mintCode(h, { clientId: app.id, userId: user.id, scopes: ['read', 'write'] })
  const narrow = await exchange(a.code, a.verifier, { scope: 'read' })
  t.equal(narrow.json().scope, 'read')
  const b = await mintCode(h, { clientId: app.id, userId: user.id, scopes: ['read'] })
  const wide = await exchange(b.code, b.verifier, { scope: 'read write' })
  t.equal(wide.json().error, 'invalid_scope')
  t.equal((await exchange(b.code, b.verifier)).statusCode, 200, 'refused for its scope, the code was not spent')
})

t.test('every failure is the same invalid_grant, and changes nothing', async (t) => {
  const minted = await mintCode(h, { clientId: app.id, userId: user.id })
  const refused: Array<[string, Promise<{ statusCode: number; json(): any }>]> = [
    ['a wrong verifier', exchange(minted.code, minted.verifier.slice(0, -1) + (minted.verifier.endsWith('A') ? 'B' : 'A'))],
    ['no verifier', exchange(minted.code, undefined)],
    ['a verifier of the wrong form', exchange(minted.code, 'short')],
    ['a wrong redirect_uri', exchange(minted.code, minted.verifier, { redirect_uri: 'http://127.0.0.1/other' })],
    ['another client', postToken(h.app, { grant_type: 'authorization_code', code: minted.code, redirect_uri: REDIRECT, code_verifier: minted.verifier, client_id: other.id })],
    ['an unknown code', exchange('A'.repeat(43), minted.verifier)],
    ['a code of the wrong form', exchange('not-a-code', minted.verifier)],
  ]
  const bodies = new Set<string>()
  for (const [what, pending] of refused) {
    const res = await pending
    t.equal(res.statusCode, 400, what)
    t.equal(res.json().error, 'invalid_grant', what)
    bodies.add(JSON.stringify(res.json()))
  }
  t.equal(bodies.size, 1, 'one answer for all: indistinguishable')
  const noRedirect = await postToken(h.app, { grant_type: 'authorization_code', code: minted.code, code_verifier: minted.verifier, client_id: app.id })
  t.equal(noRedirect.json().error, 'invalid_grant', 'redirect_uri is required when the authorization request had one')
  t.equal((await exchange(minted.code, minted.verifier)).statusCode, 200, 'none of them spent the code')
})

t.test('redirect_uri omitted at authorization: omitted (or the registered one) at the exchange', async (t) => {
  const a = await mintCode(h, { clientId: app.id, userId: user.id, redirectUriSent: null })
  t.equal((await postToken(h.app, { grant_type: 'authorization_code', code: a.code, code_verifier: a.verifier, client_id: app.id })).statusCode, 200)
  const b = await mintCode(h, { clientId: app.id, userId: user.id, redirectUriSent: null })
  t.equal((await exchange(b.code, b.verifier, { redirect_uri: 'http://127.0.0.1/elsewhere' })).json().error, 'invalid_grant')
})

t.test('a code expires 60 s after it was issued', async (t) => {
  const minted = await mintCode(h, { clientId: app.id, userId: user.id })
  now += 60_000
  t.teardown(() => { now -= 60_000 })
  t.equal((await exchange(minted.code, minted.verifier)).json().error, 'invalid_grant')
})

t.test('a code presented a second time: invalid_grant, and the refresh token it granted is revoked (RFC 6749 §4.1.2)', async (t) => {
  const minted = await mintCode(h, { clientId: app.id, userId: user.id })
  const first = (await exchange(minted.code, minted.verifier)).json()
  t.ok(first.refresh_token)
  const second = await exchange(minted.code, minted.verifier)
  t.equal(second.json().error, 'invalid_grant')
  const refresh = await postToken(h.app, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: app.id })
  t.equal(refresh.json().error, 'invalid_grant', 'the refresh token issued from the code no longer works')
})

t.test('two concurrent redemptions of one code: exactly one succeeds', async (t) => {
  for (let round = 0; round < 5; round++) {
    const minted = await mintCode(h, { clientId: app.id, userId: user.id })
    const results = await Promise.all(Array.from({ length: 2 }, () => exchange(minted.code, minted.verifier)))
    t.same(results.map((r) => r.statusCode).sort(), [200, 400], `round ${round + 1}: one 200, one 400`)
  }
})

t.test('client authentication: a public client never with a secret or Basic; a confidential one never without its secret', async (t) => {
  const minted = await mintCode(h, { clientId: app.id, userId: user.id })
  const withSecret = await exchange(minted.code, minted.verifier, { client_secret: 'anything' })
  t.equal(withSecret.statusCode, 401)
  t.equal(withSecret.json().error, 'invalid_client')
  const viaBasic = await postToken(h.app, { grant_type: 'authorization_code', code: minted.code, redirect_uri: REDIRECT, code_verifier: minted.verifier }, { authorization: basic(app.id, '') })
  t.equal(viaBasic.statusCode, 401, 'Basic from a public client')
  const webCode = await mintCode(h, { clientId: web.id, userId: user.id, redirectUri: 'https://web.example/cb' })
  const noSecret = await postToken(h.app, { grant_type: 'authorization_code', code: webCode.code, redirect_uri: 'https://web.example/cb', code_verifier: webCode.verifier, client_id: web.id })
  t.equal(noSecret.statusCode, 401, 'a confidential client without its secret')
  const withBasic = await postToken(h.app, { grant_type: 'authorization_code', code: webCode.code, redirect_uri: 'https://web.example/cb', code_verifier: webCode.verifier }, { authorization: basic(web.id, web.secret) })
  t.equal(withBasic.statusCode, 200, 'a confidential client with its secret')
  t.notOk('refresh_token' in withBasic.json(), 'no refresh token without the refresh_token grant')
  t.equal((await exchange(minted.code, minted.verifier)).statusCode, 200, 'the refused attempts did not spend the code')
})

t.test('code is required (invalid_request); a client without the grant is unauthorized_client', async (t) => {
  const missing = await postToken(h.app, { grant_type: 'authorization_code', redirect_uri: REDIRECT, client_id: app.id })
  t.equal(missing.json().error, 'invalid_request')
  const cc = await h.createClient({ grants: ['client_credentials'] })
  const res = await postToken(h.app, { grant_type: 'authorization_code', code: 'x', client_id: cc.id, client_secret: cc.secret })
  t.equal(res.json().error, 'unauthorized_client')
})
