import t from 'tap'
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose'
import { openIssuer } from '../../src/core/open.js'
import { SIGNING_ALGS } from '../../src/domain/types.js'
import { testConfig } from '../core/fixtures/setup.js'

const PUBLIC_MEMBERS: Record<string, string[]> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
}

for (const alg of SIGNING_ALGS) {
  t.test(`${alg}: the token verifies with jose against the published JWK (RFC 9068, RFC 7517)`, async (t) => {
    const config = testConfig(t, { signingAlg: alg, issuer: 'https://issuer.example' })
    const core = await openIssuer(config)
    t.teardown(() => core.close())

    const jwks = core.jwks()
    // Beside an access-token key of another algorithm, an RS256 key for ID tokens only (DESIGN.md, "OpenID Connect").
    t.equal(jwks.keys.length, alg === 'RS256' ? 1 : 2, 'the first start publishes the key (and, unless RS256, the ID-token key)')
    const jwk = jwks.keys.find((k) => k.alg === alg) as JWK & Record<string, unknown>
    t.same(Object.keys(jwk).sort(), [...PUBLIC_MEMBERS[jwk.kty!]!, 'alg', 'kid', 'use'].sort(), 'public members plus kid, alg, use only')
    t.equal(jwk.alg, alg)
    t.equal(jwk.use, 'sig')
    if (alg === 'RS256' || alg === 'PS256') t.ok(Buffer.from(jwk.n!, 'base64url').length * 8 >= 2048, 'RSA of at least 2048 bits')
    if (alg === 'EdDSA') t.equal(jwk.crv, 'Ed25519')
    // RFC 7638 §3: kid is the SHA-256 thumbprint of the public key.
    t.equal(jwk.kid, await calculateJwkThumbprint(jwk, 'sha256'))

    const { accessToken, expiresIn } = core.issueAccessToken({
      sub: 'tc_client', clientId: 'tc_client', audience: 'https://api.example', scopes: ['read', 'write'], ttl: 600,
    })
    t.equal(expiresIn, 600)
    t.same(decodeProtectedHeader(accessToken), { alg, kid: jwk.kid, typ: 'at+jwt' }, 'header {alg, kid, typ: at+jwt} (RFC 9068 §2.1)')
    const { payload } = await jwtVerify(accessToken, createLocalJWKSet(jwks), {
      issuer: 'https://issuer.example', audience: 'https://api.example', typ: 'at+jwt', algorithms: [alg],
    })
    t.same(Object.keys(payload).sort(), ['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub'], 'RFC 9068 §2.2 claims')
    t.equal(payload.scope, 'read write', 'scope is space-delimited')
    t.equal(payload.client_id, 'tc_client')
    t.equal(payload.exp! - payload.iat!, 600)
    t.match(payload.jti, /^[A-Za-z0-9_-]{22}$/)
    const again = core.issueAccessToken({ sub: 's', clientId: 'c', audience: 'a', scopes: ['x'], ttl: 1 })
    const { payload: p2 } = await jwtVerify(again.accessToken, await importJWK(jwk, alg))
    t.not(p2.jti, payload.jti, 'a fresh jti per token')
  })
}

t.test('the configuration is frozen once loaded: iss is the issuer it was opened with', async (t) => {
  const config = testConfig(t, { issuer: 'http://localhost:8080' })
  const core = await openIssuer(Object.freeze(config))
  t.teardown(() => core.close())
  t.throws(() => { (core.config as { issuer: string }).issuer = 'http://localhost:41234' }, TypeError)
  const { accessToken } = core.issueAccessToken({ sub: 's', clientId: 'c', audience: 'a', scopes: ['x'], ttl: 60 })
  const { payload } = await jwtVerify(accessToken, createLocalJWKSet(core.jwks()))
  t.equal(payload.iss, 'http://localhost:8080')
})
