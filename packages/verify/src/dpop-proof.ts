// The checks of a DPoP proof presented with an access token at a protected
// resource (RFC 9449 §4.3 and §7.1), in this order: one `DPoP` header, one
// compact JWS of canonical base64url, header `typ` `dpop+jwt`, `alg` on the
// allow-list (ES256, PS256, RS256, EdDSA also spelled Ed25519; never none
// or HMAC, RFC 8725 §3.1), no `crit`, a public `jwk` of that algorithm's
// type whose thumbprint is the token's `cnf.jkt` (§6.1; checked before the
// signature, so a stranger's key costs no verify), the signature under that
// `jwk`, then the claims `jti` (at most 256 characters), `htm`, `htu`,
// `iat` and `ath`. The `jti` replay check is the caller's last step: only a
// proof that passes everything else is remembered.
import { createHash, verify as cryptoVerify } from 'node:crypto'
import { algorithmSpec, type AlgorithmSpec } from './algorithms.js'
import { decodeCanonical } from './base64url.js'
import type { ChallengeContext } from './challenge.js'
import { InvalidDpopProofError } from './errors.js'
import type { ProofKeyCache } from './proof-keys.js'
import { requestUrl, type RequestUrl, type UrlSource } from './request-url.js'

/** RFC 9449 §5: the algorithms a proof may use here, both spellings of EdDSA. */
const PROOF_ALGS: ReadonlyMap<string, AlgorithmSpec> = new Map(
  ['ES256', 'PS256', 'RS256', 'EdDSA', 'Ed25519'].map((name) => [name, algorithmSpec(name)!]),
)

/** Longest proof read at all; an RSA-4096 proof is about 1.5 kB. */
export const MAX_PROOF_BYTES = 8192
/** RFC 9449 §4.2 leaves `jti` unbounded; the contract caps it. */
export const MAX_JTI_LENGTH = 256

export interface ProofRequest {
  /** The request method, compared with `htm` exactly (RFC 9110 §9.1: case-sensitive). */
  readonly method: string
  /** Where the request URL `htu` must name is read from (request-url.ts). */
  readonly request: UrlSource
  /** `dpop.origin`, or null for the request's own. */
  readonly origin: string | null
  /** The access token, whose hash `ath` must be (§4.2). */
  readonly token: string
  /** The token's `cnf.jkt` (§6.1). */
  readonly jkt: string
}

export interface ProofSettings {
  readonly challenge: ChallengeContext
  /** Seconds a proof is accepted after its `iat`. */
  readonly maxAge: number
  /** Seconds of leeway both ways. */
  readonly clockTolerance: number
}

/** A proof that passed every check but the replay check. */
export interface CheckedProof {
  /** The replay-store key: base64url SHA-256 of `jkt` and `jti`, 43 characters. */
  readonly replayKey: string
  /** When the proof can no longer pass the `iat` window (ms since the epoch). */
  readonly expiresAt: number
}

function json(proof: string, start: number, end: number): Record<string, unknown> | undefined {
  const bytes = decodeCanonical(proof, start, end)
  if (bytes === undefined) return undefined
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    return undefined
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined
}

/** The request target up to its query or fragment. */
function withoutQuery(target: string): string {
  let end = target.indexOf('?')
  const hash = target.indexOf('#')
  if (end === -1 || (hash !== -1 && hash < end)) end = hash
  return end === -1 ? target : target.slice(0, end)
}

/**
 * RFC 9449 §4.3 step 9: `htu` names the request URL, scheme and host
 * case-insensitively, without query and fragment. The common case, a
 * client that wrote the very URL it requested, is a string comparison;
 * anything else is parsed and compared by origin and normalised path.
 */
function htuMatches(htu: string, req: ProofRequest): boolean | undefined {
  const target = req.request.url
  if (typeof target === 'string' && target !== '') {
    const absolute = target.charCodeAt(0) !== 0x2f
    if (req.origin === null ? absolute && htu === withoutQuery(target) : !absolute && htu === req.origin + withoutQuery(target)) return true
  }
  const url: RequestUrl | undefined = requestUrl(req.request, req.origin)
  if (url === undefined) return undefined
  if (htu === url.origin + url.path) return true
  let parsed: URL
  try {
    parsed = new URL(htu)
  } catch {
    return false
  }
  return parsed.origin === url.origin && parsed.pathname === url.path
}

/**
 * Check the `DPoP` header's value (a string, or what a framework gives for
 * a repeated field) against the request. Throws InvalidDpopProofError.
 * `now` is in milliseconds.
 */
export function checkProof(header: string | readonly string[] | undefined | null, req: ProofRequest, keys: ProofKeyCache, s: ProofSettings, now: number): CheckedProof {
  const init = { challenge: s.challenge }
  const refuse: (why: string) => never = (why) => {
    throw new InvalidDpopProofError(why, init)
  }
  // §4.3 step 1: exactly one DPoP header. node:http and Web Headers join a
  // repeated field with ", "; a proof holds neither a comma nor a space.
  if (header === undefined || header === null || header === '') refuse('DPoP proof missing')
  if (typeof header !== 'string') return refuse(header.length === 0 ? 'DPoP proof missing' : 'more than one DPoP header')
  if (header.includes(',')) refuse('more than one DPoP header')
  const proof = header.trim()
  if (proof.length > MAX_PROOF_BYTES) refuse('DPoP proof too large')
  // Step 2: one well-formed compact JWS.
  const d1 = proof.indexOf('.')
  const d2 = d1 <= 0 ? -1 : proof.indexOf('.', d1 + 1)
  if (d2 === -1 || d2 === d1 + 1 || d2 === proof.length - 1 || proof.indexOf('.', d2 + 1) !== -1) refuse('malformed DPoP proof')
  const h = json(proof, 0, d1)
  if (h === undefined) return refuse('malformed DPoP proof')
  // Step 4: typ dpop+jwt (media types compare case-insensitively, RFC 7515 §4.1.9).
  const typ = h['typ']
  if (typ !== 'dpop+jwt' && (typeof typ !== 'string' || typ.toLowerCase() !== 'dpop+jwt')) refuse('DPoP proof typ is not dpop+jwt')
  // Step 5: an asymmetric algorithm on the list.
  const alg = h['alg']
  const spec = typeof alg === 'string' ? PROOF_ALGS.get(alg) : undefined
  if (spec === undefined) return refuse('DPoP proof alg not supported')
  if (h['crit'] !== undefined) refuse('DPoP proof has an unsupported critical header')
  // Step 6: a public key of that algorithm's type; then the binding (§6.1).
  const key = keys.get(h['jwk'], spec)
  if (typeof key === 'string') return refuse(`DPoP proof ${key}`)
  if (key.thumbprint !== req.jkt) refuse('DPoP proof key is not the one the token is bound to')
  // Step 7: the signature, canonical spelling only (RFC 7515 §2).
  const signature = decodeCanonical(proof, d2 + 1, proof.length)
  let ok = false
  if (signature !== undefined && (spec.signatureLength === null || signature.length === spec.signatureLength)) {
    try {
      ok = cryptoVerify(spec.hash, Buffer.from(proof.slice(0, d2)), key.use.input, signature)
    } catch {
      ok = false
    }
  }
  if (!ok) refuse('DPoP proof signature invalid')
  const c = json(proof, d1 + 1, d2)
  if (c === undefined) return refuse('malformed DPoP proof')
  // Step 3, the claims (§4.2).
  const jti = c['jti']
  if (typeof jti !== 'string' || jti === '') return refuse('DPoP proof jti missing')
  if (jti.length > MAX_JTI_LENGTH) refuse('DPoP proof jti too long')
  // Step 8: htm is the request method.
  if (c['htm'] !== req.method) refuse('DPoP proof htm does not match the request method')
  // Step 9: htu is the request URL.
  const htu = c['htu']
  if (typeof htu !== 'string') return refuse('DPoP proof htu missing')
  const matches = htuMatches(htu, req)
  if (matches === undefined) refuse('request URL unknown (no Host): cannot check htu')
  if (!matches) refuse('DPoP proof htu does not match the request URL')
  // Step 11: iat within the window (§11.1).
  const iat = c['iat']
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return refuse('DPoP proof iat missing')
  const seconds = now / 1000
  if (iat > seconds + s.clockTolerance) refuse('DPoP proof issued in the future')
  if (iat < seconds - s.maxAge - s.clockTolerance) refuse('DPoP proof too old')
  // Step 12 (§7.1): ath is the hash of this very access token.
  const ath = c['ath']
  if (typeof ath !== 'string') return refuse('DPoP proof ath missing')
  if (ath !== createHash('sha256').update(req.token).digest('base64url')) refuse('DPoP proof ath does not match the access token')
  return {
    replayKey: createHash('sha256').update(`${req.jkt}.${jti}`).digest('base64url'),
    expiresAt: Math.ceil((iat + s.maxAge + s.clockTolerance) * 1000),
  }
}
