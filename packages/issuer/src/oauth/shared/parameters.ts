// RFC 6749 §3.2: "Request and response parameters MUST NOT be included more
// than once." Which parameters the endpoint recognises, and the check that
// none of them was sent twice. Unrecognised parameters are ignored.

import { Errors, type OAuthError } from '../errors.js'
import type { FormValue } from '../form.js'
import { grantParameters } from '../grants/index.js'

/** RFC 8707 §2 `resource` and its alias `audience`: repeated is invalid_target. */
const TARGET_PARAMETERS = ['resource', 'audience'] as const

/** Everything else the endpoint reads: repeated is invalid_request. */
const SINGLE_PARAMETERS: readonly string[] = [
  'grant_type', // RFC 6749 §4.3.2, §4.4.2
  'client_id', // RFC 6749 §2.3.1
  'client_secret', // RFC 6749 §2.3.1
  'scope', // RFC 6749 §3.3
  ...grantParameters,
]

/** The check itself: a recognised parameter sent twice. */
export function checkRepeatedParameters(params: Record<string, FormValue>): OAuthError | undefined {
  for (let i = 0; i < SINGLE_PARAMETERS.length; i++) {
    if (Array.isArray(params[SINGLE_PARAMETERS[i]!])) return Errors.repeatedParameter
  }
  for (let i = 0; i < TARGET_PARAMETERS.length; i++) {
    if (Array.isArray(params[TARGET_PARAMETERS[i]!])) return Errors.repeatedResource
  }
  return undefined
}

/** A parameter known to be single-valued (after the check), or undefined when omitted. */
export function single(params: Record<string, FormValue>, name: string): string | undefined {
  const value = params[name]
  return typeof value === 'string' ? value : undefined
}
