// The DPoP proof checks of RFC 9449 §4.3 as DESIGN.md lists them
// ("DPoP: sender-constrained tokens", issuer), one check per test, each
// with the failure it answers: oauth/dpop/proof.ts is pure, so the clock
// is a parameter and every proof is made here.
import t, { type Test } from 'tap'
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto'
import { checkProof, DpopFailure, ProofFailures } from '../../src/oauth/dpop/proof.js'
import { claimsNow, dpopKey, proof, TOKEN_URL, unsigned } from '../fixtures/dpop.js'

const NOW_S = Math.floor(Date.now() / 1000)
const NOW = NOW_S * 1000
const expect = { htm: 'POST', htu: TOKEN_URL }
const es = await dpopKey('ES256')
const other = await dpopKey('ES256')
const rsa = await dpopKey('RS256')

const check = (values: string[], e: { htm: string; htu: string; accessToken?: string } = expect, now = NOW) => checkProof(values, e, now)
const refusedWith = (t: Test, values: string[], failure: DpopFailure, what: string, e = expect) => {
  const result = check(values, e)
  t.equal(result, failure, what)
  t.equal((result as DpopFailure).error, failure.error)
}

t.test('a proof of every accepted alg passes, and names its key by RFC 7638 thumbprint', async (t) => {
  for (const alg of ['ES256', 'PS256', 'RS256', 'EdDSA', 'Ed25519'] as const) {
    const key = alg === 'ES256' ? es : alg === 'RS256' ? rsa : await dpopKey(alg)
    const result = check([await proof(key, { now: NOW_S })])
    t.notOk(result instanceof DpopFailure, `${alg}: accepted`)
    t.equal((result as { jkt: string }).jkt, key.jkt, `${alg}: jkt is the key's SHA-256 thumbprint`)
  }
})

t.test('exactly one DPoP header: none or two are invalid_dpop_proof', async (t) => {
  const p = await proof(es, { now: NOW_S })
  refusedWith(t, [], ProofFailures.headerCount, 'no header')
  refusedWith(t, [p, await proof(es, { now: NOW_S })], ProofFailures.headerCount, 'two headers')
})

t.test('one JWS in compact serialization, nothing else', async (t) => {
  const p = await proof(es, { now: NOW_S })
  refusedWith(t, [`${p}, ${p}`], ProofFailures.notJws, 'two proofs in one header (as Node joins repeated headers)')
  refusedWith(t, [`${p}.AAAA.BBBB`], ProofFailures.notJws, 'five parts (a JWE shape)')
  refusedWith(t, ['not a jwt'], ProofFailures.notJws, 'garbage')
  refusedWith(t, [unsigned(['array'] as unknown as Record<string, unknown>, claimsNow(NOW_S), 'AA')], ProofFailures.badHeader, 'a header that is not an object')
})

t.test('typ must be dpop+jwt', async (t) => {
  refusedWith(t, [await proof(es, { now: NOW_S, header: { typ: 'JWT' } })], ProofFailures.typ, 'typ JWT')
  refusedWith(t, [await proof(es, { now: NOW_S, header: { typ: undefined } })], ProofFailures.typ, 'no typ')
  refusedWith(t, [await proof(es, { now: NOW_S, header: { typ: 'application/dpop+jwt' } })], ProofFailures.typ, 'the media type form is not the typ RFC 9449 names')
})

t.test('a crit header is refused: no extension is understood (RFC 7515 §4.1.11)', async (t) => {
  refusedWith(t, [await proof(es, { now: NOW_S, header: { crit: ['b64'], b64: true } })], ProofFailures.crit, 'crit')
})

t.test('alg none and HMAC algorithms are refused before any key is used', async (t) => {
  refusedWith(t, [unsigned({ typ: 'dpop+jwt', alg: 'none', jwk: es.publicJwk }, claimsNow(NOW_S))], ProofFailures.alg, 'alg none')
  const secret = Buffer.alloc(32, 7)
  const hmacProof = (() => {
    const h = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: secret.toString('base64url') } })).toString('base64url')
    const c = Buffer.from(JSON.stringify(claimsNow(NOW_S))).toString('base64url')
    return `${h}.${c}.${createHmac('sha256', secret).update(`${h}.${c}`).digest('base64url')}`
  })
  refusedWith(t, [hmacProof()], ProofFailures.alg, 'HS256 with the secret in the header')
  refusedWith(t, [unsigned({ typ: 'dpop+jwt', alg: 'ES384', jwk: es.publicJwk }, claimsNow(NOW_S), 'AAAA')], ProofFailures.alg, 'an algorithm outside the list (ES384)')
})

t.test('the jwk must be present and public', async (t) => {
  refusedWith(t, [await proof(es, { now: NOW_S, header: { jwk: undefined } })], ProofFailures.jwkMissing, 'no jwk')
  refusedWith(t, [await proof(es, { now: NOW_S, header: { jwk: 'x' } })], ProofFailures.jwkMissing, 'a jwk that is not an object')
  refusedWith(t, [await proof(es, { now: NOW_S, header: { jwk: es.privateJwk } })], ProofFailures.jwkPrivate, 'an EC jwk with d')
  refusedWith(t, [await proof(rsa, { now: NOW_S, header: { jwk: rsa.privateJwk } })], ProofFailures.jwkPrivate, 'an RSA jwk with its primes')
})

t.test('the jwk must be of the alg\'s type', async (t) => {
  refusedWith(t, [await proof(es, { now: NOW_S, header: { jwk: rsa.publicJwk } })], ProofFailures.jwkType, 'ES256 with an RSA key')
  refusedWith(t, [await proof(rsa, { now: NOW_S, header: { alg: 'RS256', jwk: es.publicJwk } })], ProofFailures.jwkType, 'RS256 with an EC key')
  const ed = await dpopKey('EdDSA')
  refusedWith(t, [await proof(es, { now: NOW_S, header: { jwk: ed.publicJwk } })], ProofFailures.jwkType, 'ES256 with an OKP key')
  refusedWith(t, [await proof(es, { now: NOW_S, header: { jwk: { ...es.publicJwk, crv: 'P-384' } } })], ProofFailures.jwkType, 'ES256 with another curve')
  refusedWith(t, [await proof(es, { now: NOW_S, header: { jwk: { ...es.publicJwk, y: undefined } } })], ProofFailures.jwkType, 'a key missing a member')
  refusedWith(t, [await proof(es, { now: NOW_S, header: { jwk: { ...es.publicJwk, x: 'AAAA' } } })], ProofFailures.jwkInvalid, 'a point not on the curve')
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 })
  const { n, e } = weak.publicKey.export({ format: 'jwk' })
  const input = `${Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'RS256', jwk: { kty: 'RSA', n, e } })).toString('base64url')}.${Buffer.from(JSON.stringify(claimsNow(NOW_S))).toString('base64url')}`
  refusedWith(t, [`${input}.${sign('sha256', Buffer.from(input), weak.privateKey).toString('base64url')}`], ProofFailures.jwkInvalid, 'an RSA key under 2048 bits (RFC 7518 §3.3)')
})

t.test('the signature must verify under the jwk of the header', async (t) => {
  refusedWith(t, [await proof(other, { now: NOW_S, header: { jwk: es.publicJwk } })], ProofFailures.signature, 'signed by another key')
  const good = await proof(es, { now: NOW_S })
  const [h, c] = good.split('.')
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claimsNow(NOW_S), htm: 'POST' })).toString('base64url')}.${good.split('.')[2]}`
  refusedWith(t, [tampered], ProofFailures.signature, 'claims changed after signing')
  refusedWith(t, [`${h}.${c}.`], ProofFailures.signature, 'no signature with an asymmetric alg')
})

t.test('jti: a string of 1 to 256 characters', async (t) => {
  t.notOk(check([await proof(es, { now: NOW_S, claims: { jti: 'x'.repeat(256) } })]) instanceof DpopFailure, '256 characters pass')
  refusedWith(t, [await proof(es, { now: NOW_S, claims: { jti: 'x'.repeat(257) } })], ProofFailures.jti, '257 characters')
  refusedWith(t, [await proof(es, { now: NOW_S, claims: { jti: undefined } })], ProofFailures.jti, 'no jti')
  refusedWith(t, [await proof(es, { now: NOW_S, claims: { jti: 42 } })], ProofFailures.jti, 'a number')
  refusedWith(t, [await proof(es, { now: NOW_S, claims: { jti: '' } })], ProofFailures.jti, 'empty')
})

t.test('htm: the request method, exactly', async (t) => {
  refusedWith(t, [await proof(es, { now: NOW_S, claims: { htm: 'GET' } })], ProofFailures.htm, 'GET at a POST endpoint')
  refusedWith(t, [await proof(es, { now: NOW_S, claims: { htm: 'post' } })], ProofFailures.htm, 'methods are case-sensitive (RFC 9110 §9.1)')
  refusedWith(t, [await proof(es, { now: NOW_S, claims: { htm: undefined } })], ProofFailures.htm, 'no htm')
  t.notOk(check([await proof(es, { now: NOW_S, claims: { htm: 'GET' } })], { htm: 'GET', htu: TOKEN_URL }) instanceof DpopFailure,
    'reusable: the endpoint names its method')
})

t.test('htu: the endpoint URL without query and fragment, scheme and host case-insensitive', async (t) => {
  for (const htu of [`${TOKEN_URL}?a=b`, `${TOKEN_URL}#frag`, `${TOKEN_URL}?x#y`, 'HTTP://LOCALHOST:8080/oauth2/token']) {
    t.notOk(check([await proof(es, { now: NOW_S, claims: { htu } })]) instanceof DpopFailure, `${htu} matches`)
  }
  t.notOk(check([await proof(es, { now: NOW_S, claims: { htu: 'https://issuer.example/oauth2/token' } })],
    { htm: 'POST', htu: 'https://issuer.example:443/oauth2/token' }) instanceof DpopFailure, 'a default port is the same URL')
  for (const htu of ['http://evil.example/oauth2/token', 'https://localhost:8080/oauth2/token', 'http://localhost:8081/oauth2/token',
    'http://localhost:8080/oauth2/TOKEN', 'http://localhost:8080/oauth2/revoke', '/oauth2/token', 'http://user@localhost:8080/oauth2/token']) {
    refusedWith(t, [await proof(es, { now: NOW_S, claims: { htu } })], ProofFailures.htu, `${htu} does not`)
  }
  refusedWith(t, [await proof(es, { now: NOW_S, claims: { htu: undefined } })], ProofFailures.htu, 'no htu')
})

t.test('iat: now − 60 s ≤ iat ≤ now + 10 s', async (t) => {
  for (const at of [NOW_S - 60, NOW_S + 10, NOW_S]) {
    t.notOk(check([await proof(es, { now: at })]) instanceof DpopFailure, `iat ${at - NOW_S} s: accepted`)
  }
  refusedWith(t, [await proof(es, { now: NOW_S - 61 })], ProofFailures.iat, '61 s old')
  refusedWith(t, [await proof(es, { now: NOW_S + 11 })], ProofFailures.iat, '11 s ahead')
  refusedWith(t, [await proof(es, { now: NOW_S, claims: { iat: undefined } })], ProofFailures.iat, 'no iat')
})

t.test('ath: where an access token is presented, its SHA-256 (reusable for UserInfo)', async (t) => {
  const token = 'eyJ.access.token'
  const ath = createHash('sha256').update(token).digest('base64url')
  const e = { htm: 'GET', htu: 'http://localhost:8080/oauth2/userinfo', accessToken: token }
  const claims = { htm: 'GET', htu: e.htu }
  t.notOk(check([await proof(es, { now: NOW_S, claims: { ...claims, ath } })], e) instanceof DpopFailure, 'the right hash')
  refusedWith(t, [await proof(es, { now: NOW_S, claims: { ...claims, ath: ath.slice(1) + 'A' } })], ProofFailures.ath, 'another hash', e)
  refusedWith(t, [await proof(es, { now: NOW_S, claims })], ProofFailures.ath, 'none', e)
})
