// Signing keys and RFC 9068 access tokens for the benchmarks, made at run
// time with node:crypto. Every verifier under test gets the same keys and
// the same tokens, so each does its full work on an identical input.
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto'

export const ISSUER = 'https://issuer.bench.example'
export const AUDIENCE = 'https://api.example'
export const ALGS = ['RS256', 'ES256', 'EdDSA']

const b64u = (buf) => Buffer.from(buf).toString('base64url')

/** RFC 7638 §3: SHA-256 over the required members, lexicographic order. */
export function thumbprint(jwk) {
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
    : jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x }
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url')
}

/** A key pair for `alg` with its public JWK (kid, alg, use) and PEMs. */
export function makeKey(alg) {
  const { privateKey, publicKey } = alg === 'RS256'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519')
  const raw = publicKey.export({ format: 'jwk' })
  const kid = thumbprint(raw)
  const publicJwk = { ...raw, kid, alg, use: 'sig' }
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }
  return {
    alg,
    kid,
    privateKey,
    publicKey,
    publicJwk,
    privateJwk,
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  }
}

/** Node's digest/padding arguments for crypto.sign/verify per JWS alg (RFC 7518 §3). */
export function nodeAlg(alg) {
  if (alg === 'RS256' || alg === 'ES256') return 'sha256'
  if (alg === 'EdDSA') return null
  throw new Error(`unsupported alg ${alg}`)
}

/** Signs a compact JWS; ES256 signatures are raw r||s (RFC 7518 §3.4). */
export function signJwt(key, payload, header = {}) {
  const h = b64u(JSON.stringify({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header }))
  const p = b64u(JSON.stringify(payload))
  const input = `${h}.${p}`
  const signature = sign(nodeAlg(key.alg), Buffer.from(input), key.alg === 'ES256'
    ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' }
    : key.privateKey)
  return `${input}.${b64u(signature)}`
}

/** An RFC 9068 §2.2 access token: iss, aud, exp, iat, sub, client_id, jti, scope. */
export function accessToken(key, { ttl = 3600, now = Math.floor(Date.now() / 1000), scope = 'read write', sub = 'tc_bench_client' } = {}) {
  return signJwt(key, {
    iss: ISSUER,
    sub,
    aud: AUDIENCE,
    exp: now + ttl,
    iat: now,
    jti: randomUUID(),
    client_id: 'tc_bench_client',
    scope,
  })
}
