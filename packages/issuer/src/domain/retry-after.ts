// Retry-After values (RFC 9110 §10.2.3): a whole, positive number of
// seconds. Every limit of the issuer (a locked account, a busy argon2
// queue, the registration and account limits) says how long to wait
// through these two functions, so the rounding is the same everywhere.

/** Whole seconds, rounded up, at least 1 (NaN and Infinity: 1). */
export function retryAfterSeconds(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 1 ? Math.ceil(seconds) : 1
}

/** The Retry-After of a wait until `until` (milliseconds since the epoch), seen at `now`. */
export const retryAfterUntil = (until: number, now: number): number => retryAfterSeconds((until - now) / 1000)
