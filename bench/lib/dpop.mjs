// DPoP material for the benchmarks (RFC 9449): a client key, tokens bound
// to it by cnf.jkt (RFC 9449 §6.1), proofs (§4.2) made at run time with
// node:crypto, and the DPoP verify floor every DPoP verifier is measured
// against.
import { createHash, createPublicKey, randomUUID, sign, verify as cryptoVerify } from 'node:crypto'
import { AUDIENCE, ISSUER, makeKey, nodeAlg, signJwt, thumbprint } from './keys.mjs'
import { createFloorVerifier } from './floor-verify.mjs'

const b64u = (value) => (Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))).toString('base64url')

/** A client's proof key: the key pair, its public JWK as a proof carries it, and its thumbprint. */
export function makeProofKey(alg) {
  const key = makeKey(alg)
  const jwk = key.publicKey.export({ format: 'jwk' })
  return { ...key, jwk, jkt: thumbprint(jwk) }
}

/** An RFC 9068 access token bound to `proofKey` (cnf.jkt). */
export function boundToken(issuerKey, proofKey, { ttl = 7200, scope = 'read write' } = {}) {
  const now = Math.floor(Date.now() / 1000)
  return signJwt(issuerKey, {
    iss: ISSUER, sub: 'tc_bench_client', aud: AUDIENCE, exp: now + ttl, iat: now, jti: randomUUID(),
    client_id: 'tc_bench_client', scope, cnf: { jkt: proofKey.jkt },
  })
}

/** One proof for `htm` `htu`, with `ath` for `token` (a fresh jti each). */
export function makeProof(proofKey, htm, htu, token, ath = createHash('sha256').update(token).digest('base64url')) {
  const input = `${b64u({ typ: 'dpop+jwt', alg: proofKey.alg, jwk: proofKey.jwk })}.${b64u({ jti: randomUUID(), htm, htu, iat: Math.floor(Date.now() / 1000), ath })}`
  const signature = sign(nodeAlg(proofKey.alg), Buffer.from(input), proofKey.alg === 'ES256' ? { key: proofKey.privateKey, dsaEncoding: 'ieee-p1363' } : proofKey.privateKey)
  return `${input}.${b64u(signature)}`
}

/** `n` distinct proofs (every one a fresh jti, as a client sends). */
export function makeProofs(proofKey, n, htm, htu, token) {
  const ath = createHash('sha256').update(token).digest('base64url')
  return Array.from({ length: n }, () => makeProof(proofKey, htm, htu, token, ath))
}

const REQUIRED = { EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'], RSA: ['e', 'kty', 'n'] }
const PROOF_ALGS = { ES256: 'EC', EdDSA: 'OKP', Ed25519: 'OKP', RS256: 'RSA' }

/**
 * The DPoP floor: what no DPoP verifier can skip, written straight. The
 * access token as the verify floor checks it (split, JSON.parse,
 * crypto.verify with a KeyObject made once, the RFC 9068 claims, the
 * scope), then the proof: split, JSON.parse of its header, typ and alg,
 * the RFC 7638 thumbprint of its jwk (JSON of the required members,
 * SHA-256) compared with cnf.jkt, the KeyObject from a Map keyed by that
 * thumbprint, crypto.verify, JSON.parse of its claims, htm, htu, iat, jti,
 * and ath (SHA-256 of the token). No replay store, no canonical-base64url
 * checks, no private-member check: less than a complete verifier does.
 * Synchronous.
 */
export function createFloorDpopVerifier({ key, issuer = ISSUER, audience = AUDIENCE, clockTolerance = 5, maxAge = 60 }) {
  const token = createFloorVerifier({ key, issuer, audience, clockTolerance })
  const keys = new Map()
  return function floorDpopVerify(accessToken, proof, method, htu, requiredScope) {
    const claims = token(accessToken, requiredScope)
    const jkt = claims.cnf?.jkt
    if (typeof jkt !== 'string') throw new Error('not bound')
    const d1 = proof.indexOf('.')
    const d2 = proof.indexOf('.', d1 + 1)
    if (d1 < 0 || d2 < 0 || proof.indexOf('.', d2 + 1) !== -1) throw new Error('malformed proof')
    const header = JSON.parse(Buffer.from(proof.slice(0, d1), 'base64url').toString('utf8'))
    if (header.typ !== 'dpop+jwt') throw new Error('typ')
    const kty = PROOF_ALGS[header.alg]
    const jwk = header.jwk
    if (kty === undefined || jwk?.kty !== kty) throw new Error('alg')
    const members = {}
    for (const name of REQUIRED[kty]) members[name] = jwk[name]
    const tp = createHash('sha256').update(JSON.stringify(members)).digest('base64url')
    if (tp !== jkt) throw new Error('jkt')
    let keyObject = keys.get(tp)
    if (keyObject === undefined) {
      keyObject = createPublicKey({ key: members, format: 'jwk' })
      keys.set(tp, keyObject)
    }
    const ok = cryptoVerify(kty === 'OKP' ? null : 'sha256', Buffer.from(proof.slice(0, d2)), kty === 'EC' ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : keyObject, Buffer.from(proof.slice(d2 + 1), 'base64url'))
    if (!ok) throw new Error('proof signature')
    const p = JSON.parse(Buffer.from(proof.slice(d1 + 1, d2), 'base64url').toString('utf8'))
    if (typeof p.jti !== 'string' || p.jti.length > 256) throw new Error('jti')
    if (p.htm !== method || p.htu !== htu) throw new Error('htm/htu')
    const now = Date.now() / 1000
    if (typeof p.iat !== 'number' || p.iat > now + clockTolerance || p.iat < now - maxAge - clockTolerance) throw new Error('iat')
    if (p.ath !== createHash('sha256').update(accessToken).digest('base64url')) throw new Error('ath')
    return claims
  }
}
