// The public key of a DPoP proof (RFC 9449 §4.2 `jwk` header): checked to
// be public and of the algorithm's type, its RFC 7638 thumbprint computed,
// and imported into a node:crypto KeyObject once per thumbprint (bounded,
// the oldest import dropped first): a client's every proof carries the
// same key, so a request costs one SHA-256 here, not an import.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto'
import { algorithmSpec, MIN_RSA_BITS, type AlgorithmName, type AlgorithmSpec } from './algorithms.js'
import { keyUse, type KeyUse } from './keys.js'

/** Private-key members of RFC 7518 §6.2.2, §6.3.2, §6.4 and RFC 8037 §2: never in a proof's `jwk`. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
}

export interface ProofKey {
  /** RFC 7638 SHA-256 thumbprint, base64url: what `cnf.jkt` names (RFC 9449 §6.1). */
  readonly thumbprint: string
  /** How to verify the proof's signature with its `alg`. */
  readonly use: KeyUse
}

interface Imported {
  readonly keyObject: KeyObject
  readonly uses: Map<AlgorithmName, KeyUse>
}

export const DEFAULT_PROOF_KEYS = 1000

export class ProofKeyCache {
  readonly #max: number
  readonly #byThumbprint = new Map<string, Imported>()

  constructor(max = DEFAULT_PROOF_KEYS) {
    this.#max = max
  }

  get size(): number {
    return this.#byThumbprint.size
  }

  /** The key for `spec`, or why `jwk` cannot be one. */
  get(jwk: unknown, spec: AlgorithmSpec): ProofKey | string {
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'jwk header missing'
    const k = jwk as Record<string, unknown>
    for (const m of PRIVATE_MEMBERS) if (k[m] !== undefined) return 'jwk holds private key material'
    // RFC 9449 §4.3 step 6: a key of the type the algorithm needs.
    if (k['kty'] !== spec.kty || (spec.crv !== null && k['crv'] !== spec.crv)) return 'jwk does not fit alg'
    if (k['alg'] !== undefined && (typeof k['alg'] !== 'string' || algorithmSpec(k['alg'])?.name !== spec.name)) return 'jwk alg differs from the proof alg'
    const names = REQUIRED[spec.kty]!
    let input = '{'
    for (let i = 0; i < names.length; i++) {
      const value = k[names[i]!]
      if (typeof value !== 'string' || value === '') return 'jwk incomplete'
      input += `${i === 0 ? '' : ','}"${names[i]}":${JSON.stringify(value)}`
    }
    input += '}'
    const thumbprint = createHash('sha256').update(input).digest('base64url')
    let imported = this.#byThumbprint.get(thumbprint)
    if (imported === undefined) {
      const made = this.#import(JSON.parse(input) as Record<string, string>)
      if (typeof made === 'string') return made
      imported = made
      if (this.#byThumbprint.size >= this.#max) {
        const oldest = this.#byThumbprint.keys().next()
        if (!oldest.done) this.#byThumbprint.delete(oldest.value)
      }
      this.#byThumbprint.set(thumbprint, imported)
    }
    let use = imported.uses.get(spec.name)
    if (use === undefined) {
      use = keyUse(spec, imported.keyObject)
      imported.uses.set(spec.name, use)
    }
    return { thumbprint, use }
  }

  #import(members: Record<string, string>): Imported | string {
    let keyObject: KeyObject
    try {
      keyObject = createPublicKey({ key: members, format: 'jwk' })
    } catch {
      return 'jwk does not import'
    }
    if (members['kty'] === 'RSA' && (keyObject.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return 'RSA key shorter than 2048 bits'
    return { keyObject, uses: new Map() }
  }
}
