// The hot path against attack tokens: RFC 8725 (JWT BCP), RFC 7515 (JWS),
// RFC 9068 §4 (access-token validation). Static JWKS, so no network.
import t, { type Test } from 'tap'
import { createHmac } from 'node:crypto'
import { createVerifier, InvalidTokenError, NoTokenError } from '../src/index.js'
import { AUDIENCE, b64, claims, hmacToken, ISSUER, jwksOf, makeKey, signToken, startJwksServer, noTokenChallenge } from './fixtures/helpers.js'

const rsa = makeKey('RS256', 'rsa-1')
const pss = makeKey('PS256', 'pss-1')
const ec = makeKey('ES256', 'ec-1')
const ed = makeKey('EdDSA', 'ed-1')
const all = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(rsa, pss, ec, ed) })

async function rejects(tt: Test, token: string, description: string, verifier = all): Promise<void> {
  const err = await verifier.verify(token).then(() => null, (e: unknown) => e)
  tt.type(err, InvalidTokenError, `${description}: InvalidTokenError`)
  tt.equal((err as InvalidTokenError).code, 'invalid_token')
  tt.equal((err as InvalidTokenError).status, 401)
}

t.test('RFC 7515: each allowed algorithm verifies with its own key type', async (t) => {
  for (const key of [rsa, pss, ec, ed]) {
    const payload = claims()
    const got = await all.verify(signToken(key, payload))
    t.same(got, payload, key.alg)
  }
})

t.test('RFC 9864: Ed25519 and EdDSA are one algorithm, in the header and in the JWK', async (t) => {
  const token = signToken(ed, claims(), { alg: 'Ed25519' })
  t.ok(await all.verify(token), 'header alg Ed25519 with a JWK alg EdDSA')
  const ed2 = makeKey('Ed25519', 'ed-2')
  const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(ed2), algorithms: ['Ed25519'] })
  t.ok(await v.verify(signToken(ed2, claims(), { alg: 'EdDSA' })), 'header alg EdDSA with a JWK alg Ed25519')
})

t.test('RFC 8725 §3.1: alg none is rejected', async (t) => {
  const token = `${b64({ alg: 'none', typ: 'at+jwt', kid: 'rsa-1' })}.${b64(claims())}.`
  await rejects(t, token, 'alg none, empty signature')
  const token2 = `${b64({ alg: 'none', typ: 'at+jwt', kid: 'rsa-1' })}.${b64(claims())}.AAAA`
  await rejects(t, token2, 'alg none, some signature')
})

t.test('RFC 8725 §2.1: HS256 signed with the public key as secret is rejected', async (t) => {
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' })
  await rejects(t, hmacToken(pem, claims(), { kid: 'rsa-1' }), 'HS256 with PEM as secret')
  await rejects(t, hmacToken(JSON.stringify(rsa.jwk), claims(), { kid: 'rsa-1' }), 'HS256 with JWK as secret')
  t.equal(createHmac('sha256', 'x').digest('hex').length, 64, 'HMAC computed for the attack')
})

t.test('RFC 7515 §5.2: a tampered payload fails the signature', async (t) => {
  const token = signToken(rsa)
  const [h, , s] = token.split('.')
  const forged = `${h}.${b64(claims({ scope: 'admin' }))}.${s}`
  await rejects(t, forged, 'tampered payload')
  const flipped = token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2)
  await rejects(t, flipped, 'tampered signature')
})

t.test('RFC 8725 §3.1: alg must match the key kty/crv and the JWK alg', async (t) => {
  // An RS256 header against the EC key: names a key the alg cannot use.
  const ecAsRs = signToken({ ...rsa, kid: 'ec-1' })
  await rejects(t, ecAsRs, 'RS256 header, EC key')
  // PS256 with the RS256 key: same kty, but the JWK says alg RS256.
  const psWithRsKey = signToken({ ...rsa, alg: 'PS256' })
  await rejects(t, psWithRsKey, 'PS256 header, JWK alg RS256')
  // ES256 header naming the Ed25519 key.
  const wrongCurve = signToken({ ...ec, kid: 'ed-1' })
  await rejects(t, wrongCurve, 'ES256 header, OKP key')
  // A JWK without alg accepts every allowed alg of its kty, but never another kty.
  const bare = makeKey('RS256', 'bare', { jwkAlg: null })
  const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(bare) })
  t.ok(await v.verify(signToken(bare)), 'RS256 with an alg-less RSA JWK')
  t.ok(await v.verify(signToken({ ...bare, alg: 'PS256' })), 'PS256 with an alg-less RSA JWK')
})

t.test('RFC 8725 §3.1: an alg outside the allow-list is rejected even with a matching key', async (t) => {
  const onlyEs = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(rsa, ec), algorithms: ['ES256'] })
  await rejects(t, signToken(rsa), 'RS256 not allowed', onlyEs)
  t.ok(await onlyEs.verify(signToken(ec)), 'ES256 allowed')
  await rejects(t, signToken(rsa, claims(), { alg: 'HS256' }), 'HS256 never supported')
  await rejects(t, signToken(rsa, claims(), { alg: 'RS1' }), 'unknown alg')
})

t.test('RFC 9068 §4: typ must be at+jwt or application/at+jwt, case-insensitive', async (t) => {
  t.ok(await all.verify(signToken(ec, claims(), { typ: 'AT+JWT' })), 'AT+JWT')
  t.ok(await all.verify(signToken(ec, claims(), { typ: 'application/at+jwt' })), 'application/at+jwt')
  await rejects(t, signToken(ec, claims(), { typ: 'JWT' }), 'typ JWT')
  await rejects(t, signToken(ec, claims(), { typ: undefined }), 'typ absent')
  const loose = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(ec), typ: false })
  t.ok(await loose.verify(signToken(ec, claims({ client_id: undefined, jti: undefined }), { typ: 'JWT' })), 'typ: false accepts JWT without client_id/jti')
})

t.test('RFC 9068 §4 step 3, OpenID Connect Core §2: an ID token (typ JWT) presented as an access token is refused', async (t) => {
  // What an OpenID provider issues as id_token: typ JWT, aud the client,
  // nonce, auth_time; same issuer and key as the access tokens.
  const idToken = signToken(ec, { ...claims({ aud: AUDIENCE, client_id: undefined, jti: undefined }), nonce: 'n-0S6', auth_time: Math.floor(Date.now() / 1000), azp: 'client_abc' }, { typ: 'JWT' })
  const err = await all.verify(idToken).then(() => null, (e: unknown) => e)
  t.type(err, InvalidTokenError)
  t.equal((err as InvalidTokenError).description, 'unexpected token type', 'refused by typ, before any claim is read')
  await rejects(t, signToken(ec, claims(), { typ: undefined }), 'an ID token without typ')
})

t.test('RFC 7515 §4.1.11: an unknown crit header is rejected', async (t) => {
  await rejects(t, signToken(rsa, claims(), { crit: ['exp'], exp: 1 }), 'crit present')
  await rejects(t, signToken(rsa, claims(), { crit: [] }), 'empty crit')
})

t.test('RFC 8725 §3.10: jku, x5u, x5c and jwk headers are never used', async (t) => {
  const server = await startJwksServer(jwksOf(makeKey('ES256', 'attacker')))
  t.teardown(() => server.close())
  const attacker = makeKey('ES256', 'attacker')
  await rejects(t, signToken(attacker, claims(), { jku: server.url }), 'jku to an attacker JWKS')
  await rejects(t, signToken(attacker, claims(), { x5u: server.url }), 'x5u to an attacker URL')
  await rejects(t, signToken(attacker, claims(), { jwk: attacker.jwk }), 'embedded jwk')
  await rejects(t, signToken(attacker, claims(), { kid: undefined, jwk: attacker.jwk }), 'embedded jwk, no kid')
  await rejects(t, signToken(attacker, claims(), { kid: 'ec-1', jwk: attacker.jwk }), 'embedded jwk, legit kid')
  t.equal(server.count, 0, 'the attacker URL was never fetched')
  // A legitimately signed token that merely carries jku still verifies against the configured keys.
  t.ok(await all.verify(signToken(ec, claims(), { jku: server.url })), 'legit key, jku ignored')
  t.equal(server.count, 0)
})

t.test('maxTokenBytes: an oversized token is rejected before parsing', async (t) => {
  const big = signToken(rsa, claims({ pad: 'x'.repeat(9000) }))
  await rejects(t, big, 'over 8192')
  const roomy = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(rsa), maxTokenBytes: 16384 })
  t.ok(await roomy.verify(big), 'within a raised cap')
  const err = await all.verify('x'.repeat(9000)).catch((e: InvalidTokenError) => e)
  t.equal((err as InvalidTokenError).description, 'token too large', 'not even split')
})

t.test('RFC 7515 §7.1: malformed compact serialisations are rejected', async (t) => {
  const good = signToken(rsa)
  for (const bad of ['abc', 'a.b', 'a.b.c.d', `.${good.split('.')[1]}.x`, `${good}.`, `${b64('[1]')}.${b64(claims())}.AA`, `${b64('not json')}.e30.AA`, `${good.split('.')[0]}.${b64('nope')}.${good.split('.')[2]}`]) {
    await rejects(t, bad, `malformed ${JSON.stringify(bad.slice(0, 20))}`)
  }
  await rejects(t, null as unknown as string, 'null is not a string')
  await rejects(t, 42 as unknown as string, 'a number is not a string')
  await rejects(t, signToken(rsa, claims(), { kid: 42 }), 'numeric kid')
})

t.test('RFC 6750 §3.1: verify(undefined) and verify(\'\') are no token: 401 no_token, challenge without error=', async (t) => {
  const realm = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(rsa), realm: 'orders' })
  for (const [verifier, challenge] of [[all, noTokenChallenge()], [realm, noTokenChallenge('orders')]] as const) {
    for (const token of [undefined, '']) {
      const err = await verifier.verify(token).then(() => null, (e: unknown) => e)
      t.type(err, NoTokenError, `${JSON.stringify(token)}: NoTokenError`)
      t.match(err, { code: 'no_token', status: 401, error: 'unauthorized' })
      t.same((err as NoTokenError).headers, { 'WWW-Authenticate': challenge }, 'no error= in the challenge')
    }
  }
})

t.test('RFC 7515 §4.1.4: kid may be absent only when the set has one key', async (t) => {
  await rejects(t, signToken(rsa, claims(), { kid: undefined }), 'no kid, four keys')
  const err = await all.verify(signToken(rsa, claims(), { kid: undefined })).catch((e: InvalidTokenError) => e)
  t.equal((err as InvalidTokenError).description, 'kid required')
  const one = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(rsa) })
  t.ok(await one.verify(signToken(rsa, claims(), { kid: undefined })), 'no kid, one key')
  await rejects(t, signToken(rsa, claims(), { kid: 'nope' }), 'unknown kid in a static set', one)
})

t.test('RFC 7518 §3.4: an ES256 signature in DER form (not r||s) is rejected', async (t) => {
  const { sign } = await import('node:crypto')
  const header = b64({ alg: 'ES256', kid: 'ec-1', typ: 'at+jwt' })
  const input = `${header}.${b64(claims())}`
  const der = sign('sha256', Buffer.from(input), ec.privateKey).toString('base64url')
  await rejects(t, `${input}.${der}`, 'DER signature')
})

t.test('RFC 7515 interop: tokens and JWKs made by jose verify', async (t) => {
  const { SignJWT, exportJWK, generateKeyPair } = await import('jose')
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
    const jwk = { ...(await exportJWK(publicKey)), kid: `jose-${alg}`, alg, use: 'sig' }
    const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [jwk] } })
    const token = await new SignJWT({ client_id: 'c1', scope: 'read' })
      .setProtectedHeader({ alg, kid: jwk.kid, typ: 'at+jwt' })
      .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('c1').setJti('j1').setIssuedAt().setExpirationTime('5m')
      .sign(privateKey)
    const got = await v.verify(token, { scopes: ['read'] })
    t.equal(got.sub, 'c1', alg)
  }
})
