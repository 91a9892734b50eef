// The counterpart of signer.ts for what the issuer verifies itself (UserInfo's
// access token, OpenID Connect Core §5.3): a compact JWS (RFC 7515 §7.1)
// under one of the keys it publishes, checked with node:crypto and a public
// KeyObject imported once per key set. jose's WebCrypto path took about a
// quarter of a UserInfo request (bench/PROFILES.md, round 5), where one
// crypto.verify is what the check needs.
import { constants, createPublicKey, verify, type VerifyKeyObjectInput, type KeyObject } from 'node:crypto'
import type { Jwks, SigningAlg } from '../domain/types.js'
import { SIGNING_ALGS } from '../domain/types.js'

interface PublicKey {
  alg: SigningAlg
  verify(data: Buffer, signature: Buffer): boolean
}

function verifyFunction(alg: SigningAlg, key: KeyObject): PublicKey['verify'] {
  switch (alg) {
    case 'RS256':
      return (data, signature) => verify('sha256', data, key, signature)
    case 'PS256': {
      // RFC 7518 §3.5: RSASSA-PSS with SHA-256, MGF1 SHA-256, salt = hash length.
      const opts: VerifyKeyObjectInput = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      return (data, signature) => verify('sha256', data, opts, signature)
    }
    case 'ES256': {
      // RFC 7518 §3.4: R || S, 64 bytes; any other length is not a signature.
      const opts: VerifyKeyObjectInput = { key, dsaEncoding: 'ieee-p1363' }
      return (data, signature) => signature.length === 64 && verify('sha256', data, opts, signature)
    }
    case 'EdDSA':
      return (data, signature) => verify(null, data, key, signature)
  }
}

/** The published keys by kid; core.jwks() hands out the same object until the set changes, so this is built once per set. */
const imported = new WeakMap<Jwks, ReadonlyMap<string, PublicKey>>()

function keysOf(jwks: Jwks): ReadonlyMap<string, PublicKey> {
  let keys = imported.get(jwks)
  if (keys === undefined) {
    const byKid = new Map<string, PublicKey>()
    for (const jwk of jwks.keys) {
      const alg = SIGNING_ALGS.find((a) => a === jwk.alg)
      if (alg === undefined || typeof jwk.kid !== 'string') continue
      byKid.set(jwk.kid, { alg, verify: verifyFunction(alg, createPublicKey({ key: jwk as never, format: 'jwk' })) })
    }
    imported.set(jwks, keys = byKid)
  }
  return keys
}

/** A segment's bytes, when it is canonical base64url (RFC 7515 §2: no padding, no other characters, one spelling). */
function decodeSegment(segment: string): Buffer | undefined {
  const bytes = Buffer.from(segment, 'base64url')
  return segment.length > 0 && bytes.toString('base64url') === segment ? bytes : undefined
}

function decodeObject(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeSegment(segment)
  if (bytes === undefined) return undefined
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/** RFC 9068 §4: typ `at+jwt`, or `application/at+jwt`, case-insensitively (RFC 7515 §4.1.9). */
function isAccessTokenTyp(typ: unknown): boolean {
  if (typeof typ !== 'string') return false
  const t = typ.toLowerCase()
  return t === 'at+jwt' || t === 'application/at+jwt'
}

export interface OwnTokenChecks {
  issuer: string
  /** Milliseconds since the epoch. */
  now: number
}

/**
 * The claims of `token` when it is an access token this issuer signed with
 * a key it still publishes (RFC 9068 §4): typ at+jwt, the key's own alg
 * (RFC 8725 §3.1), no `crit` (RFC 7515 §4.1.11: we understand no
 * extension), a valid signature, `iss` this issuer, `exp` in the future,
 * `nbf` (if any) past, and `sub`, `client_id` and `aud` present. Otherwise
 * undefined: the caller answers invalid_token whatever the reason.
 */
export function verifyOwnAccessToken(jwks: Jwks, token: string, checks: OwnTokenChecks): Record<string, unknown> | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string]
  const header = decodeObject(headerPart)
  if (header === undefined || !isAccessTokenTyp(header.typ) || header.crit !== undefined) return undefined
  const key = typeof header.kid === 'string' ? keysOf(jwks).get(header.kid) : undefined
  if (key === undefined || header.alg !== key.alg) return undefined
  const signature = decodeSegment(signaturePart)
  if (signature === undefined) return undefined
  let valid = false
  try {
    valid = key.verify(Buffer.from(`${headerPart}.${payloadPart}`), signature)
  } catch {
    valid = false
  }
  if (!valid) return undefined
  const claims = decodeObject(payloadPart)
  if (claims === undefined) return undefined
  const now = Math.floor(checks.now / 1000)
  if (claims.iss !== checks.issuer) return undefined
  if (typeof claims.exp !== 'number' || claims.exp <= now) return undefined
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now)) return undefined
  const aud = claims.aud
  const audOk = typeof aud === 'string' || (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string'))
  if (typeof claims.sub !== 'string' || typeof claims.client_id !== 'string' || !audOk) return undefined
  return claims
}
