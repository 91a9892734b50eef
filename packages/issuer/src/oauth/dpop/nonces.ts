// DPoP nonces (RFC 9449 §8), stateless: a nonce is an HMAC of a time
// window's number under a server secret kept in the store like the other
// server secrets, so every process on the store makes and honours the same
// ones without storing any. A nonce is accepted during its window and the
// next: one handed out at the last moment of its window still stays valid
// for a whole window, WINDOW_MS, after it was handed out.
import { createHmac, timingSafeEqual } from 'node:crypto'

/** A window's length; a nonce stays valid at least this long after it is handed out (DESIGN.md: at least 60 s). */
export const NONCE_WINDOW_MS = 60_000

const cache = new WeakMap<Buffer, { window: number; nonce: string }>()

function nonceFor(key: Buffer, window: number): string {
  const last = cache.get(key)
  if (last !== undefined && last.window === window) return last.nonce
  const nonce = createHmac('sha256', key).update(`tessera dpop nonce ${window}`).digest('base64url')
  // Only the current window's is cached: the one every answer hands out.
  if (last === undefined || window > last.window) cache.set(key, { window, nonce })
  return nonce
}

/** The nonce handed out now (the `DPoP-Nonce` header). */
export function currentNonce(key: Buffer, now: number): string {
  return nonceFor(key, Math.floor(now / NONCE_WINDOW_MS))
}

/** True when `nonce` is this window's or the previous window's, compared in constant time. */
export function nonceAccepted(key: Buffer, nonce: unknown, now: number): boolean {
  if (typeof nonce !== 'string' || nonce.length !== 43) return false
  const window = Math.floor(now / NONCE_WINDOW_MS)
  const given = Buffer.from(nonce)
  let ok = false
  for (const w of [window, window - 1]) ok = timingSafeEqual(given, Buffer.from(nonceFor(key, w))) || ok
  return ok
}
