// What the JWKS cache reports, for logging. Events never carry a token.

export interface JwksRefreshEvent {
  readonly type: 'jwks_refresh'
  readonly uri: string
  /** Why the fetch happened. */
  readonly reason: 'initial' | 'expired' | 'ahead' | 'unknown_kid' | 'warmup'
  /** true when the server answered 304 Not Modified to our If-None-Match. */
  readonly notModified: boolean
  /** Number of usable keys now held. */
  readonly keys: number
  /** Keys in the set that were skipped, with why. */
  readonly skipped: readonly { kid: string | undefined; reason: string }[]
  /** Seconds the set is used before the next refresh. */
  readonly maxAge: number
}

export interface JwksErrorEvent {
  readonly type: 'jwks_error'
  readonly uri: string
  readonly reason: JwksRefreshEvent['reason']
  readonly error: Error
  /** Whether keys from an earlier fetch are still being served. */
  readonly servingStale: boolean
}

export type VerifierEvent = JwksRefreshEvent | JwksErrorEvent
