// DPoP (RFC 9449 §7) and protected-resource metadata (RFC 9728) through
// every adapter: Fastify (inject), Express 5 (a real server on 127.0.0.1),
// Hono (app.request) and the Web layer (a Request handler). Each builds the
// request URL from the scheme the request arrived on and its Host, never
// X-Forwarded-*; each serves the metadata and names it in every challenge.
import t from 'tap'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import Fastify from 'fastify'
import express from 'express'
import { Hono } from 'hono'
import { expressAuth } from '../src/express.js'
import { tesseraAuth } from '../src/fastify.js'
import { fetchAuth } from '../src/fetch.js'
import { honoAuth } from '../src/hono.js'
import { ALGS_PARAM, boundToken, makeProof, proofKey } from './fixtures/dpop.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, signToken } from './fixtures/helpers.js'

const issuerKey = makeKey('ES256', 'k1')
const client = proofKey('ES256')
const RESOURCE = 'https://mcp.example/mcp'
const METADATA_URL = 'https://mcp.example/.well-known/oauth-protected-resource/mcp'
const resourceMetadata = { resource: RESOURCE, scopesSupported: ['read', 'admin'], resourceName: 'Test MCP server' }
const options = { issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(issuerKey), resourceMetadata }
const DOCUMENT = {
  resource: RESOURCE,
  authorization_servers: [ISSUER],
  scopes_supported: ['read', 'admin'],
  bearer_methods_supported: ['header'],
  resource_name: 'Test MCP server',
  dpop_signing_alg_values_supported: ['ES256', 'PS256', 'RS256', 'EdDSA', 'Ed25519'],
  dpop_bound_access_tokens_required: false,
}
const RM = `resource_metadata="${METADATA_URL}"`

interface Sent { status: number; header(name: string): string | null; body: string }
interface Harness {
  /** The origin the adapter builds for the request (what a client puts in htu). */
  origin: string
  send(method: string, path: string, headers?: Record<string, string>): Promise<Sent>
}

function fromResponse(res: Response): Promise<Sent> {
  return res.text().then((body) => ({ status: res.status, header: (n: string) => res.headers.get(n), body }))
}

async function fastify(): Promise<Harness> {
  // trustProxy on: Fastify's own request.protocol/host would then read
  // X-Forwarded-*; the adapter must not.
  const app = Fastify({ trustProxy: true })
  await app.register(tesseraAuth, options)
  app.get('/r', { onRequest: app.requireAuth('read') }, async (req) => ({ sub: req.auth.sub }))
  app.post('/r', { onRequest: app.requireAuth('read') }, async (req) => ({ sub: req.auth.sub }))
  app.get('/admin', { onRequest: app.requireAuth('admin') }, async () => ({ ok: true }))
  await app.ready()
  t.teardown(() => app.close())
  return {
    origin: 'http://api.example',
    async send(method, path, headers = {}) {
      const res = await app.inject({ method: method as 'GET', url: path, headers: { host: 'api.example', ...headers } })
      return { status: res.statusCode, header: (n) => (res.headers[n] === undefined ? null : String(res.headers[n])), body: res.body }
    },
  }
}

async function express5(): Promise<Harness> {
  const requireAuth = expressAuth(options)
  const app = express()
  app.set('trust proxy', true)
  app.use(requireAuth.metadata)
  app.get('/r', requireAuth('read'), (req, res) => { res.json({ sub: req.auth.sub }) })
  app.post('/r', requireAuth('read'), (req, res) => { res.json({ sub: req.auth.sub }) })
  app.get('/admin', requireAuth('admin'), (_req, res) => { res.json({ ok: true }) })
  const router = express.Router()
  router.get('/r', requireAuth('read'), (req, res) => { res.json({ sub: req.auth.sub, mounted: true }) })
  app.use('/api', router)
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)) })
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { origin, send: async (method, path, headers = {}) => fromResponse(await fetch(origin + path, { method, headers })) }
}

function hono(): Harness {
  const requireAuth = honoAuth(options)
  const app = new Hono()
  app.use(requireAuth.metadata)
  app.get('/r', requireAuth('read'), (c) => c.json({ sub: c.get('auth').sub }))
  app.post('/r', requireAuth('read'), (c) => c.json({ sub: c.get('auth').sub }))
  app.get('/admin', requireAuth('admin'), (c) => c.json({ ok: true }))
  return { origin: 'https://api.example', send: async (method, path, headers = {}) => fromResponse(await app.request(`https://api.example${path}`, { method, headers })) }
}

function web(): Harness {
  const requireAuth = fetchAuth(options)
  const routes: Record<string, (request: Request) => Promise<Response>> = {
    'GET /r': requireAuth('read')((_r, auth) => Response.json({ sub: auth.sub })),
    'POST /r': requireAuth('read')((_r, auth) => Response.json({ sub: auth.sub })),
    'GET /admin': requireAuth('admin')(() => Response.json({ ok: true })),
  }
  const handle = async (request: Request): Promise<Response> => {
    const metadata = requireAuth.metadata(request)
    if (metadata !== undefined) return metadata
    const route = routes[`${request.method} ${new URL(request.url).pathname}`]
    return route === undefined ? new Response('not found', { status: 404 }) : route(request)
  }
  return { origin: 'https://api.example', send: async (method, path, headers = {}) => fromResponse(await handle(new Request(`https://api.example${path}`, { method, headers }))) }
}

const adapters: [string, () => Harness | Promise<Harness>][] = [['Fastify', fastify], ['Express', express5], ['Hono', hono], ['Web Request', web]]

function dpopHeaders(htm: string, htu: string, scope = 'read'): Record<string, string> {
  const token = boundToken(issuerKey, client, { scope })
  return { authorization: `DPoP ${token}`, dpop: makeProof(client, { token, htm, htu }) }
}

for (const [name, make] of adapters) {
  t.test(`${name}: RFC 9449 §7.1: a DPoP-bound token with its proof is accepted; the URL is the request's own`, async (t) => {
    const h = await make()
    const ok = await h.send('GET', '/r', dpopHeaders('GET', `${h.origin}/r`))
    t.equal(ok.status, 200, ok.body)
    t.same(JSON.parse(ok.body), { sub: 'client_abc' })
    t.equal((await h.send('POST', '/r', dpopHeaders('POST', `${h.origin}/r`))).status, 200, 'POST with htm POST')
    t.equal((await h.send('GET', '/r?page=2', dpopHeaders('GET', `${h.origin}/r`))).status, 200, 'the query is not part of htu')
    const bearer = signToken(issuerKey, claims({ scope: 'read' }))
    t.equal((await h.send('GET', '/r', { authorization: `Bearer ${bearer}` })).status, 200, 'an unbound token with Bearer still passes (dpop: allow)')
  })

  t.test(`${name}: proof failures are 401 invalid_dpop_proof with the DPoP challenge and resource_metadata`, async (t) => {
    const h = await make()
    const challenge = `DPoP realm="api", error="invalid_dpop_proof", algs="${ALGS_PARAM}", ${RM}`
    const headers = dpopHeaders('GET', `${h.origin}/r`)
    t.equal((await h.send('GET', '/r', headers)).status, 200, 'first use')
    const replay = await h.send('GET', '/r', headers)
    t.equal(replay.status, 401, 'RFC 9449 §11.1: the same proof again')
    t.equal(replay.header('www-authenticate'), challenge)
    t.same(JSON.parse(replay.body), { error: 'invalid_dpop_proof', error_description: 'DPoP proof replayed' })
    t.equal(replay.header('content-type'), 'application/json; charset=utf-8')
    const wrongMethod = await h.send('POST', '/r', dpopHeaders('GET', `${h.origin}/r`))
    t.equal(wrongMethod.status, 401, 'htm GET on a POST')
    t.equal(wrongMethod.header('www-authenticate'), challenge)
    t.equal((await h.send('GET', '/r', dpopHeaders('GET', 'https://elsewhere.example/r'))).status, 401, 'htu of another origin')
    t.equal((await h.send('GET', '/r', { authorization: headers.authorization! })).status, 401, 'the DPoP scheme without a DPoP header')
  })

  t.test(`${name}: challenges: no token names both schemes; a bound token under Bearer is refused; 403 in DPoP terms`, async (t) => {
    const h = await make()
    const none = await h.send('GET', '/r')
    t.equal(none.status, 401)
    t.equal(none.header('www-authenticate'), `Bearer realm="api", ${RM}, DPoP realm="api", algs="${ALGS_PARAM}", ${RM}`,
      'one field, both challenges (RFC 9110 §11.6.1), each with resource_metadata (RFC 9728 §5.1)')
    const bound = boundToken(issuerKey, client)
    const asBearer = await h.send('GET', '/r', { authorization: `Bearer ${bound}` })
    t.equal(asBearer.status, 401, 'RFC 9449 §7.2: a DPoP-bound token is no bearer token')
    t.equal(asBearer.header('www-authenticate'), `Bearer realm="api", error="invalid_token", ${RM}`)
    const scope = await h.send('GET', '/admin', dpopHeaders('GET', `${h.origin}/admin`))
    t.equal(scope.status, 403)
    t.equal(scope.header('www-authenticate'), `DPoP realm="api", error="insufficient_scope", scope="admin", algs="${ALGS_PARAM}", ${RM}`)
  })

  t.test(`${name}: RFC 9728 §3: the metadata at both paths, cacheable, readable from any origin`, async (t) => {
    const h = await make()
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const res = await h.send('GET', path)
      t.equal(res.status, 200, path)
      t.same(JSON.parse(res.body), DOCUMENT, `${path}: the document`)
      t.match(res.header('content-type'), /^application\/json/)
      t.equal(res.header('cache-control'), 'public, max-age=3600')
      t.equal(res.header('access-control-allow-origin'), '*')
      const preflight = await h.send('OPTIONS', path, { origin: 'https://assistant.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'mcp-protocol-version' })
      t.equal(preflight.status, 204, `${path}: OPTIONS preflight answered`)
      t.equal(preflight.header('access-control-allow-origin'), '*')
      t.match(preflight.header('access-control-allow-methods'), /GET/)
      t.equal(preflight.header('access-control-allow-headers'), '*')
    }
    t.equal((await h.send('GET', '/.well-known/oauth-protected-resource/other')).status, 404, 'another suffix is not ours')
    t.equal((await h.send('GET', '/r', dpopHeaders('GET', `${h.origin}/r`))).status, 200, 'everything else passes on')
  })
}

t.test('Express: a router mounted at a path: htu names the whole path (originalUrl)', async (t) => {
  const h = await express5()
  const res = await h.send('GET', '/api/r', dpopHeaders('GET', `${h.origin}/api/r`))
  t.equal(res.status, 200, res.body)
  t.same(JSON.parse(res.body), { sub: 'client_abc', mounted: true })
  t.equal((await h.send('GET', '/api/r', dpopHeaders('GET', `${h.origin}/r`))).status, 401, 'the path seen inside the router is not the URL')
})

t.test('Fastify and Express with trust proxy: X-Forwarded-Proto/Host never make the URL', async (t) => {
  for (const make of [fastify, express5]) {
    const h = await make()
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' }
    const res = await h.send('GET', '/r', { ...dpopHeaders('GET', 'https://public.example/r'), ...forwarded })
    t.equal(res.status, 401, 'a proof for the forwarded URL is refused')
    t.equal((await h.send('GET', '/r', { ...dpopHeaders('GET', `${h.origin}/r`), ...forwarded })).status, 200, 'a proof for the URL the request arrived on passes')
  }
})

t.test('without resourceMetadata: metadata passes everything on, challenges carry no resource_metadata', async (t) => {
  const plain = { issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(issuerKey) }
  const f = fetchAuth(plain)
  t.equal(f.metadata(new Request('https://api.example/.well-known/oauth-protected-resource')), undefined)
  const app = new Hono()
  const h = honoAuth(plain)
  app.use(h.metadata)
  app.get('/r', h('read'), (c) => c.json({ ok: true }))
  t.equal((await app.request('/.well-known/oauth-protected-resource')).status, 404)
  t.equal((await app.request('/r')).headers.get('www-authenticate'), `Bearer realm="api", DPoP realm="api", algs="${ALGS_PARAM}"`)
  const e = express()
  e.use(expressAuth(plain).metadata)
  e.get('/.well-known/oauth-protected-resource', (_req, res) => { res.send('the app\'s own') })
  const server: Server = await new Promise((resolve) => { const s = e.listen(0, '127.0.0.1', () => resolve(s)) })
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/oauth-protected-resource`)
  t.equal(await res.text(), 'the app\'s own', 'Express: passed on')
  const fa = Fastify()
  await fa.register(tesseraAuth, plain)
  t.teardown(() => fa.close())
  t.equal((await fa.inject({ url: '/.well-known/oauth-protected-resource' })).statusCode, 404, 'Fastify: no routes registered')
})

t.test('dpop require through an adapter: the metadata says so, Bearer is refused', async (t) => {
  const f = fetchAuth({ ...options, dpop: 'require' })
  const doc = await f.metadata(new Request('https://x.example/.well-known/oauth-protected-resource/mcp'))!.json() as Record<string, unknown>
  t.equal(doc.dpop_bound_access_tokens_required, true)
  const off = fetchAuth({ ...options, dpop: false })
  const offDoc = await off.metadata(new Request('https://x.example/.well-known/oauth-protected-resource/mcp'))!.json() as Record<string, unknown>
  t.notOk('dpop_signing_alg_values_supported' in offDoc || 'dpop_bound_access_tokens_required' in offDoc, 'dpop false: no DPoP fields')
  const handler = f('read')((_r, auth) => Response.json({ sub: auth.sub }))
  const res = await handler(new Request('https://api.example/r', { headers: { authorization: `Bearer ${signToken(issuerKey, claims({ scope: 'read' }))}` } }))
  t.equal(res.status, 401)
  t.equal(res.headers.get('www-authenticate'), `DPoP realm="api", algs="${ALGS_PARAM}", ${RM}`)
})
