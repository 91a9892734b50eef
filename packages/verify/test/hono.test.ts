// The Hono middleware through Hono's own app.request(): c.get('auth') typed
// and set, RFC 6750 §3 rejections answered as every adapter answers them,
// and passErrors handing the typed error to Hono (app.onError, or Hono's
// default handler, which answers with the error's getResponse()).
import t from 'tap'
import { Hono } from 'hono'
import { honoAuth } from '../src/hono.js'
import { isVerifyError, NoTokenError } from '../src/index.js'
import { buildVerifier } from '../src/verifier.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, signToken, noTokenChallenge } from './fixtures/helpers.js'

const key = makeKey('RS256', 'k1')
const verifier = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), allowFormBody: true })
const good = signToken(key, claims({ scope: 'read' }))
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })
const json = 'application/json; charset=utf-8'

function build(passErrors = false) {
  const requireAuth = honoAuth({ verifier, passErrors })
  const app = new Hono()
  app.get('/restaurants', requireAuth('read'), (c) => c.json({ sub: c.get('auth').sub }))
  app.get('/admin', requireAuth('read', 'admin'), (c) => c.json({ ok: true }))
  app.post('/orders', requireAuth(), async (c) => c.json({ sub: c.get('auth').sub, item: (await c.req.parseBody())['item'] }))
  return app
}

t.test('a valid token reaches the handler with c.get(\'auth\')', async (t) => {
  const app = build()
  const res = await app.request('/restaurants', bearer(good))
  t.equal(res.status, 200)
  t.same(await res.json(), { sub: 'client_abc' })
  const order = await app.request('/orders', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${good}&item=soup` })
  t.same(await order.json(), { sub: 'client_abc', item: 'soup' }, 'RFC 6750 §2.2 form token; the body still parsed by the handler')
})

t.test('a chained app.use(requireAuth()) types and sets auth for every later route', async (t) => {
  const app = new Hono().use(honoAuth({ verifier })()).get('/me', (c) => c.json({ scope: c.get('auth').scope }))
  t.same(await (await app.request('/me', bearer(good))).json(), { scope: 'read' })
  t.equal((await app.request('/me')).status, 401)
})

t.test('RFC 6750 §3: the middleware answers rejections itself', async (t) => {
  const app = build()
  const none = await app.request('/restaurants')
  t.equal(none.status, 401)
  t.equal(none.headers.get('www-authenticate'), noTokenChallenge())
  t.equal(none.headers.get('content-type'), json)
  t.same(await none.json(), { error: 'unauthorized', error_description: 'authentication required' })

  const bad = await app.request('/restaurants', bearer(good.slice(0, -4) + 'AAAA'))
  t.equal(bad.status, 401)
  t.equal(bad.headers.get('www-authenticate'), 'Bearer realm="api", error="invalid_token"')
  t.same(await bad.json(), { error: 'invalid_token', error_description: 'invalid signature' })

  const scope = await app.request('/admin', bearer(good))
  t.equal(scope.status, 403)
  t.equal(scope.headers.get('www-authenticate'), 'Bearer realm="api", error="insufficient_scope", scope="read admin"')

  const malformed = await app.request('/restaurants', { headers: { authorization: 'Bearer a b' } })
  t.equal(malformed.status, 400)
  t.equal(malformed.headers.get('www-authenticate'), 'Bearer realm="api", error="invalid_request"')
})

t.test('the middleware answers even when the app has its own onError', async (t) => {
  const app = build()
  app.onError((_err, c) => c.json({ custom: true }, 500))
  const res = await app.request('/restaurants')
  t.equal(res.status, 401)
  t.equal(res.headers.get('www-authenticate'), noTokenChallenge())
})

t.test('passErrors without onError: Hono\'s default handler answers with the error\'s response', async (t) => {
  const app = build(true)
  const res = await app.request('/admin', bearer(good))
  t.equal(res.status, 403)
  t.equal(res.headers.get('www-authenticate'), 'Bearer realm="api", error="insufficient_scope", scope="read admin"')
  t.same(await res.json(), { error: 'insufficient_scope', error_description: 'insufficient scope' })
})

t.test('passErrors with onError: the handler receives the typed error', async (t) => {
  const app = build(true)
  const seen: unknown[] = []
  app.onError((err, c) => {
    seen.push(err)
    return isVerifyError(err) ? c.json({ mine: err.code }, err.status as 401) : c.json({ other: true }, 500)
  })
  const res = await app.request('/restaurants')
  t.equal(res.status, 401)
  t.same(await res.json(), { mine: 'no_token' })
  t.type(seen[0], NoTokenError)
})

t.test('honoAuth validates its options at once; bad scope names at requireAuth()', async (t) => {
  t.throws(() => honoAuth({ issuer: ISSUER, audience: AUDIENCE, jwksUri: 'http://example.com/jwks' }), { name: 'TypeError', message: /jwksUri/ })
  const requireAuth = honoAuth({ verifier })
  t.equal(requireAuth.verifier, verifier)
  t.throws(() => requireAuth('bad"scope'), TypeError)
})
