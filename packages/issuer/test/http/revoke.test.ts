// POST /oauth2/revoke (RFC 7009, DESIGN.md): a client's own refresh token
// revokes its family; anything else revokes nothing; 200 with an empty
// body and no-store either way; 401 for a failed client authentication,
// 400 without `token`. And the log lines: one per refresh, a warning when
// a replay revokes a family (client_id and family id, never a token).
import t, { type Test } from 'tap'
import { captureLog } from './fixtures/log.js'
import { harness } from '../fixtures/harness.js'
import { basic, body, postToken } from './fixtures/request.js'
import { mintCode } from './fixtures/codes.js'

const log = captureLog()
const { lines, stream } = log
const h = await harness({ logger: { level: 'info', stream } })
t.teardown(() => h.close())
const client = await h.createClient({ grants: ['password', 'refresh_token'], scopes: ['read'] })
const other = await h.createClient({ grants: ['password', 'refresh_token'], scopes: ['read'] })
const app = await h.createClient({ public: true, grants: ['authorization_code', 'refresh_token'], scopes: ['read'], redirectUris: ['http://127.0.0.1/callback'] })
const user = await h.createUser({ username: 'alice', password: 'pw', scopes: ['read'] })

const login = async (c = client) => (await postToken(h.app, { grant_type: 'password', username: 'alice', password: 'pw', client_id: c.id, client_secret: c.secret })).json()
const revoke = (params: Record<string, string>, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'POST', url: '/oauth2/revoke', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: body(params) })
const works = async (token: string, c = client) =>
  (await postToken(h.app, { grant_type: 'refresh_token', refresh_token: token, client_id: c.id, client_secret: c.secret })).statusCode === 200

const emptyOk = (t: Test, res: { statusCode: number; body: string; headers: Record<string, unknown> }, what: string) => {
  t.equal(res.statusCode, 200, what)
  t.equal(res.body, '', `${what}: empty body`)
  t.equal(res.headers['cache-control'], 'no-store', `${what}: no-store`)
}

t.test('the client\'s own refresh token: its whole family is revoked (RFC 7009 §2.1)', async (t) => {
  const first = await login()
  const next = (await postToken(h.app, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: client.id, client_secret: client.secret })).json()
  emptyOk(t, await revoke({ token: first.refresh_token, token_type_hint: 'refresh_token' }, { authorization: basic(client.id, client.secret) }), 'revoked')
  t.notOk(await works(next.refresh_token), 'the successor of the revoked token is revoked too: one family')
})

t.test('unknown, another client\'s, or an access token: 200 and nothing revoked (RFC 7009 §2.2)', async (t) => {
  const mine = await login()
  emptyOk(t, await revoke({ token: 'tr_' + 'A'.repeat(43), client_id: other.id, client_secret: other.secret }), 'unknown')
  emptyOk(t, await revoke({ token: mine.refresh_token, client_id: other.id, client_secret: other.secret }), 'another client\'s')
  emptyOk(t, await revoke({ token: mine.access_token, token_type_hint: 'access_token', client_id: client.id, client_secret: client.secret }), 'an access token')
  t.ok(await works(mine.refresh_token), 'still usable by its owner')
})

t.test('a public client revokes with its client_id alone', async (t) => {
  const minted = await mintCode(h, { clientId: app.id, userId: user.id })
  const got = (await postToken(h.app, { grant_type: 'authorization_code', code: minted.code, redirect_uri: 'http://127.0.0.1/callback', code_verifier: minted.verifier, client_id: app.id })).json()
  emptyOk(t, await revoke({ token: got.refresh_token, client_id: app.id }), 'public client')
  const res = await postToken(h.app, { grant_type: 'refresh_token', refresh_token: got.refresh_token, client_id: app.id })
  t.equal(res.json().error, 'invalid_grant')
})

t.test('failed client authentication is 401 invalid_client; a missing token is 400 invalid_request; nothing is revoked', async (t) => {
  const mine = await login()
  const wrong = await revoke({ token: mine.refresh_token, client_id: client.id, client_secret: 'wrong' })
  t.equal(wrong.statusCode, 401)
  t.equal(wrong.json().error, 'invalid_client')
  t.equal(wrong.headers['cache-control'], 'no-store')
  const viaBasic = await revoke({ token: mine.refresh_token }, { authorization: basic(client.id, 'wrong') })
  t.equal(viaBasic.statusCode, 401)
  t.match(viaBasic.headers['www-authenticate'], /^Basic /, 'the Basic challenge (RFC 6749 §5.2)')
  const none = await revoke({ token: mine.refresh_token })
  t.equal(none.statusCode, 401, 'no credentials at all')
  const missing = await revoke({ client_id: client.id, client_secret: client.secret })
  t.equal(missing.statusCode, 400)
  t.equal(missing.json().error, 'invalid_request')
  const twice = await h.app.inject({ method: 'POST', url: '/oauth2/revoke', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=a&token=b&client_id=${client.id}&client_secret=${client.secret}` })
  t.equal(twice.json().error, 'invalid_request', 'a parameter sent twice')
  t.ok(await works(mine.refresh_token), 'nothing was revoked')
  const get = await h.app.inject({ method: 'GET', url: '/oauth2/revoke' })
  t.equal(get.statusCode, 405)
  t.equal(get.headers.allow, 'POST')
  t.same(get.json(), { error: 'invalid_request', error_description: 'the revocation endpoint accepts POST only' }, 'the 405 names the revocation endpoint, not the token endpoint')
})

t.test('one log line per refresh, and a warning when a replay revokes a family: client_id and family id, never a token', async (t) => {
  const first = await login()
  log.clear()
  const a = (await postToken(h.app, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: client.id, client_secret: client.secret })).json()
  const b = (await postToken(h.app, { grant_type: 'refresh_token', refresh_token: a.refresh_token, client_id: client.id, client_secret: client.secret })).json()
  await postToken(h.app, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: client.id, client_secret: client.secret })
  const refreshLines = lines.filter((l) => l.msg === 'token request')
  t.equal(refreshLines.length, 3, 'one line per refresh')
  t.match(refreshLines[0], { grant_type: 'refresh_token', client_id: client.id, outcome: 'ok', family_id: /^trf_/ })
  const warning = lines.find((l) => l.level === 40)
  t.match(warning, { client_id: client.id, family_id: refreshLines[0]!.family_id, msg: 'refresh token replayed: its family revoked' })
  for (const token of [first.refresh_token, a.refresh_token, b.refresh_token, a.access_token]) t.notOk(log.raw().includes(token), 'no token in the log')
})
