// One OAuth error type (DESIGN.md "Layout": the OAuth error catalogue, one
// type, with whether it may go to the redirect URI): only the codes of the
// authorization response (RFC 6749 §4.1.2.1, RFC 8707 §2, OpenID Connect
// Core §3.1.2.6) may be redirected, and a token-endpoint-only code cannot
// even be passed where a redirect is answered (checked by the compiler).
import t from 'tap'
import { Errors } from '../../src/oauth/errors.js'
import { fromOAuthError, Refusals } from '../../src/oauth/authorize/errors.js'
import { unsupportedGrantType } from '../../src/oauth/grants/index.js'

t.test('each OAuth error says whether it may go to the redirect URI', async (t) => {
  for (const e of [Errors.invalidGrant, Errors.invalidClient, unsupportedGrantType, Errors.invalidCode]) t.equal(e.redirectable, false, e.error)
  for (const e of [Errors.scopeNotAllowed, Errors.invalidTarget, Errors.resourceAndAudience, Refusals.accessDenied, Refusals.loginRequired, Refusals.tooLong]) {
    t.equal(e.redirectable, true, e.error)
  }
  const scope = fromOAuthError(Errors.scopeNotAllowed)
  t.match(scope, { error: 'invalid_scope', description: Errors.scopeNotAllowed.description, redirectable: true }, 'same code, same text')
  t.equal(fromOAuthError(Errors.invalidTarget).error, 'invalid_target')
})

// Never called: the compiler refuses a token-only code where a redirect is answered.
export function neverCalled(): unknown {
  // @ts-expect-error invalid_grant never goes to a redirect URI (RFC 6749 §5.2 only)
  return fromOAuthError(Errors.invalidGrant)
}
