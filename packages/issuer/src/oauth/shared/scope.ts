// Scope rules, in one place (RFC 6749 §3.3, OpenID Connect Core §3.1.2.1
// and §5.4). A scope is a space-delimited list of scope tokens,
// scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). DESIGN: omitted means every
// scope the subject may have; a scope outside that, or an empty result, is
// invalid_scope; the granted list is what the response and the claim carry.
//
// The identity scopes `openid`, `profile` and `email` are listed on a client
// like any scope, but every user has them: they are never intersected with
// the user's scopes. The grants that issue no ID token (client_credentials,
// password) refuse `openid`, and they and the authorization endpoint leave
// identity scopes out of the default (scope omitted): an ID token is issued
// only when `openid` was asked for.

import { IDENTITY_SCOPES, SCOPE_TOKEN } from '../../domain/types.js'
import { Errors, type OAuthError } from '../errors.js'

/** OpenID Connect Core §3.1.2.1: the scope that makes a request an OpenID Connect one. */
export const OPENID = 'openid'

export const isIdentityScope = (scope: string): boolean => IDENTITY_SCOPES.includes(scope)

/** The scopes granted when `scope` is omitted where identity scopes must be asked for: all but those. */
export const withoutIdentityScopes = (scopes: readonly string[]): string[] => scopes.filter((s) => !isIdentityScope(s))

/** The granted list holds `openid`: an ID token goes with the access token. */
export const grantsOpenId = (scopes: readonly string[]): boolean => scopes.includes(OPENID)

export interface ScopeLimits {
  /** Everything that may be granted. */
  ceiling: readonly string[]
  /** What `scope` omitted grants; default the ceiling. */
  defaults?: readonly string[]
  /** Scopes refused even when within the ceiling (invalid_scope): `openid` for grants with no ID token. */
  refused?: readonly string[]
}

/** The granted scopes, in request order without duplicates (or the default's order when omitted). */
export function grantScopes(requested: string | undefined, limits: ScopeLimits): string[] | OAuthError<'invalid_scope'> {
  if (requested === undefined) {
    const defaults = limits.defaults ?? limits.ceiling
    if (defaults.length === 0) return Errors.noScope
    return defaults.slice()
  }
  const tokens = requested.split(' ')
  const granted: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    // An empty token means a leading, trailing or doubled space: not the §3.3 grammar.
    if (!SCOPE_TOKEN.test(token)) return Errors.malformedScope
    if (limits.refused?.includes(token)) return Errors.openIdNotAllowed
    if (!limits.ceiling.includes(token)) return Errors.scopeNotAllowed
    if (!granted.includes(token)) granted.push(token)
  }
  return granted
}

/**
 * The client's scopes that the user also has, in the client's order (RFC
 * 6749 §3.3); identity scopes pass, since every user has them.
 */
export function intersectScopes(clientScopes: readonly string[], userScopes: readonly string[]): string[] {
  const granted: string[] = []
  for (const scope of clientScopes) if (isIdentityScope(scope) || userScopes.includes(scope)) granted.push(scope)
  return granted
}

/** Scopes asked for that the user lacks (identity scopes never count). */
export const scopesUserLacks = (asked: readonly string[], userScopes: readonly string[]): string[] =>
  asked.filter((s) => !isIdentityScope(s) && !userScopes.includes(s))

/** The limits of a grant that issues no ID token (client_credentials, password): no `openid`, identity scopes only when asked. */
export const machineScopeLimits = (ceiling: readonly string[]): ScopeLimits =>
  ({ ceiling, defaults: withoutIdentityScopes(ceiling), refused: [OPENID] })
