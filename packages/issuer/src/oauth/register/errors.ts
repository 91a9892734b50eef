// The registration endpoint's errors (RFC 7591 §3.2.2: 400 with
// `invalid_redirect_uri` or `invalid_client_metadata`), and its 429 when a
// limit is reached (RFC 6585 §4, with Retry-After).
import { retryAfterSeconds } from '../../domain/retry-after.js'
import { OAuthError, safeDescription } from '../errors.js'

export const invalidRedirectUri = (description: string) => new OAuthError('invalid_redirect_uri', 400, safeDescription(description))
export const invalidMetadata = (description: string) => new OAuthError('invalid_client_metadata', 400, safeDescription(description))

export const RegistrationErrors = {
  notJson: invalidMetadata('the request must be a JSON object (Content-Type: application/json)'),
  missingRedirectUris: invalidRedirectUri('redirect_uris is required: a non-empty array of URIs'),
  methodNotAllowed: new OAuthError('invalid_request', 405, 'the registration endpoint accepts POST only'),
  bodyTooLarge: new OAuthError('invalid_client_metadata', 413, 'request body too large'),
} as const

const LIMIT_DESCRIPTIONS = {
  address: 'too many registrations from this address, retry later',
  unused: 'too many registered clients that were never used, retry later',
} as const

/** RFC 6585 §4: a limit is reached; nothing was registered. */
export function registrationLimited(limit: 'address' | 'unused', retryAfter: number): OAuthError {
  return new OAuthError('temporarily_unavailable', 429, LIMIT_DESCRIPTIONS[limit], retryAfterSeconds(retryAfter))
}
