// The Express adapter on Express 5 and Express 4, through a real server on
// 127.0.0.1 port 0: RFC 6750 §3 responses with and without an error handler,
// and with passErrors handing errors to next(err).
import t, { type Test } from 'tap'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import express5 from 'express'
import { expressAuth } from '../src/express.js'
import { InvalidTokenError } from '../src/index.js'
import { buildVerifier } from '../src/verifier.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, signToken, noTokenChallenge } from './fixtures/helpers.js'

const express4 = createRequire(import.meta.url)('express4') as typeof express5

const key = makeKey('ES256', 'k1')
const verifier = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), allowFormBody: true })
const good = signToken(key, claims({ scope: 'read' }))
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

type Mode = { passErrors?: boolean; errorHandler?: boolean }

async function serve(t: Test, factory: typeof express5, mode: Mode): Promise<string> {
  const app = factory()
  app.set('env', 'test') // the default handler then does not print stacks to stderr
  const requireAuth = expressAuth({ verifier, passErrors: mode.passErrors ?? false })
  app.get('/restaurants', requireAuth('read'), (req, res) => { res.json({ sub: req.auth?.sub }) })
  app.get('/admin', requireAuth('read', 'admin'), (_req, res) => { res.json({ ok: true }) })
  app.post('/orders', factory.urlencoded({ extended: false }), requireAuth(), (req, res) => { res.json({ sub: req.auth?.sub }) })
  if (mode.errorHandler) {
    app.use((err: unknown, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => {
      const e = err as InvalidTokenError
      res.status(mode.passErrors ? e.status : 500).set(mode.passErrors ? e.headers : {}).json({ mine: e.code ?? 'other', typed: err instanceof InvalidTokenError })
    })
  }
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)) })
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

for (const [name, factory] of [['Express 5', express5], ['Express 4', express4]] as const) {
  t.test(`${name}: valid token sets req.auth`, async (t) => {
    const base = await serve(t, factory, {})
    const res = await fetch(`${base}/restaurants`, { headers: bearer(good) })
    t.equal(res.status, 200)
    t.same(await res.json(), { sub: 'client_abc' })
    const form = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${good}` })
    t.equal(form.status, 200, 'RFC 6750 §2.2 form body when enabled')
  })

  for (const errorHandler of [false, true]) {
    t.test(`${name}: RFC 6750 §3 answered by the adapter (${errorHandler ? 'with' : 'without'} an error handler)`, async (t) => {
      const base = await serve(t, factory, { errorHandler })
      const none = await fetch(`${base}/restaurants`)
      t.equal(none.status, 401)
      t.equal(none.headers.get('www-authenticate'), noTokenChallenge())
      t.same(await none.json(), { error: 'unauthorized', error_description: 'authentication required' })
      t.equal(none.headers.get('content-type'), 'application/json; charset=utf-8')

      const bad = await fetch(`${base}/restaurants`, { headers: bearer(signToken(key, claims({ exp: 1000, iat: 900 }))) })
      t.equal(bad.status, 401)
      t.equal(bad.headers.get('www-authenticate'), 'Bearer realm="api", error="invalid_token"')
      t.same(await bad.json(), { error: 'invalid_token', error_description: 'token expired' })

      const scope = await fetch(`${base}/admin`, { headers: bearer(good) })
      t.equal(scope.status, 403)
      t.equal(scope.headers.get('www-authenticate'), 'Bearer realm="api", error="insufficient_scope", scope="read admin"')

      const malformed = await fetch(`${base}/restaurants`, { headers: { authorization: 'Bearer a b' } })
      t.equal(malformed.status, 400)
      t.equal(malformed.headers.get('www-authenticate'), 'Bearer realm="api", error="invalid_request"')
    })
  }

  t.test(`${name}: passErrors without an error handler: the default handler renders status and headers`, async (t) => {
    const base = await serve(t, factory, { passErrors: true })
    const res = await fetch(`${base}/admin`, { headers: bearer(good) })
    t.equal(res.status, 403)
    t.equal(res.headers.get('www-authenticate'), 'Bearer realm="api", error="insufficient_scope", scope="read admin"')
    t.notMatch(await res.text(), good.slice(0, 30), 'never the token')
    const none = await fetch(`${base}/restaurants`)
    t.equal(none.status, 401)
    t.equal(none.headers.get('www-authenticate'), noTokenChallenge())
  })

  t.test(`${name}: passErrors with an error handler: next(err) with the typed error`, async (t) => {
    const base = await serve(t, factory, { passErrors: true, errorHandler: true })
    const res = await fetch(`${base}/restaurants`, { headers: bearer('a.b.c') })
    t.equal(res.status, 401)
    t.equal(res.headers.get('www-authenticate'), 'Bearer realm="api", error="invalid_token"')
    t.same(await res.json(), { mine: 'invalid_token', typed: true })
  })
}

t.test('expressAuth validates its options at once', async (t) => {
  t.throws(() => expressAuth({ issuer: ISSUER, audience: AUDIENCE, cooldown: -1 }), { name: 'TypeError', message: /cooldown/ })
  t.throws(() => expressAuth({ verifier, issuer: ISSUER } as never), { name: 'TypeError', message: /issuer/ })
  const requireAuth = expressAuth({ verifier })
  t.equal(requireAuth.verifier, verifier)
  t.throws(() => requireAuth('bad"scope'), TypeError)
})
