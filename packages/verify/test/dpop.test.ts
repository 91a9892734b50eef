// DPoP at the resource server (RFC 9449 §7, checks of §4.3), through
// verifier.verifyRequest({ method, url, headers }): every check of the
// proof and its error, the binding to the token, and each `dpop` mode.
import t, { type Test } from 'tap'
import { InvalidDpopProofError, InvalidTokenError, NoTokenError, type VerifyError } from '../src/index.js'
import { buildVerifier, type VerifiableRequest, type Verifier } from '../src/verifier.js'
import { ALGS_PARAM, boundToken, makeProof, proofKey, type ProofInit, type ProofKey } from './fixtures/dpop.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, manualClock, noTokenChallenge, signToken, type TestAlg } from './fixtures/helpers.js'

const issuerKey = makeKey('ES256', 'issuer-1')
const client = proofKey('ES256')
const URL_R = 'https://api.example/r'

function verifier(options: Record<string, unknown> = {}, now?: () => number): Verifier {
  return buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(issuerKey), ...options }, now === undefined ? {} : { now })
}

function dpopRequest(token: string, proof: string | string[] | undefined, init: { method?: string; url?: string; headers?: Record<string, string> } = {}): VerifiableRequest {
  const headers: Record<string, string | string[] | undefined> = { authorization: `DPoP ${token}`, ...init.headers }
  if (proof !== undefined) headers['dpop'] = proof
  return { method: init.method ?? 'GET', url: init.url ?? URL_R, headers }
}

async function refused(t: Test, v: Verifier, request: VerifiableRequest, description: string | RegExp, what: string): Promise<VerifyError> {
  const error = await v.verifyRequest(request).then(() => null, (e: unknown) => e as VerifyError)
  t.type(error, InvalidDpopProofError, `${what}: invalid_dpop_proof`)
  t.match(error, { code: 'invalid_dpop_proof', status: 401, error: 'invalid_dpop_proof', description }, what)
  t.equal(error?.headers['WWW-Authenticate'], `DPoP realm="api", error="invalid_dpop_proof", algs="${ALGS_PARAM}"`, `${what}: RFC 9449 §7.1 challenge`)
  return error!
}

/** A request with a bound token and a proof made with `init`. */
function withProof(init: ProofInit = {}, key: ProofKey = client, request: { method?: string; url?: string; headers?: Record<string, string> } = {}): VerifiableRequest {
  const token = boundToken(issuerKey, key)
  return dpopRequest(token, makeProof(key, { token, ...init }), request)
}

t.test('RFC 9449 §7.1: a bound token with a valid proof is accepted, for each proof algorithm', async (t) => {
  const v = verifier()
  for (const alg of ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'] as TestAlg[]) {
    const key = proofKey(alg)
    const claimsOut = await v.verifyRequest(withProof({ header: { alg } }, key))
    t.same(claimsOut.cnf, { jkt: key.jkt }, `${alg}: claims resolved, cnf.jkt the key's thumbprint`)
  }
  const token = boundToken(issuerKey, client)
  const lower = dpopRequest(token, makeProof(client, { token }), { headers: {} })
  lower.headers = { authorization: `dpop ${token}`, dpop: makeProof(client, { token }) }
  t.ok(await v.verifyRequest(lower), 'the scheme name is case-insensitive (RFC 7235 §2.1)')
})

t.test('RFC 9449 §4.3 steps 1-2: exactly one DPoP header holding one JWS', async (t) => {
  const v = verifier()
  const token = boundToken(issuerKey, client)
  await refused(t, v, dpopRequest(token, undefined), 'DPoP proof missing', 'the DPoP scheme without a DPoP header')
  await refused(t, v, dpopRequest(token, ''), 'DPoP proof missing', 'an empty DPoP header')
  const one = makeProof(client, { token })
  const two = makeProof(client, { token })
  await refused(t, v, dpopRequest(token, [one, two]), 'more than one DPoP header', 'two DPoP headers (array)')
  await refused(t, v, dpopRequest(token, `${one}, ${two}`), 'more than one DPoP header', 'two DPoP headers (joined by node:http)')
  for (const bad of ['abc', 'a.b', `${one}.x`, one.split('.').slice(0, 2).join('.') + '.', `${one.slice(0, -2)}+/`]) {
    await refused(t, v, dpopRequest(token, bad), /malformed DPoP proof|signature invalid/, `not one compact JWS: ${bad.slice(-12)}`)
  }
  const padded = one.replace(/\.([^.]+)$/, '.$1=')
  await refused(t, v, dpopRequest(token, padded), /malformed|signature invalid/, 'non-canonical base64url (RFC 7515 §2)')
})

t.test('RFC 9449 §4.3 steps 4-6: typ dpop+jwt, an asymmetric alg on the list, a public jwk of its type', async (t) => {
  const v = verifier()
  await refused(t, v, withProof({ header: { typ: 'JWT' } }), 'DPoP proof typ is not dpop+jwt', 'typ JWT')
  await refused(t, v, withProof({ header: { typ: undefined } }), 'DPoP proof typ is not dpop+jwt', 'no typ')
  await refused(t, v, withProof({ header: { alg: 'none' } }), 'DPoP proof alg not supported', 'alg none')
  await refused(t, v, withProof({ header: { alg: 'HS256' } }), 'DPoP proof alg not supported', 'alg HS256 (HMAC)')
  await refused(t, v, withProof({ header: { alg: 'ES384' } }), 'DPoP proof alg not supported', 'an alg off the list')
  await refused(t, v, withProof({ header: { crit: ['exp'] } }), /critical/, 'an unknown crit')
  const priv = client.privateKey.export({ format: 'jwk' }) as Record<string, unknown>
  await refused(t, v, withProof({ header: { jwk: priv } }), 'DPoP proof jwk holds private key material', 'a jwk with the private member d')
  await refused(t, v, withProof({ header: { jwk: { ...client.publicJwk, k: 'c2VjcmV0' } } }), /private key material/, 'a jwk with k')
  await refused(t, v, withProof({ header: { jwk: undefined } }), 'DPoP proof jwk header missing', 'no jwk')
  await refused(t, v, withProof({ header: { alg: 'RS256' } }), 'DPoP proof jwk does not fit alg', 'alg RS256 with an EC key')
  const ed = proofKey('EdDSA')
  await refused(t, v, withProof({ header: { alg: 'ES256' }, signAs: 'EdDSA' }, ed), 'DPoP proof jwk does not fit alg', 'alg ES256 with an OKP key')
  await refused(t, v, withProof({ header: { jwk: { ...client.publicJwk, alg: 'ES384' } } }), /jwk alg differs/, 'a jwk alg other than the proof alg')
  await refused(t, v, withProof({ header: { jwk: { ...client.publicJwk, crv: 'P-384' } } }), /does not fit alg/, 'a P-384 key for ES256')
  const smallRsa = { kty: 'RSA', n: Buffer.alloc(128, 0xc3).toString('base64url'), e: 'AQAB' }
  const rsaToken = signToken(issuerKey, claims({ cnf: { jkt: (await import('./fixtures/dpop.js')).thumbprint(smallRsa) } }))
  await refused(t, v, dpopRequest(rsaToken, makeProof(proofKey('RS256'), { token: rsaToken, header: { jwk: smallRsa } })), /2048|signature/, 'an RSA key under 2048 bits')
})

t.test('RFC 9449 §4.3 step 7: the signature under the jwk; §6.1: the jwk is the one cnf.jkt names', async (t) => {
  const v = verifier()
  const proof = withProof()
  const tampered = String((proof.headers as Record<string, string>)['dpop'])
  const flipped = tampered.slice(0, -6) + (tampered.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA')
  await refused(t, v, { ...proof, headers: { ...proof.headers, dpop: flipped } }, /signature invalid|malformed/, 'a bad signature')
  const other = proofKey('ES256')
  const token = boundToken(issuerKey, client)
  await refused(t, v, dpopRequest(token, makeProof(other, { token })), 'DPoP proof key is not the one the token is bound to', 'a proof by another key (jkt mismatch)')
  const foreign = makeProof(other, { token, header: { jwk: client.publicJwk } })
  await refused(t, v, dpopRequest(token, foreign), 'DPoP proof signature invalid', 'the bound jwk claimed, signed by another key')
})

t.test('RFC 9449 §4.3 steps 8-9: htm is the method, htu the URL without query and fragment', async (t) => {
  const v = verifier()
  await refused(t, v, withProof({ htm: 'POST' }), 'DPoP proof htm does not match the request method', 'htm POST on a GET')
  await refused(t, v, withProof({ htm: 'get' }), /htm/, 'htm is case-sensitive (RFC 9110 §9.1)')
  await refused(t, v, withProof({ htu: 'https://api.example/other' }), 'DPoP proof htu does not match the request URL', 'another path')
  await refused(t, v, withProof({ htu: 'https://evil.example/r' }), /htu/, 'another host')
  await refused(t, v, withProof({ htu: 'http://api.example/r' }), /htu/, 'another scheme')
  await refused(t, v, withProof({ htu: 'https://api.example:8443/r' }), /htu/, 'another port')
  await refused(t, v, withProof({ claims: { htu: undefined } }), 'DPoP proof htu missing', 'no htu')
  await refused(t, v, withProof({ claims: { htm: undefined } }), /htm/, 'no htm')
  t.ok(await v.verifyRequest(withProof({ htu: 'https://api.example/r?a=1#frag' })), 'query and fragment of htu are ignored')
  t.ok(await v.verifyRequest(withProof({}, client, { url: 'https://api.example/r?page=2#x' })), 'query and fragment of the request are ignored')
  t.ok(await v.verifyRequest(withProof({ htu: 'HTTPS://API.Example:443/r' })), 'scheme and host compare case-insensitively, default port dropped')
  t.ok(await v.verifyRequest(withProof({ htm: 'POST' }, client, { method: 'POST' })), 'POST with htm POST')
})

t.test('htu origin: dpop.origin when set, else the request\'s own scheme and Host, never X-Forwarded-*', async (t) => {
  const node = (proof: VerifiableRequest, host: string, encrypted: boolean, extra: Record<string, string> = {}): VerifiableRequest =>
    ({ ...proof, url: '/r?x=1', headers: { ...proof.headers, host, ...extra }, socket: { encrypted } })
  const v = verifier()
  t.ok(await v.verifyRequest(node(withProof({ htu: 'https://api.example/r' }), 'api.example', true)), 'node:http: TLS socket and Host')
  t.ok(await v.verifyRequest(node(withProof({ htu: 'http://127.0.0.1:8080/r' }), '127.0.0.1:8080', false)), 'plain socket: http')
  await refused(t, v, node(withProof({ htu: 'https://api.example/r' }), 'api.example', false), /htu/, 'a plain socket is not https')
  await refused(t, v, node(withProof({ htu: 'https://api.example/r' }), '10.0.0.5', false, { 'x-forwarded-host': 'api.example', 'x-forwarded-proto': 'https' }), /htu/,
    'X-Forwarded-Host and -Proto are not read')
  await refused(t, v, { ...withProof(), url: '/r', headers: { ...withProof().headers } }, /request URL unknown/, 'no Host and no origin: cannot check htu')
  const behindProxy = verifier({ dpop: { origin: 'https://api.example' } })
  t.ok(await behindProxy.verifyRequest(node(withProof({ htu: 'https://api.example/r' }), '10.0.0.5:3000', false)), 'dpop.origin: what clients use, behind a proxy')
  t.ok(await behindProxy.verifyRequest(withProof({ htu: 'https://api.example/r' }, client, { url: 'http://10.0.0.5:3000/r' })), 'dpop.origin replaces an absolute URL\'s origin')
  await refused(t, behindProxy, withProof({ htu: 'http://10.0.0.5:3000/r' }, client, { url: 'http://10.0.0.5:3000/r' }), /htu/, 'with dpop.origin the internal origin is refused')
})

t.test('RFC 9449 §4.3 step 3: jti at most 256 characters; §11.1: each proof once', async (t) => {
  const v = verifier()
  t.ok(await v.verifyRequest(withProof({ claims: { jti: 'j'.repeat(256) } })), '256 characters')
  await refused(t, v, withProof({ claims: { jti: 'j'.repeat(257) } }), 'DPoP proof jti too long', '257 characters')
  await refused(t, v, withProof({ claims: { jti: undefined } }), 'DPoP proof jti missing', 'no jti')
  await refused(t, v, withProof({ claims: { jti: 42 } }), 'DPoP proof jti missing', 'a numeric jti')
  const request = withProof()
  t.ok(await v.verifyRequest(request), 'first use')
  await refused(t, v, request, 'DPoP proof replayed', 'the same proof again')
  const token = boundToken(issuerKey, client)
  const jti = 'shared-jti'
  t.ok(await v.verifyRequest(dpopRequest(token, makeProof(client, { token, claims: { jti } }))), 'a jti')
  await refused(t, v, dpopRequest(token, makeProof(client, { token, claims: { jti } })), 'DPoP proof replayed', 'the same jti in a fresh proof by the same key')
  const other = proofKey('EdDSA')
  const otherToken = boundToken(issuerKey, other)
  t.ok(await v.verifyRequest(dpopRequest(otherToken, makeProof(other, { token: otherToken, claims: { jti } }))), 'the same jti by another key is another proof')
  const bad = withProof({ htm: 'POST' })
  await refused(t, v, bad, /htm/, 'a refused proof')
  t.ok(await v.verifyRequest({ ...bad, method: 'POST' }), 'is not remembered: only a proof good in every other way is')
})

t.test('RFC 9449 §4.3 step 11: iat within dpop.maxAge (default 60 s) and clockTolerance', async (t) => {
  const clock = manualClock(1_800_000_000_000)
  const now = 1_800_000_000
  const v = verifier({}, clock.now)
  const token = boundToken(issuerKey, client, { iat: now, exp: now + 900 })
  const at = (iat: unknown) => dpopRequest(token, makeProof(client, { token, claims: { iat } }))
  t.ok(await v.verifyRequest(at(now - 65)), '60 s + 5 s tolerance old: accepted')
  await refused(t, v, at(now - 66), 'DPoP proof too old', 'older than the window')
  t.ok(await v.verifyRequest(at(now + 5)), '5 s ahead: within tolerance')
  await refused(t, v, at(now + 6), 'DPoP proof issued in the future', 'further ahead')
  await refused(t, v, at('1800000000'), 'DPoP proof iat missing', 'a string iat')
  await refused(t, v, dpopRequest(token, makeProof(client, { token, claims: { iat: undefined } })), 'DPoP proof iat missing', 'no iat')
  const short = verifier({ dpop: { maxAge: 10 }, clockTolerance: 0 }, clock.now)
  t.ok(await short.verifyRequest(at(now - 10)), 'maxAge 10: 10 s old')
  await refused(t, short, at(now - 11), 'DPoP proof too old', 'maxAge 10: 11 s old')
})

t.test('RFC 9449 §4.3 step 12, §7.1: ath is the base64url SHA-256 of the access token presented', async (t) => {
  const v = verifier()
  const token = boundToken(issuerKey, client)
  const another = boundToken(issuerKey, client)
  await refused(t, v, dpopRequest(token, makeProof(client, { token: another })), 'DPoP proof ath does not match the access token', 'a proof made for another token')
  await refused(t, v, dpopRequest(token, makeProof(client, {})), 'DPoP proof ath missing', 'no ath')
})

t.test('RFC 9449 §7.2: a bound token is never a bearer token; an unbound one is not a DPoP token', async (t) => {
  for (const dpop of ['allow', 'require', false] as const) {
    const v = verifier({ dpop })
    const token = boundToken(issuerKey, client)
    const asBearer = await v.verifyRequest({ method: 'GET', url: URL_R, headers: { authorization: `Bearer ${token}` } }).then(() => null, (e: unknown) => e)
    t.ok(asBearer instanceof InvalidTokenError || asBearer instanceof NoTokenError, `dpop ${String(dpop)}: a bound token under Bearer is refused`)
    await t.rejects(v.verify(token), { code: 'invalid_token', status: 401 }, `dpop ${String(dpop)}: verify(token) refuses a bound token`)
  }
  const v = verifier()
  const token = boundToken(issuerKey, client)
  await t.rejects(v.verifyRequest({ method: 'GET', url: URL_R, headers: { authorization: `Bearer ${token}` } }),
    { code: 'invalid_token', description: 'DPoP-bound token used as a bearer token', headers: { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' } })
  const x5t = signToken(issuerKey, claims({ cnf: { 'x5t#S256': 'abc' } }))
  await t.rejects(v.verify(x5t), { code: 'invalid_token' }, 'any cnf binds: an mTLS-bound token is no bearer token either')
  const unbound = signToken(issuerKey, claims())
  await t.rejects(v.verifyRequest(dpopRequest(unbound, makeProof(client, { token: unbound }))),
    { code: 'invalid_token', description: 'token is not DPoP-bound', headers: { 'WWW-Authenticate': `DPoP realm="api", error="invalid_token", algs="${ALGS_PARAM}"` } },
    'an unbound token under DPoP: invalid_token, DPoP challenge')
  const expired = boundToken(issuerKey, client, { exp: 1000, iat: 900 })
  await t.rejects(v.verifyRequest(dpopRequest(expired, makeProof(client, { token: expired }))),
    { code: 'invalid_token', headers: { 'WWW-Authenticate': `DPoP realm="api", error="invalid_token", algs="${ALGS_PARAM}"` } },
    'a token error under DPoP is answered in DPoP terms')
})

t.test('dpop modes: allow (default), require, false', async (t) => {
  const bearer = signToken(issuerKey, claims())
  const bearerRequest = { method: 'GET', url: URL_R, headers: { authorization: `Bearer ${bearer}` } }
  const none = { method: 'GET', url: URL_R, headers: {} }

  const allow = verifier()
  t.ok(await allow.verifyRequest(bearerRequest), 'allow: an unbound token with Bearer')
  t.ok(await allow.verifyRequest(withProof()), 'allow: a bound token with DPoP')
  await t.rejects(allow.verifyRequest(none), { code: 'no_token', headers: { 'WWW-Authenticate': noTokenChallenge() } }, 'allow, no token: both challenges')

  const require = verifier({ dpop: 'require' })
  t.ok(await require.verifyRequest(withProof()), 'require: a bound token with DPoP')
  await t.rejects(require.verifyRequest(bearerRequest), { code: 'no_token', headers: { 'WWW-Authenticate': `DPoP realm="api", algs="${ALGS_PARAM}"` } },
    'require: Bearer is another scheme: no token, the DPoP challenge only')
  await t.rejects(require.verify(bearer), { code: 'invalid_token', headers: { 'WWW-Authenticate': `DPoP realm="api", error="invalid_token", algs="${ALGS_PARAM}"` } },
    'require: verify(token) takes no bearer token')
  const requireObject = verifier({ dpop: { mode: 'require' } })
  await t.rejects(requireObject.verifyRequest(none), { code: 'no_token', headers: { 'WWW-Authenticate': `DPoP realm="api", algs="${ALGS_PARAM}"` } }, '{ mode: require } is require')

  const off = verifier({ dpop: false })
  t.ok(await off.verifyRequest(bearerRequest), 'false: Bearer as before')
  await t.rejects(off.verifyRequest(withProof()), { code: 'no_token', headers: { 'WWW-Authenticate': 'Bearer realm="api"' } }, 'false: the DPoP scheme is not read: no token, Bearer challenge only')
})

t.test('scopes under DPoP: 403 insufficient_scope with the DPoP challenge', async (t) => {
  const v = verifier()
  const token = boundToken(issuerKey, client, { scope: 'read' })
  const request = dpopRequest(token, makeProof(client, { token }))
  await t.rejects(v.verifyRequest(request, { scopes: ['admin'] }), {
    code: 'insufficient_scope', status: 403,
    headers: { 'WWW-Authenticate': `DPoP realm="api", error="insufficient_scope", scope="admin", algs="${ALGS_PARAM}"` },
  })
})

t.test('a malformed DPoP Authorization header, or a token sent two ways, is invalid_request', async (t) => {
  const v = verifier({ allowQuery: true })
  await t.rejects(v.verifyRequest({ method: 'GET', url: URL_R, headers: { authorization: 'DPoP' } }),
    { code: 'invalid_request', status: 400, headers: { 'WWW-Authenticate': `DPoP realm="api", error="invalid_request", algs="${ALGS_PARAM}"` } })
  await t.rejects(v.verifyRequest({ method: 'GET', url: URL_R, headers: { authorization: 'DPoP a b' } }), { code: 'invalid_request' })
  const token = boundToken(issuerKey, client)
  const request = dpopRequest(token, makeProof(client, { token }), { url: `${URL_R}?access_token=${token}` })
  await t.rejects(v.verifyRequest(request), { code: 'invalid_request', description: 'token sent by more than one method' })
})

t.test('a Web Request: verifyRequest reads its URL, method and headers', async (t) => {
  const v = verifier()
  const token = boundToken(issuerKey, client)
  const request = new Request('https://api.example/r?q=1', { method: 'DELETE', headers: { authorization: `DPoP ${token}`, dpop: makeProof(client, { token, htm: 'DELETE' }) } })
  t.same((await v.verifyRequest(request)).cnf, { jkt: client.jkt })
  const twice = new Headers({ authorization: `DPoP ${token}` })
  twice.append('dpop', makeProof(client, { token }))
  twice.append('dpop', makeProof(client, { token }))
  await t.rejects(v.verifyRequest(new Request(URL_R, { headers: twice })), { code: 'invalid_dpop_proof', description: 'more than one DPoP header' })
})
