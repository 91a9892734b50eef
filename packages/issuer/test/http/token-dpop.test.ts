// DPoP at the token endpoint (RFC 9449 §5, DESIGN.md "DPoP: sender-
// constrained tokens", issuer): a valid proof gives token_type DPoP and an
// access token with cnf.jkt; a bad proof is 400 invalid_dpop_proof and
// spends nothing; a proof is accepted once; htu is the issuer's own URL;
// a --dpop client must send one whatever the grant; TESSERA_DPOP_NONCE.
import t from 'tap'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { NONCE_WINDOW_MS } from '../../src/oauth/dpop/index.js'
import { dpopKey, proof, TOKEN_URL } from '../fixtures/dpop.js'
import { harness } from '../fixtures/harness.js'
import { decodeJwt, postToken } from './fixtures/request.js'

const clock = { offset: 0 }
const now = () => Date.now() + clock.offset
const h = await harness({ clock: now })
t.teardown(() => h.close())
const svc = await h.createClient({ grants: ['client_credentials'], scopes: ['read'] })
const bound = await h.createClient({ grants: ['client_credentials', 'password', 'refresh_token'], scopes: ['read'] })
await h.admin.clients.update(bound.id, { dpop: true })
await h.createUser({ username: 'alice', password: 'pw', scopes: ['read'] })
const key = await dpopKey('ES256')
const iat = () => Math.floor(now() / 1000)
const cc = (client: { id: string; secret: string }, headers: Record<string, string | string[]> = {}) =>
  postToken(h.app, { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }, headers as Record<string, string>)

t.test('a valid proof: token_type DPoP, and the access token carries cnf.jkt, the key\'s RFC 7638 thumbprint (RFC 9449 §5, §6.1)', async (t) => {
  for (const alg of ['ES256', 'PS256', 'RS256', 'EdDSA', 'Ed25519'] as const) {
    const k = alg === 'ES256' ? key : await dpopKey(alg)
    const res = await cc(svc, { dpop: await proof(k, { now: iat() }) })
    t.equal(res.statusCode, 200, `${alg}: ${res.body}`)
    t.equal(res.json().token_type, 'DPoP')
    const jwks = createLocalJWKSet((await h.app.inject({ url: '/.well-known/jwks.json' })).json())
    const { payload } = await jwtVerify(res.json().access_token, jwks, { issuer: h.config.issuer, typ: 'at+jwt' })
    t.same(payload.cnf, { jkt: k.jkt }, `${alg}: cnf.jkt`)
  }
})

t.test('without a proof: a Bearer token as before, no cnf', async (t) => {
  const res = await cc(svc)
  t.equal(res.json().token_type, 'Bearer')
  t.equal(decodeJwt(res.json().access_token).claims.cnf, undefined)
})

t.test('a bad proof is 400 invalid_dpop_proof, with no-store, and no token', async (t) => {
  const cases: Array<[string, Record<string, string | string[]>]> = [
    ['wrong typ', { dpop: await proof(key, { now: iat(), header: { typ: 'JWT' } }) }],
    ['a private jwk', { dpop: await proof(key, { now: iat(), header: { jwk: key.privateJwk } }) }],
    ['another method', { dpop: await proof(key, { now: iat(), claims: { htm: 'GET' } }) }],
    ['iat too old', { dpop: await proof(key, { now: iat() - 61 }) }],
    ['two DPoP headers', { dpop: [await proof(key, { now: iat() }), await proof(key, { now: iat() })] }],
    ['an empty header', { dpop: '' }],
  ]
  for (const [what, headers] of cases) {
    const res = await cc(svc, headers)
    t.equal(res.statusCode, 400, what)
    t.equal(res.json().error, 'invalid_dpop_proof', what)
    t.equal(res.headers['cache-control'], 'no-store')
    t.equal(res.json().access_token, undefined)
  }
})

t.test('htu is built from the issuer identifier: Host and X-Forwarded-* change nothing', async (t) => {
  const forged = await proof(key, { now: iat(), claims: { htu: 'http://evil.example/oauth2/token' } })
  const res = await cc(svc, { dpop: forged, host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' })
  t.equal(res.json().error, 'invalid_dpop_proof', 'a proof for the Host sent is refused')
  const right = await cc(svc, { dpop: await proof(key, { now: iat(), claims: { htu: `${TOKEN_URL}?x=1#f` } }), host: 'evil.example' })
  t.equal(right.statusCode, 200, 'a proof for the issuer\'s URL (query and fragment ignored) passes whatever Host says')
})

t.test('a proof is accepted once: presented again it is invalid_dpop_proof (RFC 9449 §11.1)', async (t) => {
  const p = await proof(key, { now: iat() })
  t.equal((await cc(svc, { dpop: p })).statusCode, 200)
  const again = await cc(svc, { dpop: p })
  t.equal(again.statusCode, 400)
  t.same(again.json(), { error: 'invalid_dpop_proof', error_description: 'the DPoP proof was used before' })
  const other = await cc(bound, { dpop: p })
  t.equal(other.json().error, 'invalid_dpop_proof', 'by another client too')
})

t.test('a client made with --dpop must send a proof, whatever the grant: invalid_request', async (t) => {
  const res = await cc(bound)
  t.equal(res.statusCode, 400)
  t.same(res.json(), { error: 'invalid_request', error_description: 'this client must send a DPoP proof (RFC 9449)' })
  const pw = await postToken(h.app, { grant_type: 'password', username: 'alice', password: 'pw', client_id: bound.id, client_secret: bound.secret })
  t.equal(pw.json().error, 'invalid_request', 'password grant')
  const ok = await postToken(h.app, { grant_type: 'password', username: 'alice', password: 'pw', client_id: bound.id, client_secret: bound.secret },
    { dpop: await proof(key, { now: iat() }) })
  t.equal(ok.json().token_type, 'DPoP', 'with a proof')
  const refresh = await postToken(h.app, { grant_type: 'refresh_token', refresh_token: ok.json().refresh_token, client_id: bound.id, client_secret: bound.secret })
  t.equal(refresh.json().error, 'invalid_request', 'refresh_token grant without a proof')
  const again = await postToken(h.app, { grant_type: 'refresh_token', refresh_token: ok.json().refresh_token, client_id: bound.id, client_secret: bound.secret },
    { dpop: await proof(key, { now: iat() }) })
  t.equal(again.json().token_type, 'DPoP', 'the refresh token was not spent by the refused request')
})

t.test('metadata lists dpop_signing_alg_values_supported, EdDSA under both names (RFC 9449 §5.1, RFC 9864)', async (t) => {
  const meta = (await h.app.inject({ url: '/.well-known/oauth-authorization-server' })).json()
  t.same(meta.dpop_signing_alg_values_supported, ['ES256', 'PS256', 'RS256', 'EdDSA', 'Ed25519'])
})

t.test('TESSERA_DPOP_NONCE on: every answer carries DPoP-Nonce; a proof without one, or with a stale one, is use_dpop_nonce (RFC 9449 §8)', async (t) => {
  const n = await harness({ clock: now, config: { dpopNonce: true } })
  t.teardown(() => n.close())
  const c = await n.createClient({ grants: ['client_credentials'], scopes: ['read'] })
  const post = (headers: Record<string, string> = {}) =>
    postToken(n.app, { grant_type: 'client_credentials', client_id: c.id, client_secret: c.secret }, headers)

  const bearer = await post()
  t.match(bearer.headers['dpop-nonce'], /^[A-Za-z0-9_-]{43}$/, 'a Bearer answer carries the nonce')
  t.equal(bearer.json().token_type, 'Bearer', 'no proof: no nonce needed')
  t.match((await n.app.inject({ method: 'GET', url: '/oauth2/token' })).headers['dpop-nonce'], /^[A-Za-z0-9_-]{43}$/, 'a 405 too')
  t.match((await n.app.inject({ method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'text/plain' }, payload: 'x' })).headers['dpop-nonce'],
    /^[A-Za-z0-9_-]{43}$/, 'a transport error too')

  const missing = await post({ dpop: await proof(key, { now: iat() }) })
  t.equal(missing.statusCode, 400)
  t.equal(missing.json().error, 'use_dpop_nonce')
  const nonce = String(missing.headers['dpop-nonce'])
  t.match(nonce, /^[A-Za-z0-9_-]{43}$/, 'with a fresh nonce')
  t.equal((await post({ dpop: await proof(key, { now: iat(), claims: { nonce: 'made-up' } }) })).json().error, 'use_dpop_nonce', 'a nonce never given')

  const withNonce = await post({ dpop: await proof(key, { now: iat(), claims: { nonce } }) })
  t.equal(withNonce.statusCode, 200, 'with the nonce given')
  t.equal(withNonce.json().token_type, 'DPoP')
  t.match(withNonce.headers['dpop-nonce'], /^[A-Za-z0-9_-]{43}$/)

  clock.offset += NONCE_WINDOW_MS
  t.equal((await post({ dpop: await proof(key, { now: iat(), claims: { nonce } }) })).statusCode, 200, 'still valid 60 s later')
  clock.offset += NONCE_WINDOW_MS
  const stale = await post({ dpop: await proof(key, { now: iat(), claims: { nonce } }) })
  t.equal(stale.json().error, 'use_dpop_nonce', 'stale two windows on')
  t.not(stale.headers['dpop-nonce'], nonce, 'answered with a fresh nonce')
  clock.offset = 0

  const forged = await post({ dpop: await proof(key, { now: iat(), header: { typ: 'JWT' } }) })
  t.equal(forged.json().error, 'invalid_dpop_proof', 'a bad proof is invalid_dpop_proof, not a nonce problem')
})

t.test('a proof refused for its nonce is not recorded: the same proof with a valid nonce would be a new one', async (t) => {
  const n = await harness({ clock: now, config: { dpopNonce: true } })
  t.teardown(() => n.close())
  const c = await n.createClient({ grants: ['client_credentials'], scopes: ['read'] })
  const post = (dpop: string) => postToken(n.app, { grant_type: 'client_credentials', client_id: c.id, client_secret: c.secret }, { dpop })
  const jti = 'same-jti-for-both'
  const first = await post(await proof(key, { now: iat(), claims: { jti } }))
  t.equal(first.json().error, 'use_dpop_nonce')
  const second = await post(await proof(key, { now: iat(), claims: { jti, nonce: String(first.headers['dpop-nonce']) } }))
  t.equal(second.statusCode, 200, 'the jti was not spent by the refused proof')
})
