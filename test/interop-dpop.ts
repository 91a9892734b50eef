// Interop (RFC 9449): Auth0's express-oauth2-jwt-bearer, with DPoP enabled,
// accepts a Tessera-style DPoP-bound access token (RFC 9068 at+jwt with
// cnf.jkt, signed here with jose as the issuer signs) presented with a proof
// made by the `dpop` npm package; and @tessera/verify accepts the very same
// requests. Two verifiers nobody here wrote agree on the token and proof shapes.
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer'
import { calculateThumbprint, generateKeyPair as generateDpopKeyPair, generateProof } from 'dpop'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { expressAuth } from '@tessera/verify/express'

const ISSUER = 'http://127.0.0.1'
const AUDIENCE = 'https://api.example'

const issuerKeys = await generateKeyPair('ES256')
const jwks = { keys: [{ ...(await exportJWK(issuerKeys.publicKey)), kid: 'tessera-1', alg: 'ES256', use: 'sig' }] }
const jwksServer = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)) })
await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
t.teardown(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())))
const jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`

/** What @tessera/issuer issues for a DPoP token request: typ at+jwt, RFC 9068 §2.2 claims, cnf.jkt (RFC 9449 §6.1). */
function tesseraToken(jkt: string, scope = 'read'): Promise<string> {
  return new SignJWT({ client_id: 'app', scope, cnf: { jkt } })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'tessera-1' })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('user-1').setJti(crypto.randomUUID()).setIssuedAt().setExpirationTime('5m')
    .sign(issuerKeys.privateKey)
}

async function serve(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const auth0 = express()
auth0.set('env', 'test')
auth0.get('/read', auth({ issuer: ISSUER, jwksUri, audience: AUDIENCE, strict: true, dpop: { enabled: true, required: false } }), requiredScopes('read'),
  (req, res) => { res.json({ sub: (req.auth?.payload as { sub?: string } | undefined)?.sub }) })
const auth0Base = await serve(auth0)

const tessera = express()
const requireAuth = expressAuth({ issuer: ISSUER, audience: AUDIENCE, jwksUri })
tessera.get('/read', requireAuth('read'), (req, res) => { res.json({ sub: req.auth.sub }) })
const tesseraBase = await serve(tessera)

// The dpop package names its Ed25519 proofs `alg: "Ed25519"` (RFC 9864);
// express-oauth2-jwt-bearer 1.10 knows only the `EdDSA` spelling and refuses
// them, so that pair is checked against @tessera/verify alone, which takes both.
for (const alg of ['ES256', 'Ed25519', 'PS256', 'RS256'] as const) {
  const verifiers = alg === 'Ed25519' ? [['@tessera/verify', tesseraBase]] : [['express-oauth2-jwt-bearer', auth0Base], ['@tessera/verify', tesseraBase]]
  t.test(`a cnf.jkt-bound at+jwt with a dpop-package proof (${alg}): ${verifiers.map(([name]) => name).join(' and ')} accept`, async (t) => {
    const keyPair = await generateDpopKeyPair(alg)
    const token = await tesseraToken(await calculateThumbprint(keyPair.publicKey))
    for (const [name, base] of verifiers as [string, string][]) {
      const url = `${base}/read`
      const res = await fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: await generateProof(keyPair, url, 'GET', undefined, token) } })
      t.equal(res.status, 200, `${name}: 200`)
      t.same(await res.json(), { sub: 'user-1' }, `${name}: the claims`)
    }
  })
}

t.test('both refuse the bound token as a bearer token, and a proof by another key', async (t) => {
  const keyPair = await generateDpopKeyPair('ES256')
  const other = await generateDpopKeyPair('ES256')
  const token = await tesseraToken(await calculateThumbprint(keyPair.publicKey))
  for (const [name, base] of [['express-oauth2-jwt-bearer', auth0Base], ['@tessera/verify', tesseraBase]]) {
    const url = `${base}/read`
    t.equal((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status, 401, `${name}: Bearer with cnf.jkt refused (RFC 9449 §7.2)`)
    const res = await fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: await generateProof(other, url, 'GET', undefined, token) } })
    t.equal(res.status, 401, `${name}: a proof by another key refused`)
    // Auth0 names this `invalid_token` ("confirmation mismatch"); the
    // contract here, after RFC 9449 §7.1, is `invalid_dpop_proof`.
    t.match(res.headers.get('www-authenticate'), name === '@tessera/verify' ? /^DPoP realm="api", error="invalid_dpop_proof"/ : /DPoP .*error="invalid_token"/, `${name}: a DPoP challenge`)
  }
})
