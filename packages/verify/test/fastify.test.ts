// The Fastify adapter through app.inject(): RFC 6750 §3 responses, both when
// the adapter answers and when it passes errors on (passErrors: true).
import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import formbody from '@fastify/formbody'
import { tesseraAuth } from '../src/fastify.js'
import { InvalidTokenError, type VerifyError } from '../src/index.js'
import { buildVerifier } from '../src/verifier.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, signToken, startJwksServer, noTokenChallenge } from './fixtures/helpers.js'

const key = makeKey('EdDSA', 'k1')
const verifier = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key) })
const good = signToken(key, claims({ scope: 'read' }))

async function build(t: Test, opts: Record<string, unknown> = {}, setup?: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify()
  setup?.(app)
  await app.register(tesseraAuth, { verifier, ...opts } as never)
  app.get('/restaurants', { onRequest: app.requireAuth('read') }, async (req) => ({ sub: req.auth.sub }))
  app.get('/admin', { onRequest: app.requireAuth('read', 'admin') }, async () => ({ ok: true }))
  app.get('/any', { onRequest: app.requireAuth() }, async (req) => ({ scope: req.auth.scope }))
  await app.ready()
  t.teardown(() => app.close())
  return app
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

t.test('a valid token reaches the handler with req.auth', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: '/restaurants', headers: bearer(good) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { sub: 'client_abc' })
  t.same((await app.inject({ url: '/any', headers: bearer(good) })).json(), { scope: 'read' }, 'no scopes: authentication only')
})

t.test('RFC 6750 §3: the adapter answers rejections itself', async (t) => {
  const app = await build(t)
  const none = await app.inject({ url: '/restaurants' })
  t.equal(none.statusCode, 401)
  t.equal(none.headers['www-authenticate'], noTokenChallenge())
  t.same(none.json(), { error: 'unauthorized', error_description: 'authentication required' })
  t.equal(none.headers['content-type'], 'application/json; charset=utf-8')

  const bad = await app.inject({ url: '/restaurants', headers: bearer(good.slice(0, -4) + 'AAAA') })
  t.equal(bad.statusCode, 401)
  t.equal(bad.headers['www-authenticate'], 'Bearer realm="api", error="invalid_token"')
  t.same(bad.json(), { error: 'invalid_token', error_description: 'invalid signature' })
  t.notMatch(bad.body, good.slice(0, 20), 'never the token')

  const scope = await app.inject({ url: '/admin', headers: bearer(good) })
  t.equal(scope.statusCode, 403)
  t.equal(scope.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope", scope="read admin"')
  t.same(scope.json(), { error: 'insufficient_scope', error_description: 'insufficient scope' })

  const malformed = await app.inject({ url: '/restaurants', headers: { authorization: 'Bearer' } })
  t.equal(malformed.statusCode, 400)
  t.equal(malformed.headers['www-authenticate'], 'Bearer realm="api", error="invalid_request"')
  t.equal(malformed.json().error, 'invalid_request')

  const basic = await app.inject({ url: '/restaurants', headers: { authorization: 'Basic dTpw' } })
  t.equal(basic.statusCode, 401, 'another scheme is no token')
  t.equal(basic.headers['www-authenticate'], noTokenChallenge())
})

t.test('the adapter answers even when the app has its own error handler', async (t) => {
  const app = await build(t, {}, (a) => a.setErrorHandler((_e, _req, reply) => reply.code(500).send({ custom: true })))
  const res = await app.inject({ url: '/restaurants' })
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], noTokenChallenge())
})

t.test('passErrors: Fastify default handler renders status and WWW-Authenticate', async (t) => {
  const app = await build(t, { passErrors: true })
  const res = await app.inject({ url: '/admin', headers: bearer(good) })
  t.equal(res.statusCode, 403)
  t.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope", scope="read admin"')
  t.equal(res.json().message, 'insufficient scope')
  const none = await app.inject({ url: '/restaurants' })
  t.equal(none.statusCode, 401)
  t.equal(none.headers['www-authenticate'], noTokenChallenge())
})

t.test('passErrors: the app error handler receives the typed error', async (t) => {
  const seen: unknown[] = []
  const app = await build(t, { passErrors: true }, (a) => a.setErrorHandler((e, _req, reply) => {
    seen.push(e)
    const err = e as unknown as VerifyError
    return reply.code(err.status).headers(err.headers).send({ mine: err.code })
  }))
  const res = await app.inject({ url: '/restaurants', headers: bearer('x.y.z') })
  t.equal(res.statusCode, 401)
  t.same(res.json(), { mine: 'invalid_token' })
  t.type(seen[0], InvalidTokenError)
})

t.test('503 with Retry-After when the JWKS cannot be had', async (t) => {
  const server = await startJwksServer(jwksOf(key))
  t.teardown(() => server.close())
  server.mode = 'fail'
  const app = Fastify()
  await app.register(tesseraAuth, { issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url })
  app.get('/r', { onRequest: app.requireAuth() }, async () => 'ok')
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/r', headers: bearer(good) })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '30')
  t.same(res.json(), { error: 'temporarily_unavailable', error_description: 'signing keys unavailable' })
})

t.test('RFC 6750 §2.2: form body token via preHandler when allowFormBody is on', async (t) => {
  const app = Fastify()
  await app.register(formbody)
  await app.register(tesseraAuth, { issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), allowFormBody: true, realm: 'orders' })
  app.post('/orders', { preHandler: app.requireAuth('read') }, async (req) => ({ sub: req.auth.sub }))
  t.teardown(() => app.close())
  const ok = await app.inject({ method: 'POST', url: '/orders', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `access_token=${good}` })
  t.equal(ok.statusCode, 200)
  const both = await app.inject({ method: 'POST', url: '/orders', headers: { ...bearer(good), 'content-type': 'application/x-www-form-urlencoded' }, payload: `access_token=${good}` })
  t.equal(both.statusCode, 400)
  t.equal(both.headers['www-authenticate'], 'Bearer realm="orders", error="invalid_request"')
})

t.test('bad adapter options fail at registration; bad scope names at requireAuth()', async (t) => {
  const app = Fastify()
  await t.rejects(async () => {
    await app.register(tesseraAuth, { issuer: ISSUER, audience: AUDIENCE, passErrors: 'yes' } as never)
    await app.ready()
  }, { name: 'TypeError', message: /passErrors/ })
  const app2 = Fastify()
  await app2.register(tesseraAuth, { verifier })
  t.throws(() => app2.requireAuth('two words'), TypeError)
  await app2.close()
})

t.test('logs never hold the token or the Authorization header, even with passErrors', async (t) => {
  const lines: string[] = []
  const app = Fastify({ logger: { level: 'trace', stream: { write: (line: string) => { lines.push(line) } } } })
  await app.register(tesseraAuth, { verifier, passErrors: true })
  app.get('/r', { onRequest: app.requireAuth('admin') }, async () => 'ok')
  t.teardown(() => app.close())
  const bad = good.slice(0, -6) + 'AAAAAA'
  t.equal((await app.inject({ url: '/r', headers: bearer(bad) })).statusCode, 401)
  t.equal((await app.inject({ url: '/r', headers: bearer(good) })).statusCode, 403)
  t.ok(lines.length > 0, 'something was logged')
  const all = lines.join('')
  t.notOk(all.includes(good.split('.')[2]!) || all.includes(bad.split('.')[2]!), 'no token in the logs')
  t.notMatch(all, /authorization/i, 'no Authorization header in the logs')
})
