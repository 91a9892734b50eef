// keys/own-token.ts: the issuer's check of its own access tokens (UserInfo,
// OpenID Connect Core §5.3) takes what it signs and refuses every other
// token, as jose's jwtVerify did before it (RFC 9068 §4, RFC 8725 §3.1, RFC 7515).
import t from 'tap'
import { createPrivateKey, sign, type KeyObject } from 'node:crypto'
import { SignJWT } from 'jose'
import { SIGNING_ALGS, type Jwks, type SigningAlg } from '../../src/domain/types.js'
import { generateSigningKey } from '../../src/keys/generate.js'
import { jwkEntry } from '../../src/keys/jwks.js'
import { verifyOwnAccessToken } from '../../src/keys/own-token.js'
import { createSigner, type Signer } from '../../src/keys/signer.js'

const ISSUER = 'https://issuer.example'
const NOW = Date.parse('2030-01-01T00:00:00Z')
const SECONDS = NOW / 1000
const checks = { issuer: ISSUER, now: NOW }
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER, sub: 'tu_1', aud: 'https://api.example', client_id: 'tc_1', scope: 'openid', iat: SECONDS, exp: SECONDS + 60, jti: 'j1', ...extra,
})

interface Key { signer: Signer; privateKey: KeyObject; kid: string; jwks: Jwks }

async function key(alg: SigningAlg): Promise<Key> {
  const generated = await generateSigningKey(alg)
  const jwks = { keys: [jwkEntry({ kid: generated.kid, alg, publicJwk: JSON.stringify(generated.publicJwk) })] }
  const privateKey = createPrivateKey({ key: generated.privateDer, format: 'der', type: 'pkcs8' })
  return { signer: createSigner(generated.kid, alg, generated.privateDer), privateKey, kid: generated.kid, jwks }
}

for (const alg of SIGNING_ALGS) {
  t.test(`${alg}: the issuer's own access token verifies; a changed one does not`, async (t) => {
    const k = await key(alg)
    const token = k.signer.sign(claims())
    t.same(verifyOwnAccessToken(k.jwks, token, checks), claims(), 'its claims')
    const [h, p, s] = token.split('.') as [string, string, string]
    const otherPayload = Buffer.from(JSON.stringify(claims({ sub: 'tu_2' }))).toString('base64url')
    t.equal(verifyOwnAccessToken(k.jwks, `${h}.${otherPayload}.${s}`, checks), undefined, 'another payload under the signature')
    t.equal(verifyOwnAccessToken(k.jwks, `${h}.${p}.${s}A`, checks), undefined, 'a signature spelled otherwise (RFC 7515 §2)')
    t.equal(verifyOwnAccessToken(k.jwks, `${h}.${p}.${s}=`, checks), undefined, 'a padded signature')
    t.equal(verifyOwnAccessToken(k.jwks, k.signer.sign(claims(), 'JWT'), checks), undefined, 'an ID token (typ JWT)')
  })
}

t.test('the header: typ at+jwt in either spelling, the key\'s own alg, a known kid, no crit', async (t) => {
  const k = await key('ES256')
  const signed = (header: Record<string, unknown>, payload = claims()) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: k.kid, typ: 'at+jwt', ...header }).sign(k.privateKey)
  t.ok(verifyOwnAccessToken(k.jwks, await signed({ typ: 'application/at+jwt' }), checks), 'application/at+jwt (RFC 7515 §4.1.9)')
  t.ok(verifyOwnAccessToken(k.jwks, await signed({ typ: 'AT+JWT' }), checks), 'case-insensitively')
  t.equal(verifyOwnAccessToken(k.jwks, await signed({ typ: undefined }), checks), undefined, 'no typ')
  t.equal(verifyOwnAccessToken(k.jwks, await signed({ kid: 'unknown' }), checks), undefined, 'a kid not published')
  t.equal(verifyOwnAccessToken(k.jwks, await signed({ kid: undefined }), checks), undefined, 'no kid')
  // jose will not sign an extension it does not know either: signed here by hand.
  const input = [{ alg: 'ES256', kid: k.kid, typ: 'at+jwt', crit: ['x-ext'], 'x-ext': 1 }, claims()]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.')
  const critical = `${input}.${sign('sha256', Buffer.from(input), { key: k.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`
  t.equal(verifyOwnAccessToken(k.jwks, critical, checks), undefined, 'crit (RFC 7515 §4.1.11)')
  const rsa = await key('RS256')
  const confused = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: k.kid, typ: 'at+jwt' }).sign(rsa.privateKey)
  t.equal(verifyOwnAccessToken(k.jwks, confused, checks), undefined, 'an alg other than the key\'s (RFC 8725 §3.1)')
  const other = await key('ES256')
  const foreign = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: k.kid, typ: 'at+jwt' }).sign(other.privateKey)
  t.equal(verifyOwnAccessToken(k.jwks, foreign, checks), undefined, 'another key under a published kid')
})

t.test('the claims: this issuer, not expired, not before nbf, with sub, client_id and aud', async (t) => {
  const k = await key('ES256')
  const verify = (extra: Record<string, unknown>) => verifyOwnAccessToken(k.jwks, k.signer.sign(claims(extra)), checks)
  t.equal(verify({ iss: 'https://other.example' }), undefined, 'another issuer')
  t.equal(verify({ exp: SECONDS }), undefined, 'expired at exp')
  t.ok(verify({ exp: SECONDS + 1 }), 'valid until then')
  t.equal(verify({ exp: String(SECONDS + 60) }), undefined, 'exp not a number')
  t.equal(verify({ nbf: SECONDS + 1 }), undefined, 'before nbf')
  t.ok(verify({ nbf: SECONDS }), 'from nbf on')
  t.equal(verify({ sub: undefined }), undefined, 'no sub')
  t.equal(verify({ client_id: undefined }), undefined, 'no client_id')
  t.equal(verify({ aud: undefined }), undefined, 'no aud')
  t.equal(verify({ aud: [] }), undefined, 'an empty aud')
  t.ok(verify({ aud: ['https://a.example', 'https://b.example'] }), 'aud as an array')
})

t.test('what is not a compact JWS is refused, never thrown', async (t) => {
  const k = await key('ES256')
  for (const token of ['', 'abc', 'a.b', 'a.b.c.d', '..', 'e30.e30.', 'bm90IGpzb24.e30.AAAA', 'W10.e30.AAAA']) {
    t.equal(verifyOwnAccessToken(k.jwks, token, checks), undefined, JSON.stringify(token))
  }
})
