// The sign-in page's pending request travels sealed in its form (DESIGN.md
// "The sign-in page"): a GET that shows a page writes nothing to the
// database; a POST whose sealed request does not open, has expired or
// belongs to another cookie is a 400 page ("This sign-in page has expired.
// Go back to the app and try again."), checks no password, changes nothing
// and never redirects, after the Origin and anti-CSRF checks (403). The
// anti-CSRF cookie is bound to a server key: a page view keeps one that
// verifies (two open pages of one browser both work) and replaces one that
// does not; a planted value yields no valid token. `state`, `nonce` and
// `login_hint` are bounded (2,048 characters).
import t from 'tap'
import Database from 'better-sqlite3'
import { createHmac } from 'node:crypto'
import { NO_OBSERVER, type SignInOutcome } from '../../src/domain/observer.js'
import { authorizePurpose } from '../../src/oauth/shared/csrf.js'
import { AUTHORIZE, authorizeUrl, CookieJar, get, hiddenFields, pkce, post, redirectParams } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'

let now = Date.now()
const outcomes: SignInOutcome[] = []
const h = await harness({ clock: () => now, deps: { observer: { ...NO_OBSERVER, signIn: (o) => { outcomes.push(o) } } } })
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
const app = await h.createClient({ name: 'Restaurants app', public: true, grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read'] })
await h.createUser({ username: 'john', password: 'correct horse', scopes: ['read'] })
const params = { response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 'xyz' }
const EXPIRED = /This sign-in page has expired\. Go back to the app and try again\./

async function open(jar = new CookieJar(), extra: Record<string, string> = {}) {
  const res = await get(h.app, jar, authorizeUrl({ ...params, ...extra }))
  t.equal(res.statusCode, 200, 'the page is shown')
  return { jar, res, ...hiddenFields(res.body) }
}
const allow = (page: { jar: CookieJar; request: string; csrf: string }) =>
  post(h.app, page.jar, AUTHORIZE, { request: page.request, csrf: page.csrf, username: 'john', password: 'correct horse', action: 'allow' })

t.test('a GET that shows a page writes nothing to the database; an answered page is kept only until its seal expires', async (t) => {
  const db = new Database(h.config.dbPath, { readonly: true })
  t.teardown(() => db.close())
  // SQLite's data_version changes when another connection commits anything.
  const version = () => db.pragma('data_version', { simple: true })
  const answered = () => (db.prepare('SELECT count(*) AS n FROM answered_requests').get() as { n: number }).n
  const before = version()
  const jar = new CookieJar()
  for (let i = 0; i < 100; i++) t.equal((await h.app.inject({ url: authorizeUrl(params) })).statusCode, 200)
  for (let i = 0; i < 20; i++) await open(jar)
  t.equal(version(), before, 'no write: a stranger\'s page view cannot spoil another browser\'s page nor grow the database')
  t.equal((await allow(await open(jar))).statusCode, 303)
  t.equal(answered(), 1, 'the answered page is recorded (a hash and an expiry)')
  now += 10 * 60_000 + 1
  await h.core.prune()
  t.equal(answered(), 0, 'and deleted once its seal has expired')
})

t.test('a sealed request that does not open, has expired or belongs to another cookie is the 400 page: no password checked, no redirect', async (t) => {
  const page = await open()
  const other = await open(new CookieJar())
  const cookie = page.jar.cookies.get('tessera_csrf')!
  // Tokens made by the server itself, so that the anti-CSRF check passes and the sealed request is what is refused.
  const tokenFor = (reference: string) => h.core.csrf.token(cookie, authorizePurpose(reference))
  const tampered = page.request.slice(0, 20) + (page.request[20] === 'A' ? 'B' : 'A') + page.request.slice(21)
  const cases: Array<[string, string]> = [
    ['garbage', 'not-a-sealed-request'],
    ['altered', tampered],
    ['sealed for another browser\'s cookie', other.request],
  ]
  outcomes.length = 0
  for (const [what, reference] of cases) {
    const res = await post(h.app, page.jar, AUTHORIZE, { request: reference, csrf: tokenFor(reference), username: 'john', password: 'correct horse', action: 'allow' })
    t.equal(res.statusCode, 400, what)
    t.match(res.body, EXPIRED, `${what}: the expired page`)
    t.equal(res.headers.location, undefined, `${what}: no redirect`)
  }
  const late = await open(page.jar)
  now += 10 * 60_000
  const res = await allow(late)
  t.equal(res.statusCode, 400, 'expired 10 minutes after the GET')
  t.match(res.body, EXPIRED)
  t.same(outcomes, [], 'no password was checked')
  t.equal(page.jar.cookies.get('tessera_session'), undefined, 'no session was started')
})

t.test('the anti-CSRF check comes first: a tampered sealed request with the page\'s token is 403', async (t) => {
  const page = await open()
  const res = await post(h.app, page.jar, AUTHORIZE, { request: page.request + 'A', csrf: page.csrf, action: 'deny' })
  t.equal(res.statusCode, 403)
})

t.test('a cookie that verifies is never replaced by a page view: two pages of one browser both work', async (t) => {
  const jar = new CookieJar()
  const first = await open(jar)
  const cookie = jar.cookies.get('tessera_csrf')
  t.match(cookie, /^[A-Za-z0-9_-]{43}\.\d+\.[A-Za-z0-9_-]{43}$/, 'random, issue time, and a MAC under the server key')
  const second = await open(jar)
  t.equal(second.res.headers['set-cookie'], undefined, 'the second page view sets no cookie')
  t.equal((await allow(first)).statusCode, 303, 'the first page still works')
  t.equal((await allow(second)).statusCode, 303, 'and the second')
})

t.test('a cookie that does not verify (planted, malformed, expired) is replaced, and a token computed from it is refused', async (t) => {
  const random = 'A'.repeat(43)
  const cases: Array<[string, string]> = [
    ['a value planted in the old form (random only)', random],
    ['our shape, a MAC not made under our key', `${random}.${Math.floor(now / 1000)}.${'B'.repeat(43)}`],
    ['malformed', 'x'],
  ]
  for (const [what, planted] of cases) {
    const jar = new CookieJar()
    jar.cookies.set('tessera_csrf', planted)
    const page = await open(jar)
    t.not(jar.cookies.get('tessera_csrf'), planted, `${what}: replaced`)
    // What an attacker who planted the value could compute: HMAC keyed by the value (the former scheme).
    const forged = createHmac('sha256', planted).update(authorizePurpose(page.request)).digest('base64url')
    const res = await post(h.app, new CookieJar(), AUTHORIZE, { request: page.request, csrf: forged, action: 'deny' }, { cookie: `tessera_csrf=${planted}` })
    t.equal(res.statusCode, 403, `${what}: a token from the planted value is refused`)
  }
  const jar = new CookieJar()
  await open(jar)
  const old = jar.cookies.get('tessera_csrf')
  now += 24 * 3600_000
  await open(jar)
  t.not(jar.cookies.get('tessera_csrf'), old, 'a cookie older than a day is replaced at the next page view')
})

t.test('state, nonce and login_hint over 2,048 characters are invalid_request, redirected with the state echoed', async (t) => {
  const long = 'x'.repeat(2049)
  for (const name of ['state', 'nonce', 'login_hint']) {
    const state = name === 'state' ? long : 'abc'
    const res = await get(h.app, new CookieJar(), authorizeUrl({ ...params, state, [name]: long }))
    t.equal(res.statusCode, 303, name)
    const q = redirectParams(res)
    t.equal(q.get('error'), 'invalid_request', name)
    t.equal(q.get('state'), state, `${name}: the state sent is echoed`)
  }
  const page = await open(new CookieJar(), { state: 'y'.repeat(2048) })
  const res = await allow(page)
  t.equal(res.statusCode, 303, '2,048 characters are accepted')
  t.equal(redirectParams(res).get('state'), 'y'.repeat(2048))
})
