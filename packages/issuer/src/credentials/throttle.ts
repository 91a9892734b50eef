// The failed-login throttle (per normalised username, existing or not):
// at most 10 failures within 15 minutes, then the username is refused for
// 15 minutes, even with the right password. The state lives in the store,
// so it survives restarts and is shared by every process on the database.
import type { ThrottlePolicy } from '../store/types.js'

export const LOGIN_THROTTLE: ThrottlePolicy = {
  maxFailures: 10,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
}

/** Whole seconds until `lockedUntil`, at least 1 (a Retry-After value). */
export const retryAfterSeconds = (lockedUntil: number, now: number): number =>
  Math.max(1, Math.ceil((lockedUntil - now) / 1000))
