// OAuth errors as data (RFC 6749 §4.1.2.1, §5.2): the one error type of the
// protocol. Every failure is one value with its RFC name, its HTTP status
// and a fixed, client-safe description, and it says whether it may go to a
// client's redirect URI: only the codes of the authorization response may
// (the code is a type parameter, so a token-endpoint-only code such as
// invalid_grant cannot be passed where a redirect is answered). Constant
// failures are built once, at load time, with their JSON body already
// serialised: the error path allocates nothing.

import { retryAfterSeconds } from '../domain/retry-after.js'

/**
 * RFC 6749 §4.1.2.1 authorization-response codes, RFC 8707 §2
 * `invalid_target`, OpenID Connect Core §3.1.2.6 `login_required`,
 * `consent_required`, `request_not_supported` and `request_uri_not_supported`:
 * the codes that may go to the redirect URI.
 */
export const AUTHORIZATION_ERROR_CODES = [
  'invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope', 'invalid_target',
  'server_error', 'temporarily_unavailable', 'login_required', 'consent_required', 'request_not_supported', 'request_uri_not_supported',
] as const
export type AuthorizationErrorCode = (typeof AUTHORIZATION_ERROR_CODES)[number]

/** RFC 6749 §5.2 codes only the token (and revocation) endpoint answers, RFC 7591 §3.2.2 registration codes, RFC 9449 §5 DPoP codes. */
export type TokenOnlyErrorCode =
  | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_redirect_uri' | 'invalid_client_metadata'
  | 'invalid_dpop_proof' | 'use_dpop_nonce'

export type OAuthErrorCode = AuthorizationErrorCode | TokenOnlyErrorCode

export class OAuthError<C extends OAuthErrorCode = OAuthErrorCode> {
  /** The JSON body `{error, error_description}`, serialised once. */
  readonly body: string
  /** True when the error may go back to the client's redirect URI (an authorization-response code). */
  readonly redirectable: boolean

  constructor(
    readonly error: C,
    readonly status: number,
    /** Client-safe text: RFC 6749 §5.2 limits it to %x20-21 / %x23-5B / %x5D-7E. */
    readonly description: string,
    /** Seconds for `Retry-After` (429, 503), or undefined. */
    readonly retryAfter?: number,
    /** True when the answer must carry the Basic challenge (RFC 6749 §5.2 invalid_client). */
    readonly challenge = false,
  ) {
    this.body = JSON.stringify({ error, error_description: description })
    this.redirectable = (AUTHORIZATION_ERROR_CODES as readonly string[]).includes(error)
  }
}

const invalidRequest = (description: string): OAuthError<'invalid_request'> => new OAuthError('invalid_request', 400, description)

/** Every constant failure of the token endpoint, by what went wrong. */
export const Errors = {
  // Transport (method, content type, size), answered before any OAuth step.
  methodNotAllowed: new OAuthError('invalid_request', 405, 'the token endpoint accepts POST only'),
  revokeMethodNotAllowed: new OAuthError('invalid_request', 405, 'the revocation endpoint accepts POST only'),
  contentType: invalidRequest('content type must be application/x-www-form-urlencoded'),
  malformedBody: invalidRequest('malformed application/x-www-form-urlencoded body'),
  bodyTooLarge: new OAuthError('invalid_request', 413, 'request body too large'),
  badRequest: invalidRequest('malformed request'),

  // RFC 6749 §3.2: parameters must not be included more than once.
  repeatedParameter: invalidRequest('a parameter was sent more than once'),
  // RFC 8707 §2: one resource per token request here (one audience per token).
  repeatedResource: new OAuthError('invalid_target', 400, 'only one resource (audience) may be requested'),

  // RFC 6749 §4.4.2 / §4.3.2 grant_type (unsupported_grant_type, naming the supported ones, is oauth/grants/index.ts's).
  missingGrantType: invalidRequest('grant_type is required'),

  // RFC 6749 §2.3.1 client authentication.
  malformedBasic: invalidRequest('malformed HTTP Basic client credentials'),
  credentialsTwice: invalidRequest('client credentials sent by more than one method'),
  clientIdMismatch: invalidRequest('client_id in the body differs from the HTTP Basic client id'),
  invalidClient: new OAuthError('invalid_client', 401, 'client authentication failed'),
  invalidClientBasic: new OAuthError('invalid_client', 401, 'client authentication failed', undefined, true),

  // RFC 6749 §5.2 unauthorized_client.
  unauthorizedClient: new OAuthError('unauthorized_client', 400, 'the client may not use this grant_type'),

  // RFC 6749 §4.3.2 password grant.
  missingUsername: invalidRequest('username is required'),
  missingPassword: invalidRequest('password is required'),
  invalidGrant: new OAuthError('invalid_grant', 400, 'invalid username or password'),

  // RFC 6749 §4.1.3 authorization code, RFC 7636 §4.6: every failure is the same answer.
  missingCode: invalidRequest('code is required'),
  invalidCode: new OAuthError('invalid_grant', 400, 'invalid authorization code'),

  // RFC 6749 §6 refresh token.
  missingRefreshToken: invalidRequest('refresh_token is required'),
  invalidRefreshToken: new OAuthError('invalid_grant', 400, 'invalid refresh token'),
  // The person an OpenID Connect grant speaks of was deleted meanwhile.
  userGone: new OAuthError('invalid_grant', 400, 'the user no longer exists'),

  // RFC 7009 §2.1 revocation request.
  missingToken: invalidRequest('token is required'),

  // RFC 6749 §3.3 scope.
  malformedScope: new OAuthError('invalid_scope', 400, 'malformed scope'),
  scopeNotAllowed: new OAuthError('invalid_scope', 400, 'a requested scope is not allowed'),
  noScope: new OAuthError('invalid_scope', 400, 'no scope can be granted'),
  // OpenID Connect: only the authorization code grant issues ID tokens (DESIGN.md).
  openIdNotAllowed: new OAuthError('invalid_scope', 400, 'openid is only granted through the authorization code flow'),

  // RFC 8707 §2 resource, and its alias `audience`.
  resourceAndAudience: invalidRequest('send resource or audience, not both'),
  invalidTarget: new OAuthError('invalid_target', 400, 'the requested resource is not allowed for this client'),

  // RFC 9449 §5.2: a client registered with dpop_bound_access_tokens (`--dpop`) always sends a proof.
  dpopRequired: invalidRequest('this client must send a DPoP proof (RFC 9449)'),

  // Anything unexpected: never the internals.
  serverError: new OAuthError('server_error', 500, 'internal error'),
} as const

/** RFC 6585 §4 / RFC 9110 §10.2.3: the locked-username answer. */
export function tooManyAttempts(retryAfter: number): OAuthError {
  return new OAuthError('invalid_grant', 429, 'too many failed attempts', retryAfterSeconds(retryAfter))
}

/** RFC 9110 §15.6.4: 503 with Retry-After when admission control refuses work. */
export function busy(retryAfter: number): OAuthError {
  return new OAuthError('temporarily_unavailable', 503, 'too many requests in flight, retry later', retryAfterSeconds(retryAfter))
}

/** RFC 9110 §15.6.4: the database cannot be used right now (DESIGN.md: never a 500). */
export const storeUnavailable = new OAuthError('temporarily_unavailable', 503, 'the service is temporarily unavailable, retry later', 2)

/**
 * Text that may go in `error_description` (RFC 6749 §5.2: %x20-21 /
 * %x23-5B / %x5D-7E): a double quote becomes a single one, a backslash a
 * slash, anything else outside the set (control, non-ASCII) a `?`.
 */
export function safeDescription(text: string): string {
  return text.replace(/"/g, "'").replace(/\\/g, '/').replace(/[^\x20-\x7E]/g, '?')
}

