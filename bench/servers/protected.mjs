// A protected-route server for scenario 2, one kind per child process:
//   node protected.mjs KIND ALG JWKS_URI ISSUER AUDIENCE
// Every protected route demands a valid RFC 9068 token with scope `read`
// and answers {"sub": ...}; the hello kinds are the frameworks' floors.
// Kinds: fastify-*, express-*, hono-* (Hono on Node via @hono/node-server).
import { createRequire } from 'node:module'
import { serveIpc } from './ipc.mjs'

const require = createRequire(import.meta.url)
const [kind, alg, jwksUri, issuer, audience] = process.argv.slice(2)
const hasScope = (claims, scope) => typeof claims.scope === 'string' && claims.scope.split(' ').includes(scope)

async function fastifyApp() {
  const { default: Fastify } = await import('fastify')
  const app = Fastify({ logger: false })
  if (kind === 'fastify-hello') {
    app.get('/r', async () => ({ hello: 'world' }))
  } else if (kind === 'fastify-tessera') {
    const { tesseraAuth } = await import('@tessera/verify/fastify')
    await app.register(tesseraAuth, { issuer, audience, jwksUri })
    app.get('/r', { onRequest: app.requireAuth('read') }, async (req) => ({ sub: req.auth.sub }))
  } else if (kind === 'fastify-jwt' || kind === 'fastify-jwt-jwks') {
    const res = await fetch(jwksUri)
    const { keys } = await res.json()
    const { createPublicKey } = await import('node:crypto')
    const toPem = (jwk) => createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' })
    // fastify-jwt: the public key given statically, as @fastify/jwt's README
    // shows for asymmetric keys (it has no JWKS client of its own).
    // fastify-jwt-jwks: the README's JWKS recipe (get-jwks): a key callback
    // resolving the token's kid from a cached JWKS and returning a PEM on
    // each call, as get-jwks' getPublicKey does (get-jwks is not installed
    // here; node:crypto does the JWK-to-PEM step instead of jwk-to-pem).
    let secret
    if (kind === 'fastify-jwt') {
      secret = { public: toPem(keys.find((k) => k.alg === alg)) }
    } else {
      const jwkByKid = new Map(keys.map((k) => [`${k.alg}:${k.kid}`, k]))
      secret = async (request, token) => {
        const jwk = jwkByKid.get(`${token.header.alg}:${token.header.kid}`)
        if (!jwk) throw new Error('no matching JWK')
        return toPem(jwk)
      }
    }
    await app.register(require('@fastify/jwt'), {
      secret,
      decode: { complete: true },
      verify: {
        algorithms: [alg],
        allowedIss: issuer,
        allowedAud: audience,
        checkTyp: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti'],
        clockTolerance: 5000,
      },
    })
    app.get('/r', {
      onRequest: async (req, reply) => {
        await req.jwtVerify()
        if (!hasScope(req.user, 'read')) return reply.code(403).send({ error: 'insufficient_scope' })
      },
    }, async (req) => ({ sub: req.user.sub }))
  } else {
    throw new Error(`unknown kind ${kind}`)
  }
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address()
  return `http://127.0.0.1:${port}/r`
}

async function expressApp() {
  const { default: express } = await import('express')
  const app = express()
  if (kind === 'express-hello') {
    app.get('/r', (req, res) => res.json({ hello: 'world' }))
  } else if (kind === 'express-tessera') {
    const { expressAuth } = await import('@tessera/verify/express')
    const requireAuth = expressAuth({ issuer, audience, jwksUri })
    app.get('/r', requireAuth('read'), (req, res) => res.json({ sub: req.auth.sub }))
  } else if (kind === 'express-tessera-dpop') {
    // DPoP (RFC 9449): bound tokens need the DPoP scheme and a proof; the
    // default 'allow' mode, the default in-memory jti replay store.
    const { expressAuth } = await import('@tessera/verify/express')
    const requireAuth = expressAuth({ issuer, audience, jwksUri })
    app.get('/r', requireAuth('read'), (req, res) => res.json({ sub: req.auth.sub }))
  } else if (kind === 'express-bearer-dpop') {
    const { auth, requiredScopes } = await import('express-oauth2-jwt-bearer')
    // Its DPoP support on (RFC 9449 §7), strict RFC 9068 as above.
    app.use(auth({ issuer, audience, jwksUri, tokenSigningAlg: alg, strict: true, clockTolerance: 5, dpop: { enabled: true } }))
    app.get('/r', requiredScopes('read'), (req, res) => res.json({ sub: req.auth.payload.sub }))
  } else if (kind === 'express-bearer') {
    const { auth, requiredScopes } = await import('express-oauth2-jwt-bearer')
    // strict: RFC 9068 profile (typ at+jwt, the required claims), as ours.
    app.use(auth({ issuer, audience, jwksUri, tokenSigningAlg: alg, strict: true, clockTolerance: 5 }))
    app.get('/r', requiredScopes('read'), (req, res) => res.json({ sub: req.auth.payload.sub }))
  } else {
    throw new Error(`unknown kind ${kind}`)
  }
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err) => (err ? reject(err) : resolve(s)))
  })
  return `http://127.0.0.1:${server.address().port}/r`
}

// RFC 9068 §2.2 claims that hono/jwk does not require on its own (it checks
// exp, nbf and iat only when present); checked in the route, as
// @fastify/jwt's requiredClaims does above.
const REQUIRED = ['exp', 'iat', 'sub', 'client_id', 'jti']

async function honoApp() {
  const { Hono } = await import('hono')
  const { serve } = await import('@hono/node-server')
  const app = new Hono()
  if (kind === 'hono-hello') {
    app.get('/r', (c) => c.json({ hello: 'world' }))
  } else if (kind === 'hono-tessera') {
    const { honoAuth } = await import('@tessera/verify/hono')
    const requireAuth = honoAuth({ issuer, audience, jwksUri })
    app.get('/r', requireAuth('read'), (c) => c.json({ sub: c.get('auth').sub }))
  } else if (kind === 'hono-jwk' || kind === 'hono-jwk-keys') {
    const { jwk } = await import('hono/jwk')
    // hono-jwk: Hono's documented JWKS setup, jwks_uri (hono/jwk fetches it
    // on every request: it has no cache). hono-jwk-keys: the same JWKS
    // fetched once at start and given as `keys` (still imported into
    // WebCrypto on each request, as hono/jwk does). Both with Hono's own
    // RFC 9068 checks: iss, aud, typ at+jwt, the allowed alg.
    const source = kind === 'hono-jwk' ? { jwks_uri: jwksUri } : { keys: (await (await fetch(jwksUri)).json()).keys }
    app.use('/r', jwk({ ...source, alg: [alg], verification: { iss: issuer, aud: audience, typ: 'at+jwt' } }))
    app.get('/r', (c) => {
      const payload = c.get('jwtPayload')
      if (REQUIRED.some((claim) => payload[claim] === undefined)) return c.json({ error: 'invalid_token' }, 401)
      if (!hasScope(payload, 'read')) return c.json({ error: 'insufficient_scope' }, 403)
      return c.json({ sub: payload.sub })
    })
  } else {
    throw new Error(`unknown kind ${kind}`)
  }
  const server = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
  })
  return `http://127.0.0.1:${server.address().port}/r`
}

const apps = { fastify: fastifyApp, express: expressApp, hono: honoApp }
const url = await apps[kind.split('-')[0]]()
serveIpc(url)
