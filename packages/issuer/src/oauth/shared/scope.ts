// RFC 6749 §3.3 access token scope: a space-delimited list of scope tokens,
// scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). DESIGN: omitted means every
// scope the subject may have; a scope outside that, or an empty result, is
// invalid_scope; the granted list is what the response and the claim carry.

import { Errors, type OAuthError } from '../errors.js'

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/** The granted scopes, in request order without duplicates (or the ceiling's order when omitted). */
export function grantScopes(requested: string | undefined, ceiling: readonly string[]): string[] | OAuthError<'invalid_scope'> {
  if (requested === undefined) {
    if (ceiling.length === 0) return Errors.noScope
    return ceiling.slice()
  }
  const tokens = requested.split(' ')
  const granted: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    // An empty token means a leading, trailing or doubled space: not the §3.3 grammar.
    if (!SCOPE_TOKEN.test(token)) return Errors.malformedScope
    if (!ceiling.includes(token)) return Errors.scopeNotAllowed
    if (!granted.includes(token)) granted.push(token)
  }
  return granted
}
