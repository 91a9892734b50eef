// The hot path: a compact JWS (RFC 7515 §7.1) checked with node:crypto and a
// KeyObject imported once. No JOSE library per call, no regex; per call, the
// decoded segments, their canonical re-encodings and one small object.
// Order: size cap, structure, header (canonical base64url, alg allow-list,
// typ, crit), key, signature (canonical), signature check, payload
// (canonical), then claims (in claims.ts).
import { verify as cryptoVerify } from 'node:crypto'
import type { AlgorithmName } from './algorithms.js'
import { decodeCanonical } from './base64url.js'
import { InvalidTokenError } from './errors.js'
import type { VerifyKey } from './keys.js'
import type { ResolvedOptions } from './options.js'

export interface ParsedHeader {
  /** Canonical name (`Ed25519` reads as `EdDSA`, RFC 9864). */
  readonly alg: AlgorithmName
  readonly kid: string | undefined
  /** Index of the second dot: the signing input is token[0, sigDot). */
  readonly sigDot: number
  /** Index of the first dot. */
  readonly payloadDot: number
}

/** The JSON of a header or payload segment; undefined when it is not canonical base64url (RFC 7515 §2) or not JSON. */
function segmentJson(token: string, start: number, end: number): unknown {
  const bytes = decodeCanonical(token, start, end)
  if (bytes === undefined) return undefined
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch {
    return undefined
  }
}

/** RFC 9068 §4 step 3: typ `at+jwt`, or `application/at+jwt`, case-insensitively (RFC 7515 §4.1.9). */
function isAccessTokenTyp(typ: unknown): boolean {
  if (typ === 'at+jwt') return true
  if (typeof typ !== 'string') return false
  const t = typ.toLowerCase()
  return t === 'at+jwt' || t === 'application/at+jwt'
}

/** Size cap, structure and JOSE header checks. Throws InvalidTokenError. */
export function readHeader(token: string, o: ResolvedOptions): ParsedHeader {
  const challenge = o.challenge
  if (typeof token !== 'string') throw new InvalidTokenError('malformed token', { challenge })
  // Checked before any parsing. A token is ASCII (canonical base64url and
  // dots, checked per segment below), so length counts bytes.
  if (token.length > o.maxTokenBytes) throw new InvalidTokenError('token too large', { challenge })
  const d1 = token.indexOf('.')
  const d2 = d1 <= 0 ? -1 : token.indexOf('.', d1 + 1)
  if (d2 === -1 || d2 === d1 + 1 || d2 === token.length - 1 || token.indexOf('.', d2 + 1) !== -1) {
    throw new InvalidTokenError('malformed token', { challenge })
  }
  const header = segmentJson(token, 0, d1) as Record<string, unknown> | undefined
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new InvalidTokenError('malformed token', { challenge })
  }
  // RFC 8725 §3.1: the algorithm must be on the allow-list; `none` and HMAC never are.
  const alg = header['alg']
  const spec = typeof alg === 'string' ? o.headerAlgorithms.get(alg) : undefined
  if (spec === undefined) throw new InvalidTokenError('unsupported algorithm', { challenge })
  if (o.typ && !isAccessTokenTyp(header['typ'])) throw new InvalidTokenError('unexpected token type', { challenge })
  // RFC 7515 §4.1.11: we understand no extension, so any `crit` is refused.
  if (header['crit'] !== undefined) throw new InvalidTokenError('unsupported critical header', { challenge })
  // jku, x5u, x5c and jwk (RFC 7515 §4.1.2-4.1.6) are never read: keys come
  // only from the configured JWKS (RFC 8725 §3.10).
  const kid = header['kid']
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) throw new InvalidTokenError('malformed kid', { challenge })
  return { alg: spec.name, kid, sigDot: d2, payloadDot: d1 }
}

/** The signature, with the algorithm the key allows (RFC 8725 §3.1), then the decoded payload. */
export function verifySignature(token: string, h: ParsedHeader, key: VerifyKey, o: ResolvedOptions): unknown {
  const use = key.uses.get(h.alg)
  if (use === undefined) throw new InvalidTokenError('algorithm does not match key', { challenge: o.challenge })
  // Canonical spelling only (RFC 7515 §2): the signature is the one segment
  // the signature itself does not bind, so this is what keeps one token to
  // one accepted string.
  const signature = decodeCanonical(token, h.sigDot + 1, token.length)
  if (signature === undefined) throw new InvalidTokenError('malformed token', { challenge: o.challenge })
  const expected = use.spec.signatureLength
  let ok = false
  if (expected === null || signature.length === expected) {
    try {
      ok = cryptoVerify(use.spec.hash, Buffer.from(token.slice(0, h.sigDot)), use.input, signature)
    } catch {
      ok = false
    }
  }
  if (!ok) throw new InvalidTokenError('invalid signature', { challenge: o.challenge })
  const payload = segmentJson(token, h.payloadDot + 1, h.sigDot)
  if (payload === undefined) throw new InvalidTokenError('malformed token', { challenge: o.challenge })
  return payload
}
