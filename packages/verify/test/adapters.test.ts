// Every adapter over the same core: Fastify (inject), Express 5 and 4 (a
// real server on 127.0.0.1), the Web layer (a Request handler) and Hono
// (app.request). The same request gets the same status, challenge, content
// type and body from each (RFC 6750 §3), and every non-canonical spelling of
// a token (RFC 7515 §2) is refused by each.
import t from 'tap'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import Fastify from 'fastify'
import express5 from 'express'
import { Hono } from 'hono'
import { expressAuth } from '../src/express.js'
import { tesseraAuth } from '../src/fastify.js'
import { fetchAuth } from '../src/fetch.js'
import { honoAuth } from '../src/hono.js'
import { buildVerifier } from '../src/verifier.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, signToken } from './fixtures/helpers.js'
import { malleated } from './fixtures/malleate.js'

const express4 = createRequire(import.meta.url)('express4') as typeof express5
const key = makeKey('ES256', 'k1')
const verifier = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), allowQuery: true })
const good = signToken(key, claims({ scope: 'read' }))

interface Sent { status: number; challenge: string | null; type: string | null; body: string }
/** path '/r' needs scope read, '/admin' read and admin; `query` puts the token in the query string. */
type Send = (path: string, init: { authorization?: string; query?: string }) => Promise<Sent>

function target(path: string, query: string | undefined): string {
  return query === undefined ? path : `${path}?access_token=${encodeURIComponent(query)}`
}

async function fromResponse(res: Response): Promise<Sent> {
  return { status: res.status, challenge: res.headers.get('www-authenticate'), type: res.headers.get('content-type'), body: await res.text() }
}

async function fastify(): Promise<Send> {
  const app = Fastify()
  await app.register(tesseraAuth, { verifier })
  app.get('/r', { onRequest: app.requireAuth('read') }, async (req) => ({ sub: req.auth.sub }))
  app.get('/admin', { onRequest: app.requireAuth('read', 'admin') }, async () => ({ ok: true }))
  t.teardown(() => app.close())
  return async (path, { authorization, query }) => {
    const res = await app.inject({ url: target(path, query), headers: authorization === undefined ? {} : { authorization } })
    const header = (name: string) => (res.headers[name] === undefined ? null : String(res.headers[name]))
    return { status: res.statusCode, challenge: header('www-authenticate'), type: header('content-type'), body: res.body }
  }
}

async function express(factory: typeof express5): Promise<Send> {
  const requireAuth = expressAuth({ verifier })
  const app = factory()
  app.get('/r', requireAuth('read'), (req, res) => { res.json({ sub: req.auth.sub }) })
  app.get('/admin', requireAuth('read', 'admin'), (_req, res) => { res.json({ ok: true }) })
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)) })
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return async (path, { authorization, query }) =>
    fromResponse(await fetch(`${base}${target(path, query)}`, { headers: authorization === undefined ? {} : { authorization } }))
}

function web(): Send {
  const requireAuth = fetchAuth({ verifier })
  const routes: Record<string, (request: Request) => Promise<Response>> = {
    '/r': requireAuth('read')((_request, auth) => Response.json({ sub: auth.sub })),
    '/admin': requireAuth('read', 'admin')(() => Response.json({ ok: true })),
  }
  return async (path, { authorization, query }) =>
    fromResponse(await routes[path]!(new Request(`http://127.0.0.1${target(path, query)}`, { headers: authorization === undefined ? {} : { authorization } })))
}

function hono(): Send {
  const requireAuth = honoAuth({ verifier })
  const app = new Hono()
  app.get('/r', requireAuth('read'), (c) => c.json({ sub: c.get('auth').sub }))
  app.get('/admin', requireAuth('read', 'admin'), (c) => c.json({ ok: true }))
  return async (path, { authorization, query }) =>
    fromResponse(await app.request(target(path, query), { headers: authorization === undefined ? {} : { authorization } }))
}

const adapters: [string, () => Send | Promise<Send>][] = [
  ['Fastify', fastify],
  ['Express 5', () => express(express5)],
  ['Express 4', () => express(express4)],
  ['Web Request', web],
  ['Hono', hono],
]

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
const invalidToken = { status: 401, challenge: 'Bearer realm="api", error="invalid_token"' }
const invalidRequest = { status: 400, challenge: 'Bearer realm="api", error="invalid_request"' }

t.test('RFC 6750 §3: the same request gets the same answer from every adapter', async (t) => {
  const cases: [string, string, { authorization?: string; query?: string }][] = [
    ['valid token', '/r', { authorization: `Bearer ${good}` }],
    ['no token', '/r', {}],
    ['another scheme', '/r', { authorization: 'Basic dTpw' }],
    ['bad signature', '/r', { authorization: `Bearer ${good.slice(0, -4)}AAAA` }],
    ['expired', '/r', { authorization: `Bearer ${signToken(key, claims({ exp: 1000, iat: 900 }))}` }],
    ['missing scope', '/admin', { authorization: `Bearer ${good}` }],
    ['malformed header', '/r', { authorization: 'Bearer a b' }],
    ['header and query', '/r', { authorization: `Bearer ${good}`, query: good }],
  ]
  const sends = await Promise.all(adapters.map(async ([name, make]) => [name, await make()] as const))
  for (const [label, path, init] of cases) {
    const answers = await Promise.all(sends.map(async ([name, send]) => [name, await send(path, init)] as const))
    const [, first] = answers[0]!
    // A success is the application's own response (its content type is the framework's).
    const compared = (sent: Sent) => (label === 'valid token' ? { status: sent.status, body: sent.body } : sent)
    for (const [name, sent] of answers.slice(1)) t.same(compared(sent), compared(first), `${label}: ${name} answers as Fastify does`)
    if (label !== 'valid token') t.equal(first.type, 'application/json; charset=utf-8', `${label}: JSON`)
  }
  t.same(JSON.parse((await sends[0]![1]('/r', {})).body), { error: 'unauthorized', error_description: 'authentication required' })
})

for (const [name, make] of adapters) {
  t.test(`RFC 7515 §2: ${name} refuses every non-canonical spelling of a token`, async (t) => {
    const send = await make()
    const { token, variants } = malleated(key, claims({ scope: 'read' }))
    t.equal((await send('/r', { authorization: `Bearer ${token}` })).status, 200, 'the canonical spelling is accepted')
    t.equal((await send('/r', { query: token })).status, 200, 'also from the query')
    for (const v of variants) {
      const what = `${v.segment}, ${v.kind}`
      t.match(await send('/r', { query: v.token }), invalidToken, `${what}, in the query: 401 invalid_token`)
      // A header field holds printable ASCII only; through it, a spelling that
      // is not a b64token is a malformed Bearer header (DESIGN, RFC 6750 §3.1).
      if (!/^[\x21-\x7e]*( [\x21-\x7e]+)?$/.test(v.token)) continue
      const expected = B64TOKEN.test(v.token) ? invalidToken : invalidRequest
      t.match(await send('/r', { authorization: `Bearer ${v.token}` }), expected, `${what}, in the header: ${expected.status}`)
    }
  })
}
