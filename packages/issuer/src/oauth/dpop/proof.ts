// A DPoP proof (RFC 9449 §4.2), checked as §4.3 says, for any endpoint:
// the caller names the method and URL it expects (`htm`, `htu`) and, where
// an access token is presented, the token (`ath`). The header rules are
// checked here before any key is imported: one header, one compact JWS,
// `typ` dpop+jwt, an asymmetric `alg` of the allow-list, a public `jwk` of
// that algorithm's type; then the signature under that `jwk`, then the
// claims. Pure: nonces and replay (which need the store) are the caller's
// (index.ts). Every failure is a value with a client-safe reason.
//
// The signature is checked with node:crypto over a KeyObject made once per
// key (cached by thumbprint), as the issuer signs: jose's WebCrypto path
// cost three times the CPU per proof here (measured: 335 µs against 105 µs
// for ES256), and the alg, key type and RSA size rules jose would apply are
// the header rules checked above and the modulus check below.
import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'
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
  crit: invalid('the DPoP proof header names critical extensions this issuer does not know'),
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

/** RFC 7518 §3.3, §3.5: an RSA key of at least 2048 bits. */
const MIN_RSA_BITS = 2048

/** Signature checks by alg (RFC 7518 §3.3–3.5, RFC 8037 §3.1): ES256 signatures are R || S (64 bytes). */
const VERIFIERS: Record<DpopAlg, (key: KeyObject, input: Buffer, signature: Buffer) => boolean> = {
  ES256: (key, input, sig) => sig.length === 64 && verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, sig),
  RS256: (key, input, sig) => verify('sha256', input, key, sig),
  PS256: (key, input, sig) => verify('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig),
  EdDSA: (key, input, sig) => verify(null, input, key, sig),
  Ed25519: (key, input, sig) => verify(null, input, key, sig),
}

/** Keys by thumbprint: a client signs every proof with one key (bounded, oldest out first). */
const KEY_CACHE_SIZE = 1000
const keyCache = new Map<string, KeyObject>()

/** The proof's public key, or null when its members do not make a valid key (or an RSA key under 2048 bits). */
function publicKey(jkt: string, jwk: Record<string, unknown>): KeyObject | null {
  const cached = keyCache.get(jkt)
  if (cached !== undefined) return cached
  // Only the members the thumbprint covers: nothing else of the header reaches the import.
  const { kty, crv, x, y, n, e } = jwk as Record<string, string | undefined>
  let key: KeyObject
  try {
    key = createPublicKey({ key: { kty, crv, x, y, n, e } as Record<string, string>, format: 'jwk' })
  } catch {
    return null
  }
  if (kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return null
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!)
  keyCache.set(jkt, key)
  return key
}

/** The signature over the JWS signing input (RFC 7515 §5.2) under the proof's key. */
function signatureValid(alg: DpopAlg, key: KeyObject, jws: string): boolean {
  const cut = jws.lastIndexOf('.')
  try {
    return VERIFIERS[alg](key, Buffer.from(jws.slice(0, cut)), Buffer.from(jws.slice(cut + 1), 'base64url'))
  } catch {
    return false
  }
}

/** A base64url JSON object (a JWS header or payload), or null. */
function decodeObject(part: string): Record<string, unknown> | null {
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
  // RFC 7515 §4.1.11: no extension is understood here, so any crit is refused.
  if ('crit' in header) return ProofFailures.crit
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

/** The endpoint's URL as compared, for the last URL asked (an endpoint asks for the same one every time). */
let lastExpected: { url: string; comparable: string | null } = { url: '', comparable: null }
function expectedUrl(url: string): string | null {
  if (lastExpected.url !== url) lastExpected = { url, comparable: comparable(url) }
  return lastExpected.comparable
}

/** The claim rules (RFC 9449 §4.3 items 8–12). */
function checkClaims(claims: Record<string, unknown>, expect: ProofExpectations, now: number): DpopFailure | undefined {
  const { jti, htm, htu, iat } = claims
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) return ProofFailures.jti
  if (htm !== expect.htm) return ProofFailures.htm
  if (typeof htu !== 'string') return ProofFailures.htu
  const presented = comparable(htu)
  if (presented === null || presented !== expectedUrl(expect.htu)) return ProofFailures.htu
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
 * one is refused) at `now` (ms): the proof's key thumbprint and claims, or
 * the failure.
 */
export function checkProof(values: readonly string[], expect: ProofExpectations, now: number): CheckedProof | DpopFailure {
  if (values.length !== 1) return ProofFailures.headerCount
  const jws = values[0]!
  if (!COMPACT_JWS.test(jws)) return ProofFailures.notJws
  const first = jws.indexOf('.')
  const header = decodeObject(jws.slice(0, first))
  if (header === null) return ProofFailures.badHeader
  const checked = checkHeader(header)
  if (checked instanceof DpopFailure) return checked
  const key = publicKey(checked.jkt, checked.jwk)
  if (key === null) return ProofFailures.jwkInvalid
  if (!signatureValid(checked.alg, key, jws)) return ProofFailures.signature
  const claims = decodeObject(jws.slice(first + 1, jws.lastIndexOf('.')))
  if (claims === null) return ProofFailures.claims
  const refused = checkClaims(claims, expect, now)
  if (refused !== undefined) return refused
  return { jkt: checked.jkt, jti: claims.jti as string, iat: claims.iat as number, nonce: claims.nonce }
}
