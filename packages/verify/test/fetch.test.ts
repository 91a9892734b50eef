// The Web-standard adapter: requireAuth(...scopes) around a
// (request, auth, ...rest) => Response handler, answering rejections per
// RFC 6750 §3 with the body the other adapters send; errorResponse().
import t from 'tap'
import { errorResponse, fetchAuth } from '../src/fetch.js'
import { InsufficientScopeError, InvalidTokenError, JwksUnavailableError, NoTokenError, type AccessTokenClaims } from '../src/index.js'
import { buildVerifier } from '../src/verifier.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, signToken, noTokenChallenge } from './fixtures/helpers.js'

const key = makeKey('EdDSA', 'k1')
const verifier = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), allowFormBody: true })
const good = signToken(key, claims({ scope: 'read' }))
const url = 'http://127.0.0.1/restaurants'
const bearer = (token: string) => new Request(url, { headers: { authorization: `Bearer ${token}` } })
const json = 'application/json; charset=utf-8'

const requireAuth = fetchAuth({ verifier })
const restaurants = requireAuth('read')((request, auth) => Response.json({ sub: auth.sub, path: new URL(request.url).pathname }))
const admin = requireAuth('read', 'admin')(() => Response.json({ ok: true }))

t.test('a valid token reaches the handler with the claims; extra arguments pass through', async (t) => {
  const res = await restaurants(bearer(good))
  t.equal(res.status, 200)
  t.same(await res.json(), { sub: 'client_abc', path: '/restaurants' })
  const seen: unknown[] = []
  const withContext = requireAuth()(async (_request, auth: AccessTokenClaims, context: { params: { id: string } }, extra: number) => {
    seen.push(auth.scope, context.params.id, extra)
    return new Response(null, { status: 204 })
  })
  t.equal((await withContext(bearer(good), { params: { id: '7' } }, 42)).status, 204)
  t.same(seen, ['read', '7', 42], 'Next.js context, Bun server or Deno info reach the handler')
})

t.test('RFC 6750 §3: rejections are answered with status, challenge and the JSON body', async (t) => {
  const none = await restaurants(new Request(url))
  t.equal(none.status, 401)
  t.equal(none.headers.get('www-authenticate'), noTokenChallenge())
  t.equal(none.headers.get('content-type'), json)
  t.same(await none.json(), { error: 'unauthorized', error_description: 'authentication required' })

  const expired = signToken(key, claims({ exp: 1000, iat: 900 }))
  const bad = await restaurants(bearer(expired))
  t.equal(bad.status, 401)
  t.equal(bad.headers.get('www-authenticate'), 'Bearer realm="api", error="invalid_token"')
  const text = await bad.text()
  t.same(JSON.parse(text), { error: 'invalid_token', error_description: 'token expired' })
  t.notOk(text.includes(expired.split('.')[2]!), 'never the token')

  const scope = await admin(bearer(good))
  t.equal(scope.status, 403)
  t.equal(scope.headers.get('www-authenticate'), 'Bearer realm="api", error="insufficient_scope", scope="read admin"')
  t.same(await scope.json(), { error: 'insufficient_scope', error_description: 'insufficient scope' })

  const malformed = await restaurants(new Request(url, { headers: { authorization: 'Bearer' } }))
  t.equal(malformed.status, 400)
  t.equal(malformed.headers.get('www-authenticate'), 'Bearer realm="api", error="invalid_request"')
})

t.test('RFC 6750 §2.2: a form-body token, the body still readable by the handler', async (t) => {
  const order = requireAuth()(async (request, auth) => Response.json({ sub: auth.sub, item: (await request.formData()).get('item') }))
  const res = await order(new Request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${good}&item=soup` }))
  t.same(await res.json(), { sub: 'client_abc', item: 'soup' })
})

t.test('errorResponse renders any VerifyError as the adapters do', async (t) => {
  const res = errorResponse(new JwksUnavailableError(30))
  t.equal(res.status, 503)
  t.equal(res.headers.get('retry-after'), '30')
  t.equal(res.headers.get('www-authenticate'), null)
  t.same(await res.json(), { error: 'temporarily_unavailable', error_description: 'signing keys unavailable' })
  const scope = errorResponse(new InsufficientScopeError(['write'], undefined, { realm: 'orders' }))
  t.equal(scope.headers.get('www-authenticate'), 'Bearer realm="orders", error="insufficient_scope", scope="write"')
  t.same(await new NoTokenError().getResponse().json(), { error: 'unauthorized', error_description: 'authentication required' }, 'the same as error.getResponse()')
})

t.test('passErrors: the typed error is thrown; errors that are not VerifyErrors always are', async (t) => {
  const passing = fetchAuth({ verifier, passErrors: true })('read')(() => new Response('never'))
  await t.rejects(passing(bearer('x.y.z')), InvalidTokenError)
  await t.rejects(passing(new Request(url)), NoTokenError)
  const consumed = new Request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${good}` })
  await consumed.text()
  await t.rejects(restaurants(consumed), { name: 'TypeError' }, 'a programming error is not answered as a 4xx')
})

t.test('fetchAuth validates its options at once; bad scope names at requireAuth()', async (t) => {
  t.throws(() => fetchAuth({ issuer: ISSUER, audience: AUDIENCE, timeout: 0 }), { name: 'TypeError', message: /timeout/ })
  t.throws(() => fetchAuth({ verifier, passErrors: 1 } as never), { name: 'TypeError', message: /passErrors/ })
  t.equal(requireAuth.verifier, verifier)
  t.throws(() => requireAuth('two words'), TypeError)
})
