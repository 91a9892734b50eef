// Opaque values handed to clients and browsers: authorization codes,
// refresh tokens, session ids, pending-request references. Each is at least
// 256 random bits, base64url (unchanged by form-encoding and cookies), and
// stored only as its SHA-256 digest: a fast hash is sound for values that
// random (nothing to guess, nothing to brute-force offline), and a copy of
// the database opens nothing.
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { pooledRandom } from './ids.js'

/** Bytes of randomness in every opaque value (256 bits). */
export const OPAQUE_BYTES = 32

/** Refresh tokens begin with this (DESIGN.md). */
export const REFRESH_TOKEN_PREFIX = 'tr_'

/** A new opaque value: `prefix` + 256 random bits, base64url. */
export const newOpaque = (prefix = ''): string => prefix + randomBytes(OPAQUE_BYTES).toString('base64url')

/** How an opaque value is stored and looked up. */
export const hashOpaque = (value: string): string => createHash('sha256').update(value).digest('base64url')

/**
 * The successor of a refresh token, derived rather than stored: the same
 * spent token and salt always give the same successor, so a retry within
 * the reuse grace gets the very token it lost, while the database holds
 * only its hash. `key` is the server's refresh-token key (kept like the
 * signing keys, encrypted at rest under the key encryption key).
 */
export function deriveRefreshToken(key: Buffer, spent: string, salt: string): string {
  return REFRESH_TOKEN_PREFIX + createHmac('sha256', key).update(salt).update('\0').update(spent).digest('base64url')
}

/** 128 random bits for a derivation salt. */
export const newSalt = (): string => pooledRandom(16)

/** The form of every opaque value's random part: 256 bits are 43 base64url characters (RFC 4648 §5, no padding). */
export const OPAQUE_BODY = '[A-Za-z0-9_-]{43}'
const OPAQUE_FORM = new RegExp(`^${OPAQUE_BODY}$`)
const REFRESH_FORM = new RegExp(`^${REFRESH_TOKEN_PREFIX}${OPAQUE_BODY}$`)

/** A value of the form the issuer makes (a code, a session id, a mailed token): checked before any look-up. */
export const looksLikeOpaque = (s: string): boolean => OPAQUE_FORM.test(s)
/** A refresh token as the issuer makes it: the prefix and the opaque body. */
export const looksLikeRefreshToken = (s: string): boolean => REFRESH_FORM.test(s)

/** A public identifier (128 random bits, base64url) shown to clients, e.g. a session's OpenID Connect `sid`: no secret, never stored hashed. */
export const newPublicId = (): string => randomBytes(16).toString('base64url')
