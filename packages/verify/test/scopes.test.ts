// RFC 6749 §3.3 / RFC 9068 §2.2.3: space-delimited scopes, exact matching.
import t from 'tap'
import { grantedScopes, hasScope, hasScopes, InsufficientScopeError } from '../src/index.js'
import { assertScopeNames } from '../src/scopes.js'
import { createVerifier } from '../src/index.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, signToken } from './fixtures/helpers.js'
import type { AccessTokenClaims } from '../src/index.js'

const c = (scope: unknown, extra: Record<string, unknown> = {}) => ({ ...claims({ scope }), ...extra }) as AccessTokenClaims

t.test('RFC 6749 §3.3: whole space-delimited words, case-sensitive', async (t) => {
  t.ok(hasScope(c('read write'), 'read'))
  t.ok(hasScope(c('read write'), 'write'))
  t.notOk(hasScope(c('read write'), 'rea'))
  t.notOk(hasScope(c('readonly write'), 'read'))
  t.notOk(hasScope(c('write:read'), 'read'))
  t.notOk(hasScope(c('READ'), 'read'))
  t.ok(hasScope(c('xread read'), 'read'), 'found after a partial match')
  t.notOk(hasScope(c(undefined), 'read'))
  t.ok(hasScopes(c('a b c'), ['c', 'a']))
  t.notOk(hasScopes(c('a b'), ['a', 'z']))
  t.ok(hasScopes(c(undefined), []))
})

t.test('an scp array is also accepted', async (t) => {
  t.ok(hasScope(c(undefined, { scp: ['read'] }), 'read'))
  t.same(grantedScopes(c('a b', { scp: ['b', 'c'] })), ['a', 'b', 'c'])
})

t.test('scope names are validated before they reach a challenge', async (t) => {
  t.throws(() => assertScopeNames(['ok', 'has space']), TypeError)
  t.throws(() => assertScopeNames(['quo"te']), TypeError)
  t.doesNotThrow(() => assertScopeNames(['orders:read', 'a/b']))
})

t.test('RFC 6750 §3.1: verify with missing scopes is insufficient_scope naming them all', async (t) => {
  const key = makeKey('EdDSA', 'k')
  const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key) })
  const tok = signToken(key, claims({ scope: 'read' }))
  t.ok(await v.verify(tok, { scopes: ['read'] }))
  const err = await v.verify(tok, { scopes: ['read', 'write'] }).catch((e: unknown) => e)
  t.type(err, InsufficientScopeError)
  t.equal((err as InsufficientScopeError).headers['WWW-Authenticate'], 'Bearer realm="api", error="insufficient_scope", scope="read write"')
  await t.rejects(v.verify(tok, { scopes: 'read' as never }), TypeError, 'a string instead of a list is a programming error')
})
