// Interop: our tokens checked by verifiers nobody here wrote. jose's
// createRemoteJWKSet + jwtVerify (RFC 9068 §4 with typ at+jwt, iss, aud) and
// Auth0's express-oauth2-jwt-bearer, which discovers the issuer itself
// (RFC 8414) and runs in strict RFC 9068 mode.
import t from 'tap'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { AUDIENCE, accessToken, cli, createClient, startIssuer, tempDb } from './fixtures/harness.js'

const db = await tempDb(t)
const issuer = await startIssuer(t, db)
const tokenEndpoint = issuer.metadata.token_endpoint
const [service, app] = await Promise.all([
  createClient(db, 'service', 'read write'),
  createClient(db, 'app', 'read write', { grants: ['password'] }),
])
await cli(db, ['user', 'create', '--username', 'mary', '--scope', 'read', '--password-stdin'], 'mary-secret-pw\n')
const tokens = {
  service: await accessToken(tokenEndpoint, service),
  readOnly: await accessToken(tokenEndpoint, service, { grant_type: 'client_credentials', scope: 'read' }),
  user: await accessToken(tokenEndpoint, app, { grant_type: 'password', username: 'mary', password: 'mary-secret-pw' }),
}

t.test('jose: createRemoteJWKSet + jwtVerify with typ at+jwt, issuer and audience', async (t) => {
  const jwks = createRemoteJWKSet(new URL(issuer.metadata.jwks_uri))
  for (const [name, token] of Object.entries(tokens)) {
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      typ: 'at+jwt', issuer: issuer.issuer, audience: AUDIENCE, requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id', 'scope'],
    })
    t.equal(protectedHeader.typ, 'at+jwt', `${name}: typ`)
    t.ok(protectedHeader.kid, `${name}: kid`)
    t.equal(payload.iss, issuer.issuer, `${name}: iss`)
    t.type(payload.scope, 'string', `${name}: scope is a space-delimited string (RFC 9068 §2.2.3)`)
  }
  t.equal((await jwtVerify(tokens.user, jwks, { typ: 'at+jwt' })).payload.scope, 'read', 'the user token carries the intersection of client and user scopes')
  await t.rejects(jwtVerify(tokens.service, jwks, { typ: 'at+jwt', issuer: issuer.issuer, audience: 'https://other.example' }),
    { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' }, 'another audience is refused')
  await t.rejects(jwtVerify(tokens.service, jwks, { typ: 'JWT' }), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' }, 'typ is at+jwt, not JWT')
})

t.test('express-oauth2-jwt-bearer: discovery, strict RFC 9068 checks, requiredScopes', async (t) => {
  const api = express()
  api.set('env', 'test') // Express's default error handler renders the rejections, without printing stacks
  api.use(auth({ issuerBaseURL: issuer.issuer, audience: AUDIENCE, strict: true }))
  api.get('/read', requiredScopes('read'), (req, res) => { res.json({ sub: (req.auth?.payload as { sub?: string } | undefined)?.sub }) })
  api.get('/write', requiredScopes('write'), (req, res) => { res.json({ sub: (req.auth?.payload as { sub?: string } | undefined)?.sub }) })
  const server = api.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const get = async (path: string, token?: string) => {
    const res = await fetch(base + path, { headers: token ? { authorization: `Bearer ${token}` } : {} })
    return { status: res.status, body: await res.json().catch(() => null), wwwAuthenticate: res.headers.get('www-authenticate') ?? '' }
  }

  const read = await get('/read', tokens.service)
  t.equal(read.status, 200, 'a service token passes')
  t.equal(read.body.sub, service.client_id)
  t.equal((await get('/read', tokens.user)).status, 200, 'a user token passes')
  t.equal((await get('/write', tokens.service)).status, 200, 'write with scope write')
  const denied = await get('/write', tokens.readOnly)
  t.equal(denied.status, 403, 'write with read only: 403')
  t.match(denied.wwwAuthenticate, /insufficient_scope/)
  const anonymous = await get('/read')
  t.equal(anonymous.status, 401, 'no token: 401')
  t.match(anonymous.wwwAuthenticate, /^Bearer/)
})

for (const alg of ['PS256', 'ES256', 'EdDSA']) {
  t.test(`TESSERA_SIGNING_ALG=${alg}: jose and express-oauth2-jwt-bearer accept the tokens`, async (t) => {
    const db = await tempDb(t)
    const other = await startIssuer(t, db, { TESSERA_SIGNING_ALG: alg })
    const client = await createClient(db, 'service', 'read')
    const token = await accessToken(other.metadata.token_endpoint, client)
    const jwks = createRemoteJWKSet(new URL(other.metadata.jwks_uri))
    const { protectedHeader } = await jwtVerify(token, jwks, { typ: 'at+jwt', issuer: other.issuer, audience: AUDIENCE, algorithms: [alg] })
    t.equal(protectedHeader.alg, alg, 'jose: signed with the configured algorithm')

    const api = express()
    api.set('env', 'test')
    // Not issuerBaseURL: from the OpenID configuration it would take id_token_signing_alg_values_supported (RS256,
    // DESIGN.md) as the access tokens' algorithms too (README, "Checking tokens in your API").
    api.get('/read', auth({ issuer: other.issuer, jwksUri: other.metadata.jwks_uri, audience: AUDIENCE, strict: true }), requiredScopes('read'),
      (req, res) => { res.json({ ok: true }) })
    const server = api.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    t.teardown(() => new Promise((resolve) => server.close(resolve)))
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/read`, { headers: { authorization: `Bearer ${token}` } })
    t.equal(res.status, 200, 'express-oauth2-jwt-bearer: 200')
  })
}
