// RFC 7638 JWK thumbprints, SHA-256 (RFC 9449 §6.1 `cnf.jkt`, §10
// `dpop_jkt`): the key's required members only, in lexicographic order,
// serialised without whitespace, hashed, base64url without padding.
import { createHash } from 'node:crypto'

/** The required members of each key type (RFC 7638 §3.2, RFC 8037 §2 for OKP). */
const REQUIRED: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
}

/** RFC 9449 §10: a SHA-256 thumbprint is 43 base64url characters. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/

export function isThumbprint(value: string): boolean {
  return THUMBPRINT.test(value)
}

/**
 * The SHA-256 thumbprint of a public JWK, or null when the key type is not
 * EC, OKP or RSA or a required member is missing or not a string.
 */
export function jwkThumbprint(jwk: Record<string, unknown>): string | null {
  const members = typeof jwk.kty === 'string' ? REQUIRED[jwk.kty] : undefined
  if (members === undefined) return null
  const parts: string[] = []
  for (const name of members) {
    const value = jwk[name]
    if (typeof value !== 'string') return null
    // JSON.stringify escapes as RFC 7638 §3.3 requires (the values are base64url or names, so plain ASCII).
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`)
  }
  return createHash('sha256').update(`{${parts.join(',')}}`).digest('base64url')
}
