// Client secrets are stored under a fast, salted, self-describing hash:
//   $sha256$<salt base64url>$<HMAC-SHA-256(salt, secret) base64url>
// A fast hash is sound here because every secret is 256 random bits made by
// the issuer (nothing to guess, nothing to brute-force offline), while
// argon2 on every client_credentials request would cap issuance near 80
// tokens/s. `$argon2id$...` strings (secrets imported from elsewhere) verify
// too, through the same admission control as passwords.
import { createHmac, randomBytes } from 'node:crypto'
import { digestsEqual } from './constant-time.js'
import { verifyArgon2 } from './passwords.js'

const PREFIX = '$sha256$'

export function hashClientSecret(secret: string): string {
  const salt = randomBytes(16).toString('base64url')
  return `${PREFIX}${salt}$${digest(salt, secret)}`
}

function digest(salt: string, secret: string): string {
  return createHmac('sha256', salt).update(secret).digest('base64url')
}

/** True when the hash needs argon2 (slow: run it under admission control). */
export const isSlowSecretHash = (hash: string): boolean => hash.startsWith('$argon2')

/** Verifies a fast `$sha256$` hash synchronously; false for any other format. */
export function verifyFastSecret(hash: string, secret: string): boolean {
  if (!hash.startsWith(PREFIX)) return false
  const parts = hash.slice(PREFIX.length).split('$')
  if (parts.length !== 2) return false
  const [salt, expected] = parts as [string, string]
  // One HMAC, then a constant-time compare of the raw 32-byte digests.
  return digestsEqual(createHmac('sha256', salt).update(secret).digest(), Buffer.from(expected, 'base64url'))
}

/** Verifies any supported hash string. */
export async function verifyClientSecret(hash: string, secret: string): Promise<boolean> {
  if (isSlowSecretHash(hash)) return verifyArgon2(hash, secret)
  return verifyFastSecret(hash, secret)
}

/** Verified against when the client is unknown, so that it costs the same as a wrong secret. */
export const DUMMY_SECRET_HASH = hashClientSecret(randomBytes(32).toString('base64url'))
