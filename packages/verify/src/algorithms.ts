// The asymmetric JWS algorithms this library verifies (RFC 7518 §3, RFC 8037
// §3.1, RFC 9864) and the key each one requires. HMAC and `none` are absent
// on purpose (RFC 8725 §3.1, §3.2): no spelling of them can ever be allowed.

export type AlgorithmName =
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA'

/** What the caller may write in `algorithms`: `Ed25519` (RFC 9864) means `EdDSA` here. */
export type AlgorithmOption = AlgorithmName | 'Ed25519'

export interface AlgorithmSpec {
  readonly name: AlgorithmName
  /** Digest for `crypto.verify`; null for EdDSA, which hashes internally. */
  readonly hash: string | null
  readonly kty: 'RSA' | 'EC' | 'OKP'
  /** Required `crv` for EC and OKP keys. */
  readonly crv: string | null
  /** RSASSA-PSS: salt length equals the digest length (RFC 7518 §3.5). */
  readonly pssSaltLength: number | null
  /** Fixed signature length in bytes (ECDSA r||s, RFC 7518 §3.4; Ed25519), or null for RSA. */
  readonly signatureLength: number | null
}

function spec(name: AlgorithmName, hash: string | null, kty: AlgorithmSpec['kty'], crv: string | null, pssSaltLength: number | null, signatureLength: number | null): AlgorithmSpec {
  return Object.freeze({ name, hash, kty, crv, pssSaltLength, signatureLength })
}

const SPECS: ReadonlyMap<string, AlgorithmSpec> = new Map<string, AlgorithmSpec>([
  ['RS256', spec('RS256', 'sha256', 'RSA', null, null, null)],
  ['RS384', spec('RS384', 'sha384', 'RSA', null, null, null)],
  ['RS512', spec('RS512', 'sha512', 'RSA', null, null, null)],
  ['PS256', spec('PS256', 'sha256', 'RSA', null, 32, null)],
  ['PS384', spec('PS384', 'sha384', 'RSA', null, 48, null)],
  ['PS512', spec('PS512', 'sha512', 'RSA', null, 64, null)],
  ['ES256', spec('ES256', 'sha256', 'EC', 'P-256', null, 64)],
  ['ES384', spec('ES384', 'sha384', 'EC', 'P-384', null, 96)],
  ['ES512', spec('ES512', 'sha512', 'EC', 'P-521', null, 132)],
  ['EdDSA', spec('EdDSA', null, 'OKP', 'Ed25519', null, 64)],
])

// RFC 9864 §2: `Ed25519` is the fully-specified name of what `EdDSA` with an
// Ed25519 key means; both spellings map to one entry.
const ALIASES: ReadonlyMap<string, AlgorithmName> = new Map([['Ed25519', 'EdDSA']])

export const DEFAULT_ALGORITHMS: readonly AlgorithmName[] = Object.freeze(['RS256', 'PS256', 'ES256', 'EdDSA'] as AlgorithmName[])

/** The spec for an `alg` value as written in a header or a JWK, or undefined when unsupported. */
export function algorithmSpec(alg: string): AlgorithmSpec | undefined {
  return SPECS.get(ALIASES.get(alg) ?? alg)
}

/** Every accepted spelling, for messages and docs. */
export function supportedAlgorithmNames(): string[] {
  return [...SPECS.keys(), ...ALIASES.keys()]
}

/** Minimum RSA modulus accepted (RFC 7518 §3.3, §3.5). */
export const MIN_RSA_BITS = 2048
