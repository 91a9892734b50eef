// What the issuance servers of scenario 3 share: the client they serve, the
// signing key (given by the bench as a private JWK), the client-secret hash
// scheme of @tessera/issuer ($sha256$salt$HMAC-SHA-256(salt, secret)), and
// the RFC 9068 §2.2 access token every one of them signs.
import { createHmac, createPrivateKey, randomBytes, randomUUID, sign, timingSafeEqual } from 'node:crypto'

export const env = {
  alg: process.env.BENCH_ALG,
  clientId: process.env.BENCH_CLIENT_ID,
  clientSecret: process.env.BENCH_CLIENT_SECRET,
  privateJwk: JSON.parse(process.env.BENCH_PRIVATE_JWK),
  audience: process.env.BENCH_AUDIENCE,
  scope: 'read',
  ttl: 900,
}

export function hashSecret(secret) {
  const salt = randomBytes(16).toString('base64url')
  return `$sha256$${salt}$${createHmac('sha256', salt).update(secret).digest('base64url')}`
}

/** One hash compare, constant time (the issuer's scheme). */
export function verifySecret(hash, secret) {
  const [, , salt, expected] = hash.split('$')
  const actual = createHmac('sha256', salt).update(secret).digest()
  const want = Buffer.from(expected, 'base64url')
  return actual.length === want.length && timingSafeEqual(actual, want)
}

/** RFC 6749 §2.3.1: Basic credentials, each part form-urlencoded. */
export function parseBasic(header) {
  if (typeof header !== 'string' || !/^basic /i.test(header)) return null
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
  const i = decoded.indexOf(':')
  if (i < 0) return null
  const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '))
  return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) }
}

export function createTokenSigner({ issuer }) {
  const { kid, alg } = env.privateJwk
  const key = createPrivateKey({ key: env.privateJwk, format: 'jwk' })
  const signKey = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key
  const digest = alg === 'EdDSA' ? null : 'sha256'
  const header = Buffer.from(JSON.stringify({ alg, kid, typ: 'at+jwt' })).toString('base64url')
  return function signAccessToken({ sub, clientId, audience, scope, ttl }) {
    const now = Math.floor(Date.now() / 1000)
    const payload = Buffer.from(JSON.stringify({
      iss: issuer, sub, aud: audience, exp: now + ttl, iat: now, jti: randomUUID(), client_id: clientId, scope,
    })).toString('base64url')
    const input = `${header}.${payload}`
    return `${input}.${sign(digest, Buffer.from(input), signKey).toString('base64url')}`
  }
}
