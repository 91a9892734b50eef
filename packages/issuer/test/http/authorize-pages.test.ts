// Every page of the sign-in side answers with DESIGN.md's headers
// (Content-Type, Cache-Control no-store, X-Frame-Options DENY, a CSP with
// default-src 'none' and frame-ancestors 'none' (RFC 9700 §4.16),
// Referrer-Policy same-origin), needs no script or external resource, and
// escapes everything that came from a client or a request.
import t, { type Test } from 'tap'
import { createHash } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { StoreUnavailableError } from '../../src/domain/errors.js'
import { BusyError } from '../../src/domain/errors.js'
import type { IssuerCore } from '../../src/core/types.js'
import { buildApp } from '../../src/http/app.js'
import { escapeHtml, html } from '../../src/pages/html.js'
import { AUTHORIZE, authorizeUrl, CookieJar, get, hiddenFields, LOGOUT, pkce, post } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'

const h = await harness()
t.teardown(() => h.close())
const HOSTILE = `<script>alert(1)</script>"'&`
const REDIRECT = 'http://127.0.0.1/callback'
const app = await h.createClient({ name: HOSTILE, public: true, grants: ['authorization_code'], redirectUris: [REDIRECT, 'com.example.app:/cb', 'http://[::1]/cb'], scopes: ['read', "a<b>c'&"] })
await h.createUser({ username: 'john', password: 'correct horse', scopes: ['read', "a<b>c'&"] })
const { challenge } = pkce()
const params = { response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: '<b>"st"</b>' }

/** Wraps the real core, replacing some of its methods. */
function coreWith(overrides: Record<string, unknown>): IssuerCore {
  return new Proxy(h.core, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop]
      const value = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

function assertPageHeaders(t: Test, res: LightMyRequestResponse, status: number, formTargets: string[] = []) {
  t.equal(res.statusCode, status, 'status')
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers['x-frame-options'], 'DENY')
  t.equal(res.headers['referrer-policy'], 'same-origin')
  const csp = String(res.headers['content-security-policy'])
  const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]))
  t.same(directives.get('default-src'), ["'none'"], "default-src 'none'")
  t.same(directives.get('frame-ancestors'), ["'none'"], "frame-ancestors 'none' (RFC 9700 §4.16)")
  t.same(directives.get('form-action'), ["'self'", ...formTargets], 'form-action')
  const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)?.[1] ?? ''
  const hash = `'sha256-${createHash('sha256').update(style).digest('base64')}'`
  t.same(directives.get('style-src'), [hash], 'the inline stylesheet is allowed by its hash, nothing else')
  t.notMatch(res.body, /<script|<link|<img|<iframe|\bsrc=|url\(/i, 'no script, no external resource')
  t.match(res.body, /<meta name="viewport" content="width=device-width, initial-scale=1">/)
}

t.test('the sign-in page: headers, fields, client name and scopes, escaped', async (t) => {
  const res = await get(h.app, new CookieJar(), authorizeUrl(params))
  assertPageHeaders(t, res, 200, ['http://127.0.0.1'])
  t.notMatch(res.body, /<script>alert/, 'the hostile name is not markup')
  t.match(res.body, escapeHtml(HOSTILE), 'the client name, escaped')
  t.match(res.body, '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;')
  t.match(res.body, '<li>a&lt;b&gt;c&#39;&amp;</li>', 'the scope, escaped')
  t.notMatch(res.body, /"st"|<b>/, 'the state is not shown')
  // DESIGN.md, "Accounts": the one field takes a username or a verified e-mail address.
  t.match(res.body, /<label for="username">Username or e-mail address<\/label>\s*<input id="username" name="username"[^>]*autocomplete="username"/)
  t.match(res.body, /<label for="password">Password<\/label>\s*<input id="password" name="password" type="password" autocomplete="current-password"/)
  t.match(res.body, /<button type="submit" name="action" value="allow">Allow<\/button>/)
  t.match(res.body, /<button type="submit" name="action" value="deny"[^>]*formnovalidate>Deny<\/button>/)
})

t.test('form-action allows where the 303 goes: the loopback port sent, a private-use scheme, [::1]', async (t) => {
  for (const [uri, target] of [['http://127.0.0.1:51000/callback', 'http://127.0.0.1:51000'], ['com.example.app:/cb', 'com.example.app:'], ['http://[::1]:4000/cb', 'http:']]) {
    const res = await get(h.app, new CookieJar(), authorizeUrl({ ...params, redirect_uri: uri! }))
    assertPageHeaders(t, res, 200, [target!])
  }
})

t.test('the wrong-password page escapes the username typed', async (t) => {
  const jar = new CookieJar()
  const page = hiddenFields((await get(h.app, jar, authorizeUrl(params))).body)
  const res = await post(h.app, jar, AUTHORIZE, { ...page, username: `"><script>alert(2)</script>`, password: 'x', action: 'allow' })
  assertPageHeaders(t, res, 400, ['http://127.0.0.1'])
  t.match(res.body, 'value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"')
  t.notMatch(res.body, /<script>alert\(2\)/)
})

t.test('the consent page within a session, and the locked page', async (t) => {
  const jar = new CookieJar()
  const first = hiddenFields((await get(h.app, jar, authorizeUrl(params))).body)
  await post(h.app, jar, AUTHORIZE, { ...first, username: 'john', password: 'correct horse', action: 'allow' })
  const consent = await get(h.app, jar, authorizeUrl(params))
  assertPageHeaders(t, consent, 200, ['http://127.0.0.1'])
  t.match(consent.body, /Signed in as <strong class="name">john/)
  t.match(consent.body, escapeHtml(HOSTILE))
  t.notMatch(consent.body, /<script>alert/)

  await h.createUser({ username: 'locked-out', password: 'right-password', scopes: ['read'] })
  const lockJar = new CookieJar()
  const lockPage = hiddenFields((await get(h.app, lockJar, authorizeUrl(params))).body)
  let res: LightMyRequestResponse | undefined
  for (let i = 0; i < 11; i++) res = await post(h.app, lockJar, AUTHORIZE, { ...lockPage, username: 'locked-out', password: `g${i}`, action: 'allow' })
  assertPageHeaders(t, res!, 429, ['http://127.0.0.1'])
  t.match(res!.headers['retry-after'], /^[1-9][0-9]*$/)
})

t.test('error pages: a request that cannot be redirected (400), 405, a refused form (403), too large (413)', async (t) => {
  const bad = await get(h.app, new CookieJar(), authorizeUrl({ ...params, client_id: HOSTILE }))
  assertPageHeaders(t, bad, 400)
  t.notMatch(bad.body, /<script>alert/)
  assertPageHeaders(t, await h.app.inject({ method: 'PUT', url: AUTHORIZE }), 405)
  assertPageHeaders(t, await h.app.inject({ method: 'DELETE', url: LOGOUT }), 405)
  assertPageHeaders(t, await post(h.app, new CookieJar(), AUTHORIZE, { request: 'x', csrf: 'y', action: 'allow' }), 403)
  // RP-Initiated Logout (DESIGN.md): a POST that is not the page's own form shows the page, changing nothing.
  assertPageHeaders(t, await post(h.app, new CookieJar(), LOGOUT, { csrf: 'y' }), 200)
  const huge = await h.app.inject({ method: 'POST', url: AUTHORIZE, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=' + 'x'.repeat(20_000) })
  assertPageHeaders(t, huge, 413)
  const json = await h.app.inject({ method: 'POST', url: AUTHORIZE, headers: { 'content-type': 'application/json' }, payload: '{}' })
  assertPageHeaders(t, json, 400)
  const expired = await (async () => {
    const jar = new CookieJar()
    const page = hiddenFields((await get(h.app, jar, authorizeUrl(params))).body)
    // Answered once with a code: the page is spent.
    await post(h.app, jar, AUTHORIZE, { ...page, username: 'john', password: 'correct horse', action: 'allow' })
    return post(h.app, jar, AUTHORIZE, { ...page, username: 'john', password: 'correct horse', action: 'allow' })
  })()
  assertPageHeaders(t, expired, 400)
  t.match(expired.body, /expired/)
})

t.test('the logout page without a session says so, with no sign-out button (signed in: oidc-logout.test.ts)', async (t) => {
  const page = await get(h.app, new CookieJar(), LOGOUT)
  assertPageHeaders(t, page, 200)
  t.match(page.body, /You are not signed in on this browser/)
  t.notMatch(page.body, /<button/)
})

t.test('a database failure is a 503 page with Retry-After, never a 500', async (t) => {
  const failing = async () => { throw new StoreUnavailableError('database gone') }
  for (const overrides of [{ findClient: failing }, { signIn: { ...h.core.signIn, session: failing } }]) {
    const broken = buildApp(coreWith(overrides))
    t.teardown(() => broken.close())
    const jar = new CookieJar()
    jar.cookies.set('tessera_session', 'A'.repeat(43))
    const res = await get(broken, jar, authorizeUrl(params))
    assertPageHeaders(t, res, 503)
    t.equal(res.headers['retry-after'], '2')
    t.notMatch(res.body, /database gone/, 'no internals')
  }
})

t.test('admission control refusing the password check is a 503 page with Retry-After', async (t) => {
  const busy = buildApp(coreWith({ checkUserPassword: async () => { throw new BusyError(2.5) } }))
  t.teardown(() => busy.close())
  const jar = new CookieJar()
  const page = hiddenFields((await get(busy, jar, authorizeUrl(params))).body)
  const res = await post(busy, jar, AUTHORIZE, { ...page, username: 'john', password: 'correct horse', action: 'allow' })
  assertPageHeaders(t, res, 503)
  t.equal(res.headers['retry-after'], '3')
})

t.test('an unexpected failure is a 500 page without internals', async (t) => {
  const broken = buildApp(coreWith({ findClient: async () => { throw new Error('SQLITE_CORRUPT /secret/path') } }))
  t.teardown(() => broken.close())
  const res = await get(broken, new CookieJar(), authorizeUrl(params))
  assertPageHeaders(t, res, 500)
  t.notMatch(res.body, /SQLITE|secret/)
})

t.test('the html tag escapes every interpolation, including inside lists, and keeps its own markup', async (t) => {
  t.equal(html`<p>${HOSTILE}</p>`.value, `<p>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;</p>`)
  t.equal(html`<ul>${['<a>', html`<li>${'&'}</li>`]}</ul>`.value, '<ul>&lt;a&gt;<li>&amp;</li></ul>')
  t.equal(html`${null}${undefined}${false}${0}`.value, '0')
})

t.test('the pages\' parsers and error handler stay in their plugin: the token endpoint answers as before', async (t) => {
  const json = await h.app.inject({ method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'application/json', cookie: 'tessera_session=x' }, payload: '{}' })
  t.equal(json.statusCode, 400)
  t.equal(json.headers['content-type'], 'application/json; charset=utf-8', 'an OAuth JSON error, not a page')
  t.equal(json.json().error, 'invalid_request')
  t.equal(json.headers['x-frame-options'], undefined, 'no page headers')
  const get = await h.app.inject({ method: 'GET', url: '/oauth2/token' })
  t.equal(get.statusCode, 405)
  t.equal(get.headers.allow, 'POST')
  t.equal(get.json().error, 'invalid_request')
  const repeated = await h.app.inject({ method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=a&grant_type=b' })
  t.equal(repeated.json().error_description, 'a parameter was sent more than once', 'its own form parser, repeated keys kept')
})
