// What the issuer reports as it runs, for metrics (DESIGN.md, "Operations").
// The core and the HTTP layer call these hooks; the default does nothing,
// and the metrics module supplies one that counts (prom-client). Hooks are
// plain synchronous calls with small values: nothing here may throw or
// hold a secret.

/** How a sign-in attempt on the sign-in page ended. */
export type SignInOutcome = 'ok' | 'invalid_credentials' | 'locked' | 'busy'

export interface IssuerObserver {
  /** One token request: the grant (a known grant type, or "(invalid)"), the OAuth outcome ("ok" or the error code), seconds. */
  tokenRequest(grantType: string, outcome: string, seconds: number): void
  /** One password check on the sign-in page. */
  signIn(outcome: SignInOutcome): void
  /** A spent refresh token or code was presented again and what it granted was revoked. */
  replayDetected(kind: 'refresh_token' | 'authorization_code'): void
  /** A database operation failed (the request was answered 503). */
  databaseError(): void
  /** An argon2 computation was refused by admission control (503). */
  argon2Refused(): void
  /** A message (verification, reset) was handed to the mail server, or could not be. */
  mailSent(kind: string, outcome: 'ok' | 'failed'): void
}

export const NO_OBSERVER: IssuerObserver = {
  tokenRequest() {},
  signIn() {},
  replayDetected() {},
  databaseError() {},
  argon2Refused() {},
  mailSent() {},
}
