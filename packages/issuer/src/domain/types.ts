// The issuer's vocabulary (floor 1, DESIGN.md "Layout of the issuer"): the
// types every layer speaks in. Imports nothing of the issuer.

export type GrantType = 'client_credentials' | 'password' | 'authorization_code' | 'refresh_token'
export const GRANT_TYPES: readonly GrantType[] = ['client_credentials', 'password', 'authorization_code', 'refresh_token']
/** The only grants a public client (no secret) may hold (DESIGN.md, "Apps acting for people"). */
export const PUBLIC_CLIENT_GRANTS: readonly GrantType[] = ['authorization_code', 'refresh_token']

/**
 * DESIGN.md "Refresh tokens and revocation": a user holds at most this many
 * live refresh-token families per client; a grant beyond revokes the family
 * used least recently.
 */
export const MAX_REFRESH_FAMILIES = 50

export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA'
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'PS256', 'ES256', 'EdDSA']

/** Milliseconds since the epoch. Injected so that tests can drive time. */
export type Clock = () => number

/** What a client is, as stored and as the protocol sees it. */
export interface ClientBasics {
  /** Stable id, e.g. `tc_…`; never begins with `-`; disjoint from user ids. */
  id: string
  name: string
  grants: GrantType[]
  /** Scopes the client may be granted. */
  scopes: string[]
  /** Allowed audiences (RFC 8707 resources); the first is the default `aud`. */
  audiences: string[]
  /** Registered redirect URIs (RFC 6749 §3.1.2), compared as exact strings. */
  redirectUris: string[]
  /** `--dpop`: every token request must carry a DPoP proof (RFC 9449 §5.2 dpop_bound_access_tokens). */
  dpopBoundAccessTokens: boolean
  /** Where RP-initiated logout may send the browser back (OpenID Connect RP-Initiated Logout 1.0 §2), compared exactly. */
  postLogoutRedirectUris: string[]
}

/** A registered client as the token endpoint sees it (never its secret). */
export interface Client extends ClientBasics {
  /** Effective token lifetime in seconds: the client's `--ttl` (default 900), capped at maxTtl. */
  ttl: number
  /** No secret: authenticates with `client_id` alone (RFC 6749 §2.1, `token_endpoint_auth_method` none). */
  public: boolean
  /** First-party: no consent page within a sign-in session. Never true for a public client (RFC 8252 §8.6). */
  skipConsent: boolean
  /**
   * Registered itself (RFC 7591), unverified: every authorization asks the
   * person (no skip, no remembered consent), and the pages say so.
   */
  registered: boolean
}

export interface User {
  /** Stable id, e.g. `tu_…`; the `sub` of its tokens; disjoint from client ids. */
  id: string
  /** Normalised username (NFC, lower case). */
  username: string
  scopes: string[]
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). The one grammar of a scope, wherever one is read. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/
/** What a scope may hold, for the messages that refuse one. */
export const SCOPE_TOKEN_RULE = 'a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)'

/** The OpenID Connect identity scopes (Core §3.1.2.1 openid, §5.4 profile and email): every user has them. */
export const IDENTITY_SCOPES: readonly string[] = ['openid', 'profile', 'email']

/** What a user's identity claims are made of (OpenID Connect Core §5.1). */
export interface UserProfile {
  id: string
  username: string
  /** The display name, or null when unset. */
  name: string | null
  /** The e-mail address, or null when the user has none. */
  email: string | null
  emailVerified: boolean
  /** The last change of the user's record, ms. */
  updatedAt: number
}

/** What the token endpoint asks the core to sign as an ID token (OpenID Connect Core §2, §3.1.3.6). */
export interface IdTokenRequest {
  user: UserProfile
  clientId: string
  /** The granted scopes: profile and email add their claims (DESIGN.md). */
  scopes: readonly string[]
  /** Lifetime in seconds: the access token's. */
  ttl: number
  /** The sign-in time, ms. */
  authTime: number
  /** The authorization request's nonce, on the code grant's ID token only. */
  nonce: string | null
  /** The public id of the sign-in session the grant came from. */
  sid: string | null
}

/** What the token endpoint asks the core to sign (RFC 9068 §2.2). */
export interface AccessTokenRequest {
  sub: string
  clientId: string
  audience: string
  scopes: string[]
  /** Lifetime in seconds (already capped). */
  ttl: number
  /** The sign-in time (ms) for tokens that come from a sign-in (RFC 9068 §2.2.1 auth_time), else undefined. */
  authTime?: number
  /** The DPoP proof key's RFC 7638 thumbprint: the token gets `cnf: {jkt}` (RFC 9449 §6.1). */
  jkt?: string
}

export interface IssuedToken {
  accessToken: string
  expiresIn: number
}

/** Outcome of a password check against the failed-login throttle. */
export type LoginOutcome =
  /** `device`: the device cookie's new value (sign-in pages only, DESIGN.md "Accounts"). */
  | { ok: true; user: User; device?: string }
  | { ok: false; reason: 'invalid_grant' }
  | { ok: false; reason: 'locked'; retryAfter: number }

export interface IssuerGauges {
  argon2InFlight: number
  argon2Queued: number
  /** Seconds since the signing key began to sign, or null when none signs. */
  signingKeyAgeSeconds: number | null
  publishedKeys: number
}

export interface Jwks {
  keys: Array<Record<string, unknown>>
}

export interface Health {
  ok: boolean
  /** A short reason when not ok, safe to show. */
  reason?: string
}

/** An authorization request once every check of DESIGN.md's order has passed: what the sign-in page answers. */
export interface AuthorizationRequest {
  clientId: string
  /**
   * Where the answer goes (RFC 6749 §3.1.2): the URI as sent, which matched a
   * registered one (for a loopback URI, on the port sent: RFC 8252 §7.3), or
   * the only registered one when `redirect_uri` was omitted.
   */
  redirectUri: string
  /** `redirect_uri` as sent, or null when omitted: the code is bound to it (RFC 6749 §4.1.3). */
  redirectUriSent: string | null
  /** The scopes asked for (every scope of the client when omitted), each allowed for the client. */
  scopes: string[]
  /**
   * False when `scope` was omitted: then the grant is the client's scopes
   * that the user has (as for the password grant); when true, a scope asked
   * for that the user lacks is invalid_scope (DESIGN.md, "Granted scopes").
   */
  scopeRequested: boolean
  state: string | null
  /** RFC 7636 §4.2 S256 challenge. */
  codeChallenge: string
  /** The token's audience (RFC 8707), one of the client's. */
  audience: string
  /**
   * OpenID Connect Core §3.1.2.1 prompt, as a set: `login`, `consent`, or
   * `none` alone (`select_account` counts as `login`); empty when omitted.
   */
  prompt: readonly Prompt[]
  /** OpenID Connect Core §3.1.2.1 nonce, echoed in the ID token; null when omitted. */
  nonce: string | null
  /** OpenID Connect Core §3.1.2.1 max_age in seconds: an older session signs in again; null when omitted. */
  maxAge: number | null
  /** OpenID Connect Core §3.1.2.1 login_hint: prefills the username field; null when omitted. */
  loginHint: string | null
  /**
   * RFC 9449 §10 `dpop_jkt`: the thumbprint of the key the code is bound to
   * (its redemption needs a proof with that key). Absent when not sent.
   */
  dpopJkt?: string
}

export type Prompt = 'login' | 'consent' | 'none'

/** The person of a live sign-in session. */
export interface SignedInUser {
  userId: string
  username: string
  scopes: string[]
  /** When they entered their password, ms. */
  authTime: number
  /** The session's public id (OpenID Connect `sid`), never its cookie value. */
  sid: string
}

/** What a code grants, once the code, its client, redirect URI and verifier have been checked. */
export interface CodeGrantView {
  userId: string
  scopes: string[]
  audience: string
  authTime: number
  /** The authorization request's nonce (OpenID Connect Core §3.1.2.1), or null. */
  nonce: string | null
  /** The public id of the sign-in session that allowed it, or null. */
  sid: string | null
}

/** The DPoP proof key of a token request (RFC 9449 §4.3), by its RFC 7638 thumbprint, or null without a proof. */
export type ProofKey = string | null

export type CodeCheck =
  | { ok: true; grant: CodeGrantView }
  /** Unknown, expired, another client's, or a wrong redirect URI or verifier: all one answer (invalid_grant). */
  | { ok: false; replayed: boolean }

/** A refresh token family as the token endpoint sees it. */
export interface RefreshGrantView {
  familyId: string
  userId: string
  scopes: string[]
  audience: string
  authTime: number | null
  /** The public id of the sign-in session the family came from, or null (password grant). */
  sid: string | null
  /** The family's absolute end (TESSERA_REFRESH_MAX_TTL after its first grant), ms. */
  expiresAt: number
  /** The DPoP key thumbprint the family is bound to (a public client's, RFC 9449 §5), or null. */
  dpopJkt: string | null
}

export type RefreshCheck =
  | { ok: true; grant: RefreshGrantView }
  | { ok: false; reason: 'invalid' }
  /** A spent token presented outside the reuse grace: the family was revoked now. */
  | { ok: false; reason: 'replayed'; familyId: string }

export type RefreshRotation =
  /** `reused`: a retry within the grace, answered with the same successor. */
  | { ok: true; refreshToken: string; reused: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'replayed'; familyId: string }

/** A self-registration (RFC 7591 §2) whose metadata has been checked: what the issuer stores. */
export interface RegistrationRequest {
  redirectUris: string[]
  /** `client_name` after NFC, or null when none was given (pages then show the client id). */
  name: string | null
  grants: GrantType[]
  scopes: string[]
}

/** A registered client as RFC 7591 §3.2.1 answers it. */
export interface RegisteredClient extends RegistrationRequest {
  id: string
  /** `client_id_issued_at`, ms. */
  issuedAt: number
}

export type RegistrationResult =
  | { ok: true; client: RegisteredClient }
  /** A limit is reached (nothing was written): per address, or never-used registrations; `retryAfter` in seconds. */
  | { ok: false; limit: 'address' | 'unused'; retryAfter: number }
