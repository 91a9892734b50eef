// The verify floor: a hand-written split + base64url decode + JSON.parse +
// crypto.verify with a cached KeyObject + the RFC 9068 §4 claim checks.
// Nothing a real verifier could skip, nothing more: what any library's hot
// path is measured against.
import { verify as cryptoVerify } from 'node:crypto'
import { nodeAlg } from './keys.mjs'

export function createFloorVerifier({ key, issuer, audience, clockTolerance = 5 }) {
  const digest = nodeAlg(key.alg)
  const verifyKey = key.alg === 'ES256' ? { key: key.publicKey, dsaEncoding: 'ieee-p1363' } : key.publicKey
  return function floorVerify(token, requiredScope) {
    const d1 = token.indexOf('.')
    const d2 = token.indexOf('.', d1 + 1)
    if (d1 < 0 || d2 < 0 || token.indexOf('.', d2 + 1) !== -1) throw new Error('malformed')
    const header = JSON.parse(Buffer.from(token.slice(0, d1), 'base64url').toString('utf8'))
    if (header.alg !== key.alg || header.kid !== key.kid) throw new Error('bad header')
    if (typeof header.typ !== 'string' || header.typ.toLowerCase().replace(/^application\//, '') !== 'at+jwt') throw new Error('bad typ')
    const ok = cryptoVerify(digest, Buffer.from(token.slice(0, d2)), verifyKey, Buffer.from(token.slice(d2 + 1), 'base64url'))
    if (!ok) throw new Error('bad signature')
    const claims = JSON.parse(Buffer.from(token.slice(d1 + 1, d2), 'base64url').toString('utf8'))
    const now = Math.floor(Date.now() / 1000)
    if (claims.iss !== issuer) throw new Error('iss')
    if (Array.isArray(claims.aud) ? !claims.aud.includes(audience) : claims.aud !== audience) throw new Error('aud')
    if (typeof claims.exp !== 'number' || claims.exp <= now - clockTolerance) throw new Error('exp')
    if (typeof claims.iat !== 'number' || claims.iat > now + clockTolerance) throw new Error('iat')
    if (typeof claims.sub !== 'string' || typeof claims.client_id !== 'string' || typeof claims.jti !== 'string') throw new Error('claims')
    if (requiredScope && !(typeof claims.scope === 'string' && claims.scope.split(' ').includes(requiredScope))) throw new Error('scope')
    return claims
  }
}
