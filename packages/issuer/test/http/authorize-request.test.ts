// GET /oauth2/authorize: every check of DESIGN.md's order (RFC 6749 §4.1.1,
// §4.1.2.1; RFC 7636; RFC 8252 §7.3; RFC 8707; RFC 9207), before any page
// is shown: no redirect until the client and its redirect URI are trusted,
// then every failure is a 303 back with error, error_description, state and iss.
import t, { type Test } from 'tap'
import { buildApp } from '../../src/http/app.js'
import type { Client } from '../../src/domain/types.js'
import type { IssuerCore } from '../../src/core/types.js'
import { authorizeUrl, CookieJar, get, pkce, redirectParams } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'

const h = await harness()
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
const TENANT = 'https://app.example/cb?tenant=a%20b'
const app = await h.createClient({
  public: true, grants: ['authorization_code'], redirectUris: [REDIRECT, TENANT, 'http://localhost/cb', 'http://[::1]/cb'],
  scopes: ['read', 'write'], audiences: ['https://api.example', 'https://b.example'],
})
const single = await h.createClient({ public: true, grants: ['authorization_code'], redirectUris: ['https://one.example/cb'], scopes: ['read'] })
const { challenge } = pkce()
const ok = { response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 's-1' }

async function authorize(params: Array<[string, string]> | Record<string, string>) {
  return get(h.app, new CookieJar(), authorizeUrl(params))
}

/** A 303 to `target` carrying the error, its description, the state and iss (RFC 6749 §4.1.2.1, RFC 9207 §2). */
function assertRefused(t: Test, res: Awaited<ReturnType<typeof authorize>>, error: string, target = REDIRECT, state: string | null = 's-1') {
  t.equal(res.statusCode, 303, `${error}: 303 See Other`)
  const location = String(res.headers.location)
  t.ok(location.startsWith(target + (target.includes('?') ? '&' : '?')), `${error}: to the redirect URI, ${location}`)
  const q = redirectParams(res)
  t.equal(q.get('error'), error)
  t.match(q.get('error_description'), /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/, 'a description in the RFC 6749 §4.1.2.1 character set')
  t.equal(q.get('state'), state, 'state echoed')
  t.equal(q.get('iss'), h.config.issuer, 'iss is the issuer (RFC 9207)')
  t.equal(q.get('code'), null, 'no code')
  t.equal(res.headers['cache-control'], 'no-store')
}

/** A 400 page naming the problem; no Location (RFC 6749 §4.1.2.1: no open redirector). */
function assertPage(t: Test, res: Awaited<ReturnType<typeof authorize>>, text: RegExp) {
  t.equal(res.statusCode, 400)
  t.equal(res.headers.location, undefined, 'no redirect')
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  t.match(res.body, text)
}

t.test('step 1: without a trusted client and redirect URI, a 400 page and never a redirect', async (t) => {
  const { client_id: _, ...noClient } = ok
  assertPage(t, await authorize(noClient), /client_id is missing/)
  assertPage(t, await authorize({ ...ok, client_id: 'tc_doesnotexist' }), /does not name a client/)
  assertPage(t, await authorize([['client_id', app.id], ['client_id', single.id], ['redirect_uri', REDIRECT]]), /more than one client_id or redirect_uri/)
  assertPage(t, await authorize([...Object.entries(ok), ['redirect_uri', TENANT]]), /more than one client_id or redirect_uri/)
  assertPage(t, await authorize({ ...ok, redirect_uri: 'https://evil.example/cb' }), /not registered/)
  const { redirect_uri: __, ...noRedirect } = ok
  assertPage(t, await authorize(noRedirect), /redirect_uri is required/)
  const res = await h.app.inject({ url: '/oauth2/authorize?client_id=%zz' })
  assertPage(t, res, /malformed/)
})

t.test('step 1 comes first: a bad redirect URI is a page even when everything else is wrong too', async (t) => {
  assertPage(t, await authorize({ client_id: app.id, redirect_uri: 'https://evil.example/cb', response_type: 'token' }), /not registered/)
})

t.test('redirect URIs match as exact strings (RFC 9700 §2.1)', async (t) => {
  for (const uri of [REDIRECT + '/', 'HTTP://127.0.0.1/callback', 'http://127.0.0.1/callback?x=1', 'http://127.0.0.1/Callback', 'https://app.example/cb?tenant=a+b']) {
    assertPage(t, await authorize({ ...ok, redirect_uri: uri }), /not registered/)
  }
})

t.test('RFC 8252 §7.3: any port on 127.0.0.1 and [::1], and the answer goes to the port sent', async (t) => {
  for (const uri of ['http://127.0.0.1:51234/callback', 'http://[::1]:8765/cb']) {
    const res = await authorize({ ...ok, redirect_uri: uri, response_type: 'token' })
    assertRefused(t, res, 'unsupported_response_type', uri)
  }
})

t.test('RFC 8252 §7.3 is for the IP literals only: not for localhost, not across paths or hosts', async (t) => {
  for (const uri of ['http://localhost:51234/cb', 'http://127.0.0.1:51234/other', 'http://127.0.0.2:51234/callback', 'https://127.0.0.1:51234/callback', 'http://127.0.0.1:99999/callback']) {
    assertPage(t, await authorize({ ...ok, redirect_uri: uri }), /not registered/)
  }
  // localhost registered: matched exactly, port and all.
  assertRefused(t, await authorize({ ...ok, redirect_uri: 'http://localhost/cb', response_type: 'x' }), 'unsupported_response_type', 'http://localhost/cb')
})

t.test('redirect_uri may be omitted when the client has exactly one', async (t) => {
  const res = await authorize({ response_type: 'x', client_id: single.id, state: 's-1' })
  assertRefused(t, res, 'unsupported_response_type', 'https://one.example/cb')
})

t.test('a query the registered URI has is kept (RFC 6749 §3.1.2)', async (t) => {
  const res = await authorize({ ...ok, redirect_uri: TENANT, response_type: 'x' })
  t.ok(String(res.headers.location).startsWith(TENANT + '&'), String(res.headers.location))
  t.equal(redirectParams(res).get('tenant'), 'a b')
  assertRefused(t, res, 'unsupported_response_type', TENANT)
})

t.test('step 2: each later failure is redirected with its error (DESIGN.md order)', async (t) => {
  const cases: Array<[string, Array<[string, string]> | Record<string, string>, string]> = [
    ['a parameter twice', [...Object.entries(ok), ['scope', 'read'], ['scope', 'write']], 'invalid_request'],
    ['state twice (then not echoed)', [...Object.entries(ok).filter(([k]) => k !== 'state'), ['state', 'a'], ['state', 'b']], 'invalid_request'],
    ['resource twice', [...Object.entries(ok), ['resource', 'https://api.example'], ['resource', 'https://b.example']], 'invalid_request'],
    ['response_type missing', { ...ok, response_type: '' }, 'invalid_request'],
    ['response_type token', { ...ok, response_type: 'token' }, 'unsupported_response_type'],
    ['code_challenge missing', { ...ok, code_challenge: '' }, 'invalid_request'],
    ['code_challenge too short', { ...ok, code_challenge: challenge.slice(1) }, 'invalid_request'],
    ['code_challenge too long', { ...ok, code_challenge: challenge + 'A' }, 'invalid_request'],
    ['code_challenge not base64url', { ...ok, code_challenge: challenge.slice(1) + '+' }, 'invalid_request'],
    ['code_challenge_method absent', { ...ok, code_challenge_method: '' }, 'invalid_request'],
    ['code_challenge_method plain', { ...ok, code_challenge_method: 'plain' }, 'invalid_request'],
    ['code_challenge_method s256', { ...ok, code_challenge_method: 's256' }, 'invalid_request'],
    ['a scope the client may not have', { ...ok, scope: 'read admin' }, 'invalid_scope'],
    ['a malformed scope', { ...ok, scope: 'read  write' }, 'invalid_scope'],
    ['a resource not the client\'s', { ...ok, resource: 'https://evil.example' }, 'invalid_target'],
    ['an audience not the client\'s', { ...ok, audience: 'https://api.example/' }, 'invalid_target'],
    ['resource and audience both', { ...ok, resource: 'https://api.example', audience: 'https://api.example' }, 'invalid_request'],
    // OpenID Connect Core §3.1.2.1: prompt is a list; none stands alone (unknown values are dropped: oidc-authorize.test.ts).
    ['prompt none with another value', { ...ok, prompt: 'none login' }, 'invalid_request'],
    ['prompt none with consent', { ...ok, prompt: 'consent none' }, 'invalid_request'],
    ['prompt=none without a session', { ...ok, prompt: 'none' }, 'login_required'],
  ]
  for (const [what, params, error] of cases) {
    t.test(what, async (t) => {
      const state = what.startsWith('state twice') ? null : 's-1'
      assertRefused(t, await authorize(params), error, REDIRECT, state)
    })
  }
})

t.test('step 2 order: response_type → grant → PKCE → scope → resource → prompt', async (t) => {
  const everything = { ...ok, response_type: 'token', code_challenge: '', scope: 'admin', resource: 'https://evil.example', prompt: 'none login' }
  assertRefused(t, await authorize([...Object.entries(everything), ['state', 'x']]), 'invalid_request', REDIRECT, null)
  assertRefused(t, await authorize(everything), 'unsupported_response_type')
  assertRefused(t, await authorize({ ...everything, response_type: 'code' }), 'invalid_request')
  assertRefused(t, await authorize({ ...everything, response_type: 'code', code_challenge: challenge }), 'invalid_scope')
  assertRefused(t, await authorize({ ...everything, response_type: 'code', code_challenge: challenge, scope: 'read' }), 'invalid_target')
  assertRefused(t, await authorize({ ...everything, response_type: 'code', code_challenge: challenge, scope: 'read', resource: 'https://b.example' }), 'invalid_request')
})

t.test('a client without the authorization_code grant is unauthorized_client, after response_type (RFC 6749 §4.1.2.1)', async (t) => {
  // The CLI never pairs redirect URIs with other grants; a core whose client lost the grant stands in.
  const real = await h.core.findClient(app.id)
  const withoutGrant: Client = { ...real!, grants: ['refresh_token'] }
  const core = new Proxy(h.core, {
    get(target, prop) {
      if (prop === 'findClient') return async () => withoutGrant
      const value = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) as IssuerCore
  const other = buildApp(core)
  t.teardown(() => other.close())
  assertRefused(t, await get(other, new CookieJar(), authorizeUrl({ ...ok, code_challenge: '' })), 'unauthorized_client')
  assertRefused(t, await get(other, new CookieJar(), authorizeUrl({ ...ok, response_type: 'token' })), 'unsupported_response_type')
})

t.test('a request that passes every check shows the sign-in page (200) and redirects nowhere', async (t) => {
  for (const params of [ok, { ...ok, scope: 'write', resource: 'https://b.example' }, { ...ok, audience: 'https://b.example', prompt: 'login' }, { ...ok, prompt: 'consent', state: '' }]) {
    const res = await authorize(params)
    t.equal(res.statusCode, 200)
    t.equal(res.headers.location, undefined)
    t.match(res.body, /<form method="post" action="\/oauth2\/authorize">/)
  }
})

t.test('every answer of the endpoint is no-store, and other methods are 405 with Allow (RFC 9110 §15.5.6)', async (t) => {
  for (const method of ['PUT', 'DELETE', 'PATCH', 'HEAD'] as const) {
    const res = await h.app.inject({ method, url: authorizeUrl(ok) })
    t.equal(res.statusCode, 405, method)
    t.equal(res.headers.allow, 'GET, POST')
    t.equal(res.headers['cache-control'], 'no-store')
  }
})
