// Import JWKs (RFC 7517) into node:crypto KeyObjects, once per key, and work
// out which of the allowed algorithms each key may verify. The algorithm is
// never inferred from key bytes: it comes from the token header and must be
// allowed, match the key's `kty`/`crv`, and equal the JWK's `alg` when the
// JWK has one (RFC 8725 §3.1).
import { constants, createPublicKey, type KeyObject } from 'node:crypto'
import { algorithmSpec, MIN_RSA_BITS, type AlgorithmName, type AlgorithmSpec } from './algorithms.js'

/** The second argument of `crypto.verify` prepared for one key and algorithm. */
export type VerifyKeyInput = KeyObject | { key: KeyObject; padding?: number; saltLength?: number; dsaEncoding?: 'ieee-p1363' }

export interface KeyUse {
  readonly spec: AlgorithmSpec
  /** Prepared once, so the hot path allocates nothing to call `crypto.verify`. */
  readonly input: VerifyKeyInput
}

export interface VerifyKey {
  readonly kid: string | undefined
  readonly kty: string
  readonly keyObject: KeyObject
  /** Allowed algorithm name -> how to verify with it. */
  readonly uses: ReadonlyMap<AlgorithmName, KeyUse>
  /** Canonical public members, to recognise the same key across refreshes. */
  readonly fingerprint: string
}

export interface JwkLike {
  kty?: unknown
  kid?: unknown
  alg?: unknown
  use?: unknown
  key_ops?: unknown
  crv?: unknown
  n?: unknown
  e?: unknown
  x?: unknown
  y?: unknown
  [member: string]: unknown
}

export interface KeySet {
  readonly byKid: ReadonlyMap<string, VerifyKey>
  readonly all: readonly VerifyKey[]
}

/** Only the public members (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2), as strings. */
function publicMembers(jwk: JwkLike): Record<string, string> | null {
  const pick = (names: string[]): Record<string, string> | null => {
    const out: Record<string, string> = { kty: jwk.kty as string }
    for (const name of names) {
      const value = jwk[name]
      if (typeof value !== 'string' || value === '') return null
      out[name] = value
    }
    return out
  }
  switch (jwk.kty) {
    case 'RSA': return pick(['n', 'e'])
    case 'EC': return pick(['crv', 'x', 'y'])
    case 'OKP': return pick(['crv', 'x'])
    default: return null // `oct` (HMAC) and anything unknown: never a verification key.
  }
}

/** How `crypto.verify` is called for `spec` with this key: PSS padding, or r||s ECDSA signatures. */
export function keyUse(spec: AlgorithmSpec, keyObject: KeyObject): KeyUse {
  if (spec.pssSaltLength !== null) {
    return { spec, input: { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.pssSaltLength } }
  }
  if (spec.kty === 'EC') {
    // JWS carries ECDSA signatures as fixed-length r||s (RFC 7518 §3.4).
    return { spec, input: { key: keyObject, dsaEncoding: 'ieee-p1363' } }
  }
  return { spec, input: keyObject }
}

/**
 * Import one JWK, or return a reason it is unusable. `reuse` maps a
 * fingerprint to an already imported key, so a refresh never re-imports.
 */
export function importJwk(jwk: unknown, allowed: ReadonlySet<AlgorithmName>, reuse?: ReadonlyMap<string, VerifyKey>): VerifyKey | string {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'not an object'
  const k = jwk as JwkLike
  if (typeof k.kty !== 'string') return 'missing kty'
  // RFC 7517 §4.2, §4.3: a key meant for something other than signatures is not ours.
  if (k.use !== undefined && k.use !== 'sig') return 'use is not sig'
  if (k.key_ops !== undefined && !(Array.isArray(k.key_ops) && k.key_ops.includes('verify'))) return 'key_ops lacks verify'
  if (k.kid !== undefined && typeof k.kid !== 'string') return 'kid is not a string'
  if (k.alg !== undefined && typeof k.alg !== 'string') return 'alg is not a string'
  const members = publicMembers(k)
  if (members === null) return `unsupported key type ${k.kty}`

  const jwkAlg = k.alg === undefined ? undefined : algorithmSpec(k.alg as string)
  if (k.alg !== undefined && jwkAlg === undefined) return 'unsupported alg'
  const specs: AlgorithmSpec[] = []
  for (const name of allowed) {
    const s = algorithmSpec(name)!
    if (s.kty !== k.kty || (s.crv !== null && s.crv !== k.crv)) continue
    if (jwkAlg !== undefined && jwkAlg.name !== s.name) continue
    specs.push(s)
  }
  if (specs.length === 0) return 'no allowed algorithm fits this key'

  const fingerprint = `${k.kid ?? ''}|${specs.map((s) => s.name).join(',')}|${JSON.stringify(members)}`
  const known = reuse?.get(fingerprint)
  if (known !== undefined) return known

  let keyObject: KeyObject
  try {
    keyObject = createPublicKey({ key: members, format: 'jwk' })
  } catch {
    return 'key material does not import'
  }
  if (k.kty === 'RSA') {
    const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0
    if (bits < MIN_RSA_BITS) return 'RSA key shorter than 2048 bits'
  }
  const uses = new Map<AlgorithmName, KeyUse>()
  for (const s of specs) uses.set(s.name, keyUse(s, keyObject))
  return { kid: k.kid as string | undefined, kty: k.kty, keyObject, uses, fingerprint }
}

export interface ImportResult {
  readonly keys: KeySet
  /** Keys skipped, with why: for the refresh event, never fatal on their own. */
  readonly skipped: readonly { kid: string | undefined; reason: string }[]
}

/** Import a JWK Set (RFC 7517 §5). Throws a TypeError when it is not one. */
export function importJwks(jwks: unknown, allowed: ReadonlySet<AlgorithmName>, previous?: KeySet | null): ImportResult {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw new TypeError('not a JWK Set: expected an object with a "keys" array')
  }
  const reuse = new Map<string, VerifyKey>()
  if (previous) for (const key of previous.all) reuse.set(key.fingerprint, key)
  const byKid = new Map<string, VerifyKey>()
  const all: VerifyKey[] = []
  const skipped: { kid: string | undefined; reason: string }[] = []
  for (const jwk of (jwks as { keys: unknown[] }).keys) {
    const result = importJwk(jwk, allowed, reuse)
    const kid = typeof (jwk as JwkLike)?.kid === 'string' ? (jwk as JwkLike).kid as string : undefined
    if (typeof result === 'string') {
      skipped.push({ kid, reason: result })
      continue
    }
    if (result.kid !== undefined) {
      // Two keys under one kid would make the choice ambiguous: keep the first.
      if (byKid.has(result.kid)) {
        skipped.push({ kid, reason: 'duplicate kid' })
        continue
      }
      byKid.set(result.kid, result)
    }
    all.push(result)
  }
  return { keys: { byKid, all }, skipped }
}

/**
 * The key a token names (RFC 7515 §4.1.4). Without `kid` only a set of one
 * key answers. Undefined when there is no such key.
 */
export function selectKey(keys: KeySet, kid: string | undefined): VerifyKey | undefined {
  if (kid === undefined) return keys.all.length === 1 ? keys.all[0] : undefined
  return keys.byKid.get(kid)
}
