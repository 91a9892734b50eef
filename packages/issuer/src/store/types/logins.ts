// The failed-login throttle, per username key (a fixed-size hash of the
// normalised username, never the username itself). An attempt is counted
// before its password is checked, so that attempts in flight count too:
// no burst of parallel guesses, on one process or several, gets more than
// `maxFailures` passwords checked per key and window.

/** The failed-login policy the store applies atomically. */
export interface ThrottlePolicy {
  /** Attempts allowed within the window before the key locks. */
  maxFailures: number
  windowMs: number
  /** How long a lock lasts from the moment it is set. */
  lockMs: number
}

export type AttemptAdmission =
  | { allowed: true }
  | { allowed: false; lockedUntil: number }

export interface LoginThrottleStore {
  /**
   * Counts one attempt for `key` at `now`, atomically. Refused (nothing
   * counted) when the key is locked; when the window's attempts are used
   * up, the key locks and this attempt is refused.
   */
  beginAttempt(key: string, now: number, policy: ThrottlePolicy): Promise<AttemptAdmission>
  /** The attempt's password was wrong: locks the key once its attempts are used up. */
  failAttempt(key: string, now: number, policy: ThrottlePolicy): Promise<void>
  /** The attempt succeeded: the key's count starts again. */
  clear(key: string): Promise<void>
  /** Deletes the records that no longer matter at `now` (window over, no lock in force). */
  prune(now: number, policy: ThrottlePolicy): Promise<number>
}
