// The claims a verified access token carries (RFC 9068 §2.2). Extend them
// for your issuer's private claims with module augmentation:
//
//   declare module '@tessera/verify' {
//     interface AccessTokenClaims { tenant?: string }
//   }
//
// The adapters' `auth` uses this same interface, so the augmentation shows
// there too.

export interface AccessTokenClaims {
  /** Issuer, equal to the `issuer` option. */
  iss: string
  /** Subject: a client id (client_credentials) or a user id (RFC 9068 §5). */
  sub: string
  /** Audience(s); contains one of the `audience` option's values. */
  aud: string | string[]
  /** Expiry, seconds since the epoch. */
  exp: number
  /** Issued at, seconds since the epoch. */
  iat: number
  /** Token id. Always present unless the verifier was created with `typ: false`. */
  jti: string
  /** The client the token was issued to. Always present unless `typ: false`. */
  client_id: string
  /** Granted scopes, space-delimited (RFC 9068 §2.2.3, RFC 6749 §3.3). */
  scope?: string
  /** Not before, seconds since the epoch. */
  nbf?: number
  /** Any other claim the issuer put in. */
  [claim: string]: unknown
}

/** Per-call options of `verify` and `authenticate`. */
export interface VerifyCallOptions {
  /** Scopes the token must all carry (RFC 6750 §3.1 `insufficient_scope` otherwise). */
  scopes?: readonly string[]
}
