// The one constant-time comparison of the issuer (secrets, digests).
import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * True when `a` and `b` are equal, in time independent of where they differ.
 * Both sides are hashed first, so inputs of different lengths compare in
 * the same time too and the length of the expected value does not leak.
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const da = createHash('sha256').update(a).digest()
  const db = createHash('sha256').update(b).digest()
  return timingSafeEqual(da, db)
}

/**
 * True when two digests of one algorithm are equal, in constant time. Their
 * length is the algorithm's, not a secret, so no hashing is needed first:
 * the client-secret check on the token endpoint's hot path uses this.
 */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}
