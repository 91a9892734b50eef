// The authorization request's OpenID Connect parameters (DESIGN.md "OpenID
// Connect"; OpenID Connect Core §3.1.2.1, §3.1.2.6, §6): request objects
// refused first in step 2, nonce and login_hint bounds, prompt as a list,
// max_age, the accepted-and-ignored ones; each at most once. Errors go
// back to the redirect URI with state and iss, as every step-2 error.
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { authorizeUrl, CookieJar, get, pkce, redirectParams } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'
import { createProfileUser, signInFor } from './fixtures/oidc.js'

let offset = 0
const h = await harness({ clock: () => Date.now() + offset })
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
const app = await h.createClient({
  name: 'Web app', grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid', 'profile', 'read'], skipConsent: true,
})
await createProfileUser(h, { username: 'john', password: 'correct horse' })
const JOHN = { username: 'john', password: 'correct horse' }
const { challenge } = pkce()
const ok = { response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 's-1', scope: 'openid' }

const authorize = (params: Array<[string, string]> | Record<string, string>, jar = new CookieJar()) => get(h.app, jar, authorizeUrl(params))

function assertRefused(t: Test, res: LightMyRequestResponse, error: string) {
  t.equal(res.statusCode, 303, `${error}: 303`)
  const q = redirectParams(res)
  t.equal(q.get('error'), error)
  t.equal(q.get('state'), 's-1', 'state echoed')
  t.equal(q.get('iss'), h.config.issuer)
  t.equal(q.get('code'), null)
}

/** A browser signed in as john. */
async function signedIn(): Promise<CookieJar> {
  const jar = new CookieJar()
  const { query } = await signInFor(h, jar, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid' }, JOHN)
  t.ok(query.get('code'), 'signed in')
  return jar
}

t.test('request and request_uri: request_not_supported and request_uri_not_supported, checked first in step 2 (Core §3.1.2.6)', async (t) => {
  assertRefused(t, await authorize({ ...ok, request: 'eyJhbGciOiJub25lIn0.e30.' }), 'request_not_supported')
  assertRefused(t, await authorize({ ...ok, request_uri: 'https://app.example/r/1' }), 'request_uri_not_supported')
  const { response_type: _, ...noType } = ok
  assertRefused(t, await authorize({ ...noType, request: 'x' }), 'request_not_supported')
  assertRefused(t, await authorize([...Object.entries(ok), ['response_type', 'code'], ['request_uri', 'x']]), 'request_uri_not_supported')
})

t.test('each OpenID Connect parameter at most once: invalid_request', async (t) => {
  for (const name of ['nonce', 'max_age', 'login_hint', 'prompt', 'display', 'ui_locales', 'claims_locales', 'acr_values']) {
    const res = await authorize([...Object.entries(ok), [name, 'a'], [name, 'b']])
    assertRefused(t, res, 'invalid_request')
    t.match(redirectParams(res).get('error_description'), /more than once/, name)
  }
})

t.test('nonce and login_hint over 2,048 characters: invalid_request; at 2,048 accepted', async (t) => {
  assertRefused(t, await authorize({ ...ok, nonce: 'n'.repeat(2049) }), 'invalid_request')
  assertRefused(t, await authorize({ ...ok, login_hint: 'j'.repeat(2049) }), 'invalid_request')
  const page = await authorize({ ...ok, nonce: 'n'.repeat(2048), login_hint: 'j'.repeat(2048) })
  t.equal(page.statusCode, 200, 'the sign-in page')
})

t.test('max_age must be whole seconds: invalid_request', async (t) => {
  for (const value of ['-1', '1.5', 'soon', '99999999999']) assertRefused(t, await authorize({ ...ok, max_age: value }), 'invalid_request')
})

t.test('display, ui_locales, claims_locales, acr_values are accepted and ignored', async (t) => {
  const res = await authorize({ ...ok, display: 'touch', ui_locales: 'fr-CA fr', claims_locales: 'fr', acr_values: 'urn:mace:incommon:iap:silver' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /name="password"/)
})

t.test('login_hint prefills the username field, escaped', async (t) => {
  const res = await authorize({ ...ok, login_hint: 'john"><script>x</script>' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /id="username"[^>]*value="john&quot;&gt;&lt;script&gt;x&lt;\/script&gt;"/)
  t.notMatch(res.body, /<script>x/)
})

t.test('prompt: unknown values are dropped first, none must stand alone (Core §3.1.2.1)', async (t) => {
  assertRefused(t, await authorize({ ...ok, prompt: 'none foo' }), 'login_required')
  assertRefused(t, await authorize({ ...ok, prompt: 'none login' }), 'invalid_request')
  assertRefused(t, await authorize({ ...ok, prompt: 'consent none' }), 'invalid_request')
  const page = await authorize({ ...ok, prompt: 'foo bar' })
  t.equal(page.statusCode, 200, 'only unknown values: as if omitted')
})

t.test('within a session: prompt=none gets a code; login and select_account show the password form', async (t) => {
  const jar = await signedIn()
  const none = await authorize({ ...ok, prompt: 'none' }, jar)
  t.equal(none.statusCode, 303)
  t.ok(redirectParams(none).get('code'), 'a first-party client within a session: code at once')
  for (const prompt of ['login', 'select_account', 'login consent']) {
    const res = await authorize({ ...ok, prompt }, jar)
    t.equal(res.statusCode, 200, prompt)
    t.match(res.body, /name="password"/, `${prompt}: the password form`)
  }
  const consent = await authorize({ ...ok, prompt: 'consent' }, jar)
  t.equal(consent.statusCode, 200)
  t.match(consent.body, /Allow access/, 'prompt=consent asks even a --skip-consent client')
})

t.test('max_age: a session older than it signs in again; 0 always; prompt=none then login_required', async (t) => {
  const jar = await signedIn()
  const fresh = await authorize({ ...ok, max_age: '60' }, jar)
  t.equal(fresh.statusCode, 303, 'a session younger than max_age answers at once')
  offset += 120_000
  try {
    const stale = await authorize({ ...ok, max_age: '60' }, jar)
    t.equal(stale.statusCode, 200)
    t.match(stale.body, /name="password"/, 'older than max_age: the password form')
    assertRefused(t, await authorize({ ...ok, max_age: '60', prompt: 'none' }, jar), 'login_required')
    assertRefused(t, await authorize({ ...ok, max_age: '0', prompt: 'none' }, jar), 'login_required')
    const zero = await authorize({ ...ok, max_age: '0' }, jar)
    t.match(zero.body, /name="password"/, 'max_age=0: a password every time')
    t.equal((await authorize({ ...ok, max_age: '600' }, jar)).statusCode, 303)
  } finally {
    offset -= 120_000
  }
})

t.test('scope omitted: identity scopes are left out of the default', async (t) => {
  const jar = await signedIn()
  const { scope: _, ...noScope } = ok
  const res = await authorize(noScope, jar)
  t.equal(res.statusCode, 303)
  const code = redirectParams(res).get('code')!
  const held = await h.admin.store.codes.get((await import('../../src/credentials/opaque.js')).hashOpaque(code))
  t.same(held?.scopes, ['read'])
})
