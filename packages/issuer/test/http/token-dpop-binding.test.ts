// What DPoP binds besides the access token (RFC 9449 §5, §10; DESIGN.md
// "DPoP: sender-constrained tokens", issuer): a public client's refresh
// token family is bound to the key of the proof at its first issuance,
// checked first, and a wrong key or none changes nothing and is never a
// replay; a confidential client's are not bound; `dpop_jkt` on the
// authorization request binds the code; a bad proof spends nothing.
import t from 'tap'
import { dpopKey, proof } from '../fixtures/dpop.js'
import { AUTHORIZE, authorizeUrl, CookieJar, get, hiddenFields, pkce, post, redirectParams } from './fixtures/browser.js'
import { mintCode } from './fixtures/codes.js'
import { harness } from '../fixtures/harness.js'
import { postToken } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
const app = await h.createClient({ public: true, grants: ['authorization_code', 'refresh_token'], scopes: ['read'], redirectUris: [REDIRECT] })
const web = await h.createClient({ grants: ['password', 'refresh_token'], scopes: ['read'] })
const user = await h.createUser({ username: 'alice', password: 'pw', scopes: ['read'] })
const key = await dpopKey('ES256')
const thief = await dpopKey('ES256')
const iat = () => Math.floor(Date.now() / 1000)
const dpop = async (k = key) => ({ dpop: await proof(k, { now: iat() }) })

const redeem = async (code: { code: string; verifier: string }, headers: Record<string, string> = {}) =>
  postToken(h.app, { grant_type: 'authorization_code', code: code.code, code_verifier: code.verifier, redirect_uri: REDIRECT, client_id: app.id }, headers)
const refresh = (token: string, headers: Record<string, string> = {}) =>
  postToken(h.app, { grant_type: 'refresh_token', refresh_token: token, client_id: app.id }, headers)

t.test('a public client\'s refresh token issued with a proof needs a proof of that key: another key or none is invalid_grant and changes nothing', async (t) => {
  const first = await redeem(await mintCode(h, { clientId: app.id, userId: user.id }), await dpop())
  t.equal(first.json().token_type, 'DPoP')
  const token = first.json().refresh_token as string

  for (const [what, headers] of [['no proof', {}], ['another key', await dpop(thief)]] as const) {
    const res = await refresh(token, headers)
    t.equal(res.statusCode, 400, what)
    t.same(res.json(), { error: 'invalid_grant', error_description: 'invalid refresh token' }, what)
  }
  const rotated = await refresh(token, await dpop())
  t.equal(rotated.statusCode, 200, 'the token was not spent: its key still redeems it')
  t.equal(rotated.json().token_type, 'DPoP')
  const successor = rotated.json().refresh_token as string

  // The spent token, outside the reuse grace's use, presented with another key: not a replay, the family lives on.
  const stolen = await refresh(token, await dpop(thief))
  t.equal(stolen.json().error, 'invalid_grant', 'a spent bound token with another key')
  const withoutKey = await refresh(token)
  t.equal(withoutKey.json().error, 'invalid_grant', 'and with none')
  const next = await refresh(successor, await dpop())
  t.equal(next.statusCode, 200, 'never counted as a replay: the family was not revoked')
  t.equal((await refresh(next.json().refresh_token, await dpop(thief))).json().error, 'invalid_grant', 'the successors stay bound')
})

t.test('a family first issued without a proof stays unbound: later proofs bind only their own access tokens', async (t) => {
  const first = await redeem(await mintCode(h, { clientId: app.id, userId: user.id }))
  t.equal(first.json().token_type, 'Bearer')
  const withProof = await refresh(first.json().refresh_token, await dpop())
  t.equal(withProof.json().token_type, 'DPoP', 'this access token follows its proof')
  const without = await refresh(withProof.json().refresh_token)
  t.equal(without.statusCode, 200, 'the family did not become bound')
  t.equal(without.json().token_type, 'Bearer')
})

t.test('a confidential client\'s refresh tokens are not bound: each access token follows the proof of its own request', async (t) => {
  const auth = { client_id: web.id, client_secret: web.secret }
  const login = await postToken(h.app, { grant_type: 'password', username: 'alice', password: 'pw', ...auth }, await dpop())
  t.equal(login.json().token_type, 'DPoP')
  const next = await postToken(h.app, { grant_type: 'refresh_token', refresh_token: login.json().refresh_token, ...auth })
  t.equal(next.statusCode, 200)
  t.equal(next.json().token_type, 'Bearer')
  const other = await postToken(h.app, { grant_type: 'refresh_token', refresh_token: next.json().refresh_token, ...auth }, await dpop(thief))
  t.equal(other.json().token_type, 'DPoP', 'any key: the client authenticates')
})

t.test('a bad proof spends nothing: the code and the refresh token stay good', async (t) => {
  const code = await mintCode(h, { clientId: app.id, userId: user.id })
  const bad = { dpop: await proof(key, { now: iat(), header: { typ: 'JWT' } }) }
  t.equal((await redeem(code, bad)).json().error, 'invalid_dpop_proof')
  const res = await redeem(code, await dpop())
  t.equal(res.statusCode, 200, 'the code was not spent')
  t.equal((await refresh(res.json().refresh_token, bad)).json().error, 'invalid_dpop_proof')
  t.equal((await refresh(res.json().refresh_token, await dpop())).statusCode, 200, 'the refresh token was not spent')
})

t.test('a code bound by dpop_jkt is redeemed only with a proof of that key; otherwise invalid_grant and the code stays unspent (RFC 9449 §10)', async (t) => {
  const code = await mintCode(h, { clientId: app.id, userId: user.id, dpopJkt: key.jkt })
  for (const [what, headers] of [['no proof', {}], ['another key', await dpop(thief)]] as const) {
    const res = await redeem(code, headers)
    t.same(res.json(), { error: 'invalid_grant', error_description: 'invalid authorization code' }, what)
  }
  const res = await redeem(code, await dpop())
  t.equal(res.statusCode, 200, 'unspent until then')
  t.equal(res.json().token_type, 'DPoP')
})

t.test('dpop_jkt from the authorization request to the token: the sign-in page binds the code it issues', async (t) => {
  const { verifier, challenge } = pkce()
  const jar = new CookieJar()
  const query = { response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', dpop_jkt: key.jkt }
  const page = hiddenFields((await get(h.app, jar, authorizeUrl(query))).body)
  const answer = await post(h.app, jar, AUTHORIZE, { ...page, username: 'alice', password: 'pw', action: 'allow' })
  const code = { code: redirectParams(answer).get('code')!, verifier }
  t.equal((await redeem(code, await dpop(thief))).json().error, 'invalid_grant', 'another key')
  t.equal((await redeem(code, await dpop())).statusCode, 200, 'the key named by dpop_jkt')
})

t.test('a malformed dpop_jkt is invalid_request at the redirect URI', async (t) => {
  const { challenge } = pkce()
  for (const jkt of ['short', key.jkt + 'A', key.jkt.slice(0, 42) + '+']) {
    const res = await get(h.app, new CookieJar(), authorizeUrl({
      response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 's', dpop_jkt: jkt,
    }))
    t.equal(res.statusCode, 303, jkt)
    const q = redirectParams(res)
    t.equal(q.get('error'), 'invalid_request')
    t.match(q.get('error_description'), /dpop_jkt/)
  }
})
