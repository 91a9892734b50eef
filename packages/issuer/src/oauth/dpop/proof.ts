// A DPoP proof (RFC 9449 §4.2), checked as §4.3 says, for any endpoint:
// the caller names the method and URL it expects (`htm`, `htu`) and, where
// an access token is presented, the token (`ath`). The header rules are
// checked here before any key is imported: one header, one compact JWS,
// `typ` dpop+jwt, an asymmetric `alg` of the allow-list, a public `jwk` of
// that algorithm's type; then the signature under that `jwk` (jose), then
// the claims. Pure: nonces and replay (which need the store) are the
// caller's (index.ts). Every failure is a value with a client-safe reason.
import { createHash } from 'node:crypto'
import { importJWK, jwtVerify, type CryptoKey, type JWTPayload } from 'jose'
import { jwkThumbprint } from './thumbprint.js'

export type DpopErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce'

export class DpopFailure {
  constructor(
    readonly error: DpopErrorCode,
    /** Client-safe text (RFC 6749 §5.2 characters). */
    readonly description: string,
  ) {}
}

const invalid = (description: string) => new DpopFailure('invalid_dpop_proof', description)

/** Every way a proof fails, by what went wrong. */
export const ProofFailures = {
  headerCount: invalid('exactly one DPoP header is required'),
  notJws: invalid('the DPoP proof must be one JWS in compact serialization'),
  badHeader: invalid('the DPoP proof header is not a JSON object'),
  typ: invalid('the DPoP proof typ must be dpop+jwt'),
  alg: invalid('the DPoP proof alg must be one of ES256 PS256 RS256 EdDSA Ed25519'),
  jwkMissing: invalid('the DPoP proof header must carry a jwk'),
  jwkPrivate: invalid('the DPoP proof jwk must be a public key'),
  jwkType: invalid('the DPoP proof jwk does not fit its alg'),
  jwkInvalid: invalid('the DPoP proof jwk is not a valid public key'),
  signature: invalid('the DPoP proof signature is not valid under its jwk'),
  claims: invalid('the DPoP proof claims are malformed'),
  jti: invalid('the DPoP proof jti must be a string of 1 to 256 characters'),
  htm: invalid('the DPoP proof htm does not match the request method'),
  htu: invalid('the DPoP proof htu does not match the request URL'),
  iat: invalid('the DPoP proof iat is outside the accepted window'),
  ath: invalid('the DPoP proof ath does not match the access token'),
  replayed: invalid('the DPoP proof was used before'),
  nonce: new DpopFailure('use_dpop_nonce', 'a DPoP nonce is required: use the DPoP-Nonce header'),
} as const

/** RFC 9449 §4.3 asymmetric algorithms accepted (EdDSA also by its RFC 9864 name), in metadata order. */
export const DPOP_ALGS = ['ES256', 'PS256', 'RS256', 'EdDSA', 'Ed25519'] as const
type DpopAlg = (typeof DPOP_ALGS)[number]

/** The key each algorithm needs: its kty, and its curve where it has one. */
const KEY_TYPES: Record<DpopAlg, { kty: string; crv?: string }> = {
  ES256: { kty: 'EC', crv: 'P-256' },
  PS256: { kty: 'RSA' },
  RS256: { kty: 'RSA' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', crv: 'Ed25519' },
}

/** Members that only a private (or symmetric) JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

export const MAX_JTI_LENGTH = 256
/** DESIGN.md: now − 60 s ≤ iat ≤ now + 10 s. */
export const PROOF_MAX_AGE_MS = 60_000
export const PROOF_MAX_AHEAD_MS = 10_000

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

/** What the endpoint expects of the proof. */
export interface ProofExpectations {
  /** The request's method (RFC 9110), compared exactly. */
  htm: string
  /** The endpoint's URL, built from the issuer identifier (never from Host or X-Forwarded-*). */
  htu: string
  /** The access token presented with the proof: then `ath` must be its hash (RFC 9449 §4.2). */
  accessToken?: string
}

export interface CheckedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key. */
  jkt: string
  jti: string
  /** Seconds since the epoch. */
  iat: number
  /** The `nonce` claim as sent (unchecked here). */
  nonce: unknown
}

/** Imported keys by alg and thumbprint: a client signs every proof with one key (bounded, oldest out first). */
const KEY_CACHE_SIZE = 1000
const keyCache = new Map<string, CryptoKey | Uint8Array>()

async function publicKey(alg: DpopAlg, jkt: string, jwk: Record<string, unknown>): Promise<CryptoKey | Uint8Array> {
  const id = `${alg}.${jkt}`
  const cached = keyCache.get(id)
  if (cached !== undefined) return cached
  // Only the members the thumbprint covers: nothing else of the header reaches the import.
  const { kty, crv, x, y, n, e } = jwk as Record<string, string | undefined>
  const key = await importJWK({ kty, crv, x, y, n, e }, alg)
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!)
  keyCache.set(id, key)
  return key
}

function decodeHeader(part: string): Record<string, unknown> | null {
  try {
    const header: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? header as Record<string, unknown> : null
  } catch {
    return null
  }
}

/** The header rules (RFC 9449 §4.3 items 4–7): the proof's alg and key, or why not. */
function checkHeader(header: Record<string, unknown>): { alg: DpopAlg; jwk: Record<string, unknown>; jkt: string } | DpopFailure {
  if (header.typ !== 'dpop+jwt') return ProofFailures.typ
  const alg = header.alg
  if (typeof alg !== 'string' || !(DPOP_ALGS as readonly string[]).includes(alg)) return ProofFailures.alg
  const jwk = header.jwk
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return ProofFailures.jwkMissing
  const key = jwk as Record<string, unknown>
  if (PRIVATE_MEMBERS.some((m) => m in key)) return ProofFailures.jwkPrivate
  const wanted = KEY_TYPES[alg as DpopAlg]
  if (key.kty !== wanted.kty || (wanted.crv !== undefined && key.crv !== wanted.crv)) return ProofFailures.jwkType
  const jkt = jwkThumbprint(key)
  if (jkt === null) return ProofFailures.jwkType
  return { alg: alg as DpopAlg, jwk: key, jkt }
}

/** The URL as compared: scheme, host and path (URL lower-cases scheme and host and drops a default port); no query, no fragment. */
function comparable(url: string): string | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (u.username !== '' || u.password !== '') return null
  return `${u.protocol}//${u.host}${u.pathname}`
}

/** The claim rules (RFC 9449 §4.3 items 8–12). */
function checkClaims(claims: JWTPayload, expect: ProofExpectations, now: number): DpopFailure | undefined {
  const { jti, htm, htu, iat } = claims as Record<string, unknown>
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) return ProofFailures.jti
  if (htm !== expect.htm) return ProofFailures.htm
  if (typeof htu !== 'string' || comparable(htu) === null || comparable(htu) !== comparable(expect.htu)) return ProofFailures.htu
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return ProofFailures.iat
  const issuedAt = iat * 1000
  if (issuedAt < now - PROOF_MAX_AGE_MS || issuedAt > now + PROOF_MAX_AHEAD_MS) return ProofFailures.iat
  if (expect.accessToken !== undefined) {
    const ath = createHash('sha256').update(expect.accessToken).digest('base64url')
    if (claims.ath !== ath) return ProofFailures.ath
  }
  return undefined
}

/**
 * Checks the values of the request's `DPoP` headers (every one: more than
 * one is refused) at `now` (ms). Resolves to the proof's key thumbprint and
 * claims, or to the failure.
 */
export async function checkProof(values: readonly string[], expect: ProofExpectations, now: number): Promise<CheckedProof | DpopFailure> {
  if (values.length !== 1) return ProofFailures.headerCount
  const jws = values[0]!
  if (!COMPACT_JWS.test(jws)) return ProofFailures.notJws
  const header = decodeHeader(jws.slice(0, jws.indexOf('.')))
  if (header === null) return ProofFailures.badHeader
  const checked = checkHeader(header)
  if (checked instanceof DpopFailure) return checked
  let key: CryptoKey | Uint8Array
  try {
    key = await publicKey(checked.alg, checked.jkt, checked.jwk)
  } catch {
    return ProofFailures.jwkInvalid
  }
  let claims: JWTPayload
  try {
    claims = (await jwtVerify(jws, key, { typ: 'dpop+jwt', algorithms: [checked.alg] })).payload
  } catch (err) {
    // jose's JWT errors are about the claims (not JSON, a bad exp, nbf or iat type); the rest, the signature.
    const code = String((err as { code?: unknown }).code)
    return code.startsWith('ERR_JWT_') ? ProofFailures.claims : ProofFailures.signature
  }
  const refused = checkClaims(claims, expect, now)
  if (refused !== undefined) return refused
  return { jkt: checked.jkt, jti: claims.jti!, iat: claims.iat!, nonce: claims.nonce }
}
