// The sign-in form (POST /oauth2/authorize): the password checked as in the
// password grant, the session it starts, Allow and Deny, and the refusals
// that change nothing (anti-CSRF token, Origin). DESIGN.md "The sign-in
// page"; RFC 6749 §4.1.2, §10.12; RFC 9700 §4.12; RFC 9207.
import t from 'tap'
import { NO_OBSERVER, type SignInOutcome } from '../../src/domain/observer.js'
import { AUTHORIZE, authorizeUrl, CookieJar, get, hiddenFields, pkce, post, redirectParams } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'
import { postToken } from './fixtures/request.js'

const outcomes: SignInOutcome[] = []
const h = await harness({ deps: { observer: { ...NO_OBSERVER, signIn: (o) => { outcomes.push(o) } } } })
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
const app = await h.createClient({ name: 'Restaurants app', public: true, grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read', 'write'] })
const legacy = await h.createClient({ grants: ['password'], scopes: ['read', 'write'] })
await h.createUser({ username: 'john', password: 'correct horse', scopes: ['read', 'write'] })
const { challenge } = pkce()
const params = { response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 'xyz' }

/** Opens the sign-in page in a fresh browser (or `jar`); returns the jar and the form's hidden fields. */
async function open(jar = new CookieJar(), extra: Record<string, string> = {}) {
  const res = await get(h.app, jar, authorizeUrl({ ...params, ...extra }))
  t.equal(res.statusCode, 200, 'the page is shown')
  return { jar, res, ...hiddenFields(res.body) }
}

const signIn = (page: { jar: CookieJar; request: string; csrf: string }, username: string, password: string, action = 'allow', headers: Record<string, string> = {}) =>
  post(h.app, page.jar, AUTHORIZE, { request: page.request, csrf: page.csrf, username, password, action }, headers)

t.test('the right password starts a session and answers 303 with code, state and iss (RFC 6749 §4.1.2, RFC 9207)', async (t) => {
  outcomes.length = 0
  const page = await open()
  t.ok(page.request && page.csrf, 'the form carries a request reference and an anti-CSRF token')
  const res = await signIn(page, 'John', 'correct horse')
  t.equal(res.statusCode, 303, '303 See Other, never 307 after a POST of credentials (RFC 9700 §4.12)')
  const q = redirectParams(res)
  t.match(q.get('code'), /^[A-Za-z0-9_-]{43}$/, 'a code of 256 bits')
  t.equal(q.get('state'), 'xyz')
  t.equal(q.get('iss'), h.config.issuer)
  t.ok(String(res.headers.location).startsWith(REDIRECT + '?'))
  t.same(outcomes, ['ok'], 'observer.signIn("ok")')
  const session = page.jar.line('tessera_session')!
  t.match(session, /^tessera_session=[A-Za-z0-9_-]{43};/)
  for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/oauth2', 'Max-Age=43200']) t.ok(session.split('; ').includes(attribute), attribute)
  t.notOk(/;\s*Secure/i.test(session), 'not Secure on an http issuer')
  const csrf = page.jar.line('tessera_csrf')!
  for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/oauth2']) t.ok(csrf.split('; ').includes(attribute), `csrf cookie ${attribute}`)
  // Answered: the same page cannot be used again.
  const again = await signIn(page, 'john', 'correct horse')
  t.equal(again.statusCode, 400)
  t.match(again.body, /This sign-in page has expired\. Go back to the app and try again\./)
})

t.test('Deny is a 303 with access_denied, state and iss, and needs no password (RFC 6749 §4.1.2.1)', async (t) => {
  const page = await open()
  const res = await post(h.app, page.jar, AUTHORIZE, { request: page.request, csrf: page.csrf, action: 'deny' })
  t.equal(res.statusCode, 303)
  const q = redirectParams(res)
  t.equal(q.get('error'), 'access_denied')
  t.equal(q.get('state'), 'xyz')
  t.equal(q.get('iss'), h.config.issuer)
  t.equal(page.jar.cookies.get('tessera_session'), undefined, 'no session')
  // Deny writes nothing (no POST without a password or session writes); the page still yields at most one code.
  t.equal((await signIn(page, 'john', 'correct horse')).statusCode, 303, 'the page can still be answered once')
  t.equal((await signIn(page, 'john', 'correct horse')).statusCode, 400, 'and only once')
})

t.test('a wrong password shows the form again, 400, and says nothing about whether the user exists', async (t) => {
  outcomes.length = 0
  const page = await open()
  const wrong = await signIn(page, 'john', 'wrong')
  const unknown = await signIn(page, 'nobody', 'wrong')
  for (const res of [wrong, unknown]) {
    t.equal(res.statusCode, 400)
    t.match(res.body, /Wrong username or password\./)
    t.match(res.body, /<form method="post"/)
  }
  t.match(wrong.body, /value="john"/, 'the username typed is kept')
  t.equal(wrong.body.replace('value="john"', 'value=""'), unknown.body.replace('value="nobody"', 'value=""'), 'the same page, byte for byte, but for the username')
  t.equal(page.jar.cookies.get('tessera_session'), undefined, 'no session')
  t.same(outcomes, ['invalid_credentials', 'invalid_credentials'])
  const right = await signIn(page, 'john', 'correct horse')
  t.equal(right.statusCode, 303, 'the page still answers after a failure')
})

t.test('a missing field or action is refused without checking anything', async (t) => {
  const page = await open()
  const noPassword = await post(h.app, page.jar, AUTHORIZE, { request: page.request, csrf: page.csrf, username: 'john', action: 'allow' })
  t.equal(noPassword.statusCode, 400)
  t.match(noPassword.body, /Enter your username and password/)
  const noAction = await post(h.app, page.jar, AUTHORIZE, { request: page.request, csrf: page.csrf, username: 'john', password: 'x' })
  t.equal(noAction.statusCode, 400)
  const twice = await post(h.app, page.jar, AUTHORIZE, [['request', page.request], ['csrf', page.csrf], ['action', 'allow'], ['action', 'deny']])
  t.equal(twice.statusCode, 400)
  t.equal((await signIn(page, 'john', 'correct horse')).statusCode, 303, 'still usable')
})

t.test('refused forms (anti-CSRF token, Origin) are 403 pages and change nothing', async (t) => {
  outcomes.length = 0
  const page = await open()
  const other = await open(new CookieJar())
  const refusals: Array<[string, () => ReturnType<typeof signIn>]> = [
    ['no token', () => post(h.app, page.jar, AUTHORIZE, { request: page.request, username: 'john', password: 'correct horse', action: 'allow' })],
    ['a wrong token', () => signIn({ ...page, csrf: page.csrf.slice(0, -2) + (page.csrf.endsWith('AA') ? 'BB' : 'AA') }, 'john', 'correct horse')],
    ['the token of another pending request', () => signIn({ ...page, csrf: other.csrf }, 'john', 'correct horse')],
    ['another browser\'s cookie', () => signIn({ ...page, jar: other.jar }, 'john', 'correct horse')],
    ['no cookie at all', () => signIn({ ...page, jar: new CookieJar() }, 'john', 'correct horse')],
    ['a foreign Origin', () => signIn(page, 'john', 'correct horse', 'allow', { origin: 'https://evil.example' })],
    ['Origin null', () => signIn(page, 'john', 'correct horse', 'allow', { origin: 'null' })],
    ['the issuer on another port', () => signIn(page, 'john', 'correct horse', 'allow', { origin: 'http://localhost:8081' })],
    ['a foreign Origin, to deny', () => signIn(page, 'john', 'x', 'deny', { origin: 'https://evil.example' })],
  ]
  for (const [what, send] of refusals) {
    const res = await send()
    t.equal(res.statusCode, 403, what)
    t.equal(res.headers['content-type'], 'text/html; charset=utf-8', `${what}: a page`)
    t.match(res.body, /This form was refused/)
    t.equal(res.headers.location, undefined, `${what}: no redirect`)
  }
  t.same(outcomes, [], 'no password was checked')
  t.equal(page.jar.cookies.get('tessera_session'), undefined, 'no session was started')
  const res = await signIn(page, 'john', 'correct horse', 'allow', { origin: 'http://localhost:8080' })
  t.equal(res.statusCode, 303, 'the pending request is still there; the issuer\'s own Origin is accepted')
})

t.test('failures at the page and at the token endpoint add up to one lock (429, Retry-After)', async (t) => {
  await h.createUser({ username: 'shared', password: 'right-password', scopes: ['read'] })
  outcomes.length = 0
  const page = await open()
  for (let i = 0; i < 5; i++) t.equal((await signIn(page, 'shared', `guess-${i}`)).statusCode, 400)
  for (let i = 0; i < 5; i++) {
    const res = await postToken(h.app, { grant_type: 'password', username: 'shared', password: `guess-${i}`, client_id: legacy.id, client_secret: legacy.secret })
    t.equal(res.statusCode, 400, `token endpoint failure ${i + 6}`)
  }
  const locked = await signIn(page, 'Shared', 'right-password')
  t.equal(locked.statusCode, 429, 'locked at the page, even with the right password')
  t.match(locked.headers['retry-after'], /^[1-9][0-9]*$/)
  t.match(locked.body, /Too many failed attempts\. Try again later\./)
  t.match(locked.body, /You can try again in [1-9][0-9]* minutes?\./, 'and when, in minutes')
  t.match(locked.body, /<form method="post"/, 'the form is shown again')
  t.equal(outcomes.at(-1), 'locked', 'observer.signIn("locked")')
  const token = await postToken(h.app, { grant_type: 'password', username: 'shared', password: 'right-password', client_id: legacy.id, client_secret: legacy.secret })
  t.equal(token.statusCode, 429, 'and at the token endpoint')
  t.equal(page.jar.cookies.get('tessera_session'), undefined)
})

t.test('the lock counts page failures toward the token endpoint too', async (t) => {
  await h.createUser({ username: 'pageonly', password: 'right-password', scopes: ['read'] })
  const page = await open()
  for (let i = 0; i < 10; i++) await signIn(page, 'pageonly', `guess-${i}`)
  const token = await postToken(h.app, { grant_type: 'password', username: 'pageonly', password: 'right-password', client_id: legacy.id, client_secret: legacy.secret })
  t.equal(token.statusCode, 429)
})

t.test('an https issuer names every cookie with the __Host- prefix: Secure, Path=/, no Domain (DESIGN.md)', async (t) => {
  const s = await harness({ config: { issuer: 'https://issuer.example' } })
  t.teardown(() => s.close())
  const c = await s.createClient({ public: true, grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read'] })
  await s.createUser({ username: 'ann', password: 'ann-password', scopes: ['read'] })
  const jar = new CookieJar()
  const page = hiddenFields((await get(s.app, jar, authorizeUrl({ ...params, client_id: c.id }))).body)
  const res = await post(s.app, jar, AUTHORIZE, { ...page, username: 'ann', password: 'ann-password', action: 'allow' }, { origin: 'https://issuer.example' })
  t.equal(res.statusCode, 303)
  t.equal(redirectParams(res).get('iss'), 'https://issuer.example')
  for (const name of ['__Host-tessera_session', '__Host-tessera_csrf']) {
    const line = jar.line(name)
    t.ok(line, `${name} is set`)
    const attributes = line!.split('; ')
    for (const a of ['Secure', 'Path=/', 'HttpOnly', 'SameSite=Lax']) t.ok(attributes.includes(a), `${name}: ${a}`)
    t.notOk(attributes.some((a) => /^domain=/i.test(a)), `${name}: no Domain`)
  }
  t.equal(jar.line('tessera_session'), undefined, 'no unprefixed cookie')
  t.equal(jar.line('tessera_csrf'), undefined, 'no unprefixed cookie')
  // An unprefixed cookie (planted by a sibling subdomain, which cannot set a __Host- one) is never read.
  const planted = new CookieJar()
  planted.cookies.set('tessera_session', jar.cookies.get('__Host-tessera_session')!)
  t.match((await get(s.app, planted, authorizeUrl({ ...params, client_id: c.id }))).body, /type="password"/, 'a session under the unprefixed name is no session')
})

t.test('signing in again replaces the browser\'s previous session', async (t) => {
  const first = await open()
  await signIn(first, 'john', 'correct horse')
  const oldSession = first.jar.cookies.get('tessera_session')!
  const second = await open(first.jar, { prompt: 'login' })
  await signIn(second, 'john', 'correct horse')
  t.not(first.jar.cookies.get('tessera_session'), oldSession)
  t.equal(await h.core.signIn.session(oldSession), null, 'the old session ended')
})
