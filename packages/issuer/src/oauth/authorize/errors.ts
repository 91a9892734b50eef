// What the authorization endpoint can answer instead of a code, as values
// (like the token endpoint's OAuthError): a Problem is shown as a page and
// never redirected (RFC 6749 §4.1.2.1: the client or its redirect URI is not
// trusted, or the browser's form cannot be accepted); an AuthorizationError
// goes back to the client's redirect URI (RFC 6749 §4.1.2.1, with the OpenID
// Connect Core §3.1.2.6 prompt errors and RFC 8707 §2 invalid_target).
import { BusyError } from '../../domain/errors.js'
import { retryAfterSeconds } from '../../domain/retry-after.js'
import { OAuthError, type AuthorizationErrorCode } from '../errors.js'

export type { AuthorizationErrorCode } from '../errors.js'

/** An OAuth error whose code may go to the redirect URI (the type parameter says so; `redirectable` is true). */
export class AuthorizationError extends OAuthError<AuthorizationErrorCode> {
  constructor(
    error: AuthorizationErrorCode,
    /** Client-safe text (RFC 6749 §4.1.2.1: %x20-21 / %x23-5B / %x5D-7E). */
    description: string,
  ) {
    super(error, 400, description)
  }
}

/**
 * A token-endpoint check reused here (scope, resource): same code, same
 * text. Only an error whose code is an authorization-response code is
 * accepted (a compile-time check, no cast).
 */
export const fromOAuthError = (e: OAuthError<AuthorizationErrorCode>): AuthorizationError =>
  new AuthorizationError(e.error, e.description)

/** DESIGN.md "The sign-in page": `state`, `nonce` and `login_hint` longer than this are invalid_request. */
export const MAX_ECHOED_LENGTH = 2048

const invalidRequest = (description: string) => new AuthorizationError('invalid_request', description)

export const Refusals = {
  repeatedParameter: invalidRequest('a parameter was sent more than once'),
  // DESIGN.md: the values the page carries back are bounded (a sealed request stays small).
  tooLong: invalidRequest(`state, nonce and login_hint may hold at most ${MAX_ECHOED_LENGTH} characters`),
  missingResponseType: invalidRequest('response_type is required'),
  unsupportedResponseType: new AuthorizationError('unsupported_response_type', 'response_type must be code'),
  unauthorizedClient: new AuthorizationError('unauthorized_client', 'the client may not use the authorization code grant'),
  // RFC 7636 §4.4.1 and RFC 9700 §2.1.1: PKCE for every client, S256 only.
  missingChallenge: invalidRequest('code_challenge is required (PKCE, RFC 7636)'),
  malformedChallenge: invalidRequest('code_challenge must be 43 base64url characters (S256)'),
  challengeMethod: invalidRequest('code_challenge_method must be S256'),
  // OpenID Connect Core §3.1.2.1: none with any other value is an error.
  promptNoneWithOthers: invalidRequest('prompt=none may not be combined with other values'),
  // OpenID Connect Core §3.1.2.6, §6: request objects are not supported (Discovery: request_parameter_supported false).
  requestNotSupported: new AuthorizationError('request_not_supported', 'the request parameter is not supported'),
  requestUriNotSupported: new AuthorizationError('request_uri_not_supported', 'the request_uri parameter is not supported'),
  badMaxAge: invalidRequest('max_age must be a whole number of seconds'),
  // RFC 9449 §10: a JWK SHA-256 thumbprint.
  malformedDpopJkt: invalidRequest('dpop_jkt must be 43 base64url characters (a JWK SHA-256 thumbprint)'),
  loginRequired: new AuthorizationError('login_required', 'the user is not signed in'),
  consentRequired: new AuthorizationError('consent_required', 'the user must allow this client'),
  scopeNotGranted: new AuthorizationError('invalid_scope', 'the user does not have a requested scope'),
  noScope: new AuthorizationError('invalid_scope', 'no scope can be granted'),
  accessDenied: new AuthorizationError('access_denied', 'the user denied the request'),
} as const

export class Problem {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly lines: readonly string[],
    /** Seconds for Retry-After (429, 503). */
    readonly retryAfter?: number,
  ) {}
}

const bad = (...lines: string[]) => new Problem(400, 'This request cannot be answered', lines)
const BACK = 'Return to the app and try again.'

export const Problems = {
  malformedQuery: bad('The request is malformed: its parameters are not valid URL encoding.'),
  missingClientId: bad('The request does not name a client: client_id is missing.', 'No redirect to the app was made.'),
  repeatedClient: bad('The request names more than one client_id or redirect_uri.', 'No redirect to the app was made.'),
  unknownClient: bad('The client_id does not name a client of this issuer.', 'No redirect to the app was made.'),
  noRedirectUri: bad('The client has no registered redirect URI.', 'No redirect to the app was made.'),
  redirectUriRequired: bad('The client has several redirect URIs: redirect_uri is required.', 'No redirect to the app was made.'),
  redirectUriMismatch: bad('The redirect_uri is not registered for this client.', 'No redirect to the app was made.'),
  malformedForm: bad('The form is malformed.', BACK),
  // DESIGN.md: a sealed request that does not open, has expired, belongs to another cookie, or was answered.
  expired: bad('This sign-in page has expired. Go back to the app and try again.'),
  clientGone: bad('The app that asked for this sign-in is no longer registered.'),
  forbidden: new Problem(403, 'This form was refused', ['It did not come from this sign-in page in this browser.', BACK]),
  unavailable: new Problem(503, 'Temporarily unavailable', ['The service cannot answer right now. Try again in a moment.'], 2),
  notAllowed: new Problem(405, 'Method not allowed', ['This address accepts GET and POST only.']),
  tooLarge: new Problem(413, 'Request too large', ['The form is larger than this service accepts.']),
  internal: new Problem(500, 'Something went wrong', ['The service could not answer. Try again later.']),
} as const

/** RFC 9110 §15.6.4: admission control refused the password check. */
export const busyProblem = (err: BusyError): Problem =>
  new Problem(503, 'Busy', ['Too many sign-ins are being checked right now. Try again in a moment.'], retryAfterSeconds(err.retryAfter))
