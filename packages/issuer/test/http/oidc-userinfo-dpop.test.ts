// UserInfo with DPoP (DESIGN.md "OpenID Connect" and "DPoP"; RFC 9449 §7.1,
// §9): a DPoP-bound access token only under the DPoP scheme with a proof
// of its key for this method, the userinfo URL and the token's `ath`, each
// proof accepted once; an unbound token only under Bearer; failures are
// 401 with the DPoP challenge; no token at all is both bare challenges.
import { createHash } from 'node:crypto'
import t from 'tap'
import { CookieJar } from './fixtures/browser.js'
import { harness, type Harness } from '../fixtures/harness.js'
import { dpopKey, proof, type DpopKey } from '../fixtures/dpop.js'
import { createProfileUser, signInFor } from './fixtures/oidc.js'
import { decodeJwt, FORM, postToken } from './fixtures/request.js'

const REDIRECT = 'http://127.0.0.1/callback'
const USERINFO = '/oauth2/userinfo'
const USERINFO_URL = 'http://localhost:8080/oauth2/userinfo'
const JOHN = { username: 'john', password: 'correct horse' }
const ALGS = 'algs="ES256 PS256 RS256 EdDSA Ed25519"'

async function setUp(config: { dpopNonce?: boolean } = {}) {
  const h = await harness({ config })
  const app = await h.createClient({
    public: true, grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT],
    scopes: ['openid', 'profile', 'read'], audiences: ['https://api.example'],
  })
  const john = await createProfileUser(h, { ...JOHN, name: 'John Smith' })
  return { h, app, john }
}

/** A code flow for `openid profile`, redeemed with a proof of `key` (none: a bearer token). */
async function accessToken(h: Harness, clientId: string, key: DpopKey | null): Promise<string> {
  const signed = await signInFor(h, new CookieJar(), { client_id: clientId, redirect_uri: REDIRECT, scope: 'openid profile' }, JOHN)
  const params = { grant_type: 'authorization_code', client_id: clientId, code: signed.query.get('code')!, code_verifier: signed.verifier, redirect_uri: REDIRECT }
  let res = await postToken(h.app, params, key === null ? {} : { dpop: await proof(key) })
  if (res.statusCode === 400 && res.json<{ error: string }>().error === 'use_dpop_nonce' && key !== null) {
    res = await postToken(h.app, params, { dpop: await proof(key, { claims: { nonce: res.headers['dpop-nonce'] } }) })
  }
  if (res.statusCode !== 200) throw new Error(`redemption failed: ${res.body}`)
  return res.json<{ access_token: string }>().access_token
}

const ath = (token: string) => createHash('sha256').update(token).digest('base64url')

/** A proof for a UserInfo request (RFC 9449 §4.2, §7.1), with `claims` changing what a test needs. */
const userInfoProof = (key: DpopKey, token: string, claims: Record<string, unknown> = {}) =>
  proof(key, { claims: { htm: 'GET', htu: USERINFO_URL, ath: ath(token), ...claims } })

t.test('a DPoP-bound token with a proof of its key: the claims (Core §5.3, RFC 9449 §7.1), for GET and POST', async (t) => {
  const { h, app, john } = await setUp()
  t.teardown(() => h.close())
  const key = await dpopKey()
  const token = await accessToken(h, app.id, key)
  t.same(decodeJwt(token).claims.cnf, { jkt: key.jkt }, 'the token is bound')
  for (const method of ['GET', 'POST'] as const) {
    const res = await h.app.inject({
      method, url: USERINFO,
      headers: { authorization: `DPoP ${token}`, dpop: await userInfoProof(key, token, { htm: method }), ...(method === 'POST' ? { 'content-type': FORM } : {}) },
    })
    t.equal(res.statusCode, 200, `${method}: ${res.body}`)
    t.equal(res.headers['cache-control'], 'no-store')
    t.same({ sub: res.json<{ sub: string }>().sub, name: res.json<{ name: string }>().name }, { sub: john.id, name: 'John Smith' })
  }
})

t.test('refused with the DPoP challenge: a bound token as Bearer is invalid_token; a bad proof is invalid_dpop_proof', async (t) => {
  const { h, app } = await setUp()
  t.teardown(() => h.close())
  const key = await dpopKey()
  const thief = await dpopKey()
  const token = await accessToken(h, app.id, key)

  const asBearer = await h.app.inject({ url: USERINFO, headers: { authorization: `Bearer ${token}` } })
  t.equal(asBearer.statusCode, 401)
  t.match(asBearer.headers['www-authenticate'], /^Bearer realm="tessera", error="invalid_token", error_description="[^"]*DPoP[^"]*"$/)

  const replayed = await userInfoProof(key, token)
  t.equal((await h.app.inject({ url: USERINFO, headers: { authorization: `DPoP ${token}`, dpop: replayed } })).statusCode, 200)

  const cases: Record<string, () => Promise<Record<string, string>>> = {
    'no DPoP header': async () => ({}),
    'a proof from another key (the thief\'s)': async () => ({ dpop: await userInfoProof(thief, token) }),
    'a proof for another method': async () => ({ dpop: await userInfoProof(key, token, { htm: 'POST' }) }),
    'a proof for another URL': async () => ({ dpop: await userInfoProof(key, token, { htu: 'http://localhost:8080/oauth2/token' }) }),
    'a proof for another token (ath)': async () => ({ dpop: await userInfoProof(key, token, { ath: ath('another') }) }),
    'a proof without ath': async () => ({ dpop: await userInfoProof(key, token, { ath: undefined }) }),
    'a proof replayed (jti seen)': async () => ({ dpop: replayed }),
  }
  for (const [what, headers] of Object.entries(cases)) {
    const res = await h.app.inject({ url: USERINFO, headers: { authorization: `DPoP ${token}`, ...await headers() } })
    t.equal(res.statusCode, 401, what)
    t.match(res.headers['www-authenticate'], new RegExp(`^DPoP realm="tessera", error="invalid_dpop_proof", error_description="[^"]+", ${ALGS}$`), what)
    t.equal(res.json<{ error: string }>().error, 'invalid_dpop_proof', what)
  }
})

t.test('an unbound token under the DPoP scheme is invalid_token, in the DPoP challenge; as Bearer it still works', async (t) => {
  const { h, app } = await setUp()
  t.teardown(() => h.close())
  const key = await dpopKey()
  const token = await accessToken(h, app.id, null)
  const res = await h.app.inject({ url: USERINFO, headers: { authorization: `DPoP ${token}`, dpop: await userInfoProof(key, token) } })
  t.equal(res.statusCode, 401)
  t.match(res.headers['www-authenticate'], new RegExp(`^DPoP realm="tessera", error="invalid_token", error_description="[^"]+", ${ALGS}$`))
  t.equal((await h.app.inject({ url: USERINFO, headers: { authorization: `Bearer ${token}` } })).statusCode, 200)
})

t.test('no token: 401 with both bare challenges, Bearer and DPoP with its algorithms (RFC 6750 §3.1, RFC 9449 §7.1)', async (t) => {
  const { h } = await setUp()
  t.teardown(() => h.close())
  const res = await h.app.inject({ url: USERINFO })
  t.equal(res.statusCode, 401)
  t.same(res.headers['www-authenticate'], ['Bearer realm="tessera"', `DPoP realm="tessera", ${ALGS}`])
})

t.test('with TESSERA_DPOP_NONCE on, a proof without the nonce is 401 use_dpop_nonce with a DPoP-Nonce to retry with (RFC 9449 §9)', async (t) => {
  const { h, app } = await setUp({ dpopNonce: true })
  t.teardown(() => h.close())
  const key = await dpopKey()
  const token = await accessToken(h, app.id, key)
  const first = await h.app.inject({ url: USERINFO, headers: { authorization: `DPoP ${token}`, dpop: await userInfoProof(key, token) } })
  t.equal(first.statusCode, 401)
  t.match(first.headers['www-authenticate'], /^DPoP realm="tessera", error="use_dpop_nonce"/)
  const nonce = first.headers['dpop-nonce']
  t.type(nonce, 'string')
  const retried = await h.app.inject({ url: USERINFO, headers: { authorization: `DPoP ${token}`, dpop: await userInfoProof(key, token, { nonce }) } })
  t.equal(retried.statusCode, 200, retried.body)
})
