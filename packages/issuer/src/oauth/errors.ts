// OAuth errors as data (RFC 6749 §5.2): every failure the token endpoint can
// answer is one value with its RFC name, its HTTP status and a fixed,
// client-safe description. Constant failures are built once, at load time,
// with their JSON body already serialised: the error path allocates nothing.

/** RFC 6749 §5.2 codes, RFC 8707 §2 `invalid_target`, and the two generic ones. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'server_error'
  | 'temporarily_unavailable'

export class OAuthError {
  /** The JSON body `{error, error_description}`, serialised once. */
  readonly body: string

  constructor(
    readonly error: OAuthErrorCode,
    readonly status: number,
    /** Client-safe text: RFC 6749 §5.2 limits it to %x20-21 / %x23-5B / %x5D-7E. */
    readonly description: string,
    /** Seconds for `Retry-After` (429, 503), or undefined. */
    readonly retryAfter?: number,
    /** True when the answer must carry the Basic challenge (RFC 6749 §5.2 invalid_client). */
    readonly challenge = false,
  ) {
    this.body = JSON.stringify({ error, error_description: description })
  }
}

const invalidRequest = (description: string) => new OAuthError('invalid_request', 400, description)

/** Every constant failure of the token endpoint, by what went wrong. */
export const Errors = {
  // Transport (method, content type, size), answered before any OAuth step.
  methodNotAllowed: new OAuthError('invalid_request', 405, 'the token endpoint accepts POST only'),
  contentType: invalidRequest('content type must be application/x-www-form-urlencoded'),
  malformedBody: invalidRequest('malformed application/x-www-form-urlencoded body'),
  bodyTooLarge: new OAuthError('invalid_request', 413, 'request body too large'),
  badRequest: invalidRequest('malformed request'),

  // RFC 6749 §3.2: parameters must not be included more than once.
  repeatedParameter: invalidRequest('a parameter was sent more than once'),
  // RFC 8707 §2: one resource per token request here (one audience per token).
  repeatedResource: new OAuthError('invalid_target', 400, 'only one resource (audience) may be requested'),

  // RFC 6749 §4.4.2 / §4.3.2 grant_type.
  missingGrantType: invalidRequest('grant_type is required'),
  unsupportedGrantType: new OAuthError('unsupported_grant_type', 400, 'grant_type is not supported'),

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

/** Retry-After is a whole, positive number of seconds (RFC 9110 §10.2.3). */
export function retryAfterSeconds(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 1 ? Math.ceil(seconds) : 1
}
