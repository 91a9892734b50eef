// GET /oauth2/account without a session and its sign-in form (DESIGN.md
// "The account page, remembered consent, scope descriptions and branding":
// "a sign-in form with no app named and one button, "Sign in" (same
// password check, counter and lock); success starts a session and shows
// the account page"), under the sign-in page's rules (headers, CSP,
// anti-CSRF token and Origin, 303 after the POST).
import t from 'tap'
import { harness } from '../fixtures/harness.js'
import { ACCOUNT, accountSignIn, CookieJar, get, location, PATHS, post, tokenFor } from './fixtures/account.js'
import { AUTHORIZE, authorizeUrl, hiddenFields, pkce } from './fixtures/browser.js'

const h = await harness({ config: { signup: 'open' } })
t.teardown(() => h.close())
await h.createUser({ username: 'john', password: 'correct horse battery', scopes: ['read'], name: 'John <b>Smith</b>' })

t.test('without a session: a sign-in form with no app named, one "Sign in" button, the pages\' headers', async (t) => {
  const page = await get(h.app, new CookieJar(), ACCOUNT)
  t.equal(page.statusCode, 200)
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(page.headers['cache-control'], 'no-store')
  t.equal(page.headers['x-frame-options'], 'DENY')
  t.equal(page.headers['referrer-policy'], 'same-origin')
  const csp = String(page.headers['content-security-policy'])
  t.match(csp, /default-src 'none'/)
  t.match(csp, /frame-ancestors 'none'/)
  t.match(csp, /img-src 'self';/)
  t.equal((page.body.match(/<button/g) ?? []).length, 1, 'one button')
  t.match(page.body, /<button type="submit">Sign in<\/button>/)
  t.notMatch(page.body, /wants to act for you|It asks for|Allow|Deny/, 'no app, no scopes')
  t.match(page.body, /autocomplete="username"/)
  t.match(page.body, /autocomplete="current-password"/)
  t.match(page.body, /href="\/oauth2\/signup">Create an account</, 'sign-up without a pending request')
  t.ok(tokenFor(page.body, PATHS.signIn), 'the form carries its anti-CSRF token')
})

t.test('success: a session, the device cookie, 303 to the account page, which shows the account', async (t) => {
  const jar = new CookieJar()
  const res = await accountSignIn(h.app, jar, 'john', 'correct horse battery')
  t.equal(res.statusCode, 303)
  t.equal(location(res), '/oauth2/account?done=signed-in')
  t.match(jar.line('tessera_session'), /HttpOnly/)
  t.match(jar.line('tessera_session'), /SameSite=Lax/)
  t.ok(jar.cookies.get('tessera_device'), 'the device cookie (DESIGN.md, "Accounts")')
  const page = await get(h.app, jar, location(res))
  t.equal(page.statusCode, 200)
  t.match(page.body, /<h1>Your account<\/h1>/)
  t.match(page.body, /Signed in as <strong class="name">john<\/strong>/)
  t.match(page.body, /value="John &lt;b&gt;Smith&lt;\/b&gt;"/, 'the display name, escaped')
  t.notMatch(page.body, /<b>Smith/)
})

t.test('the session is the sign-in page\'s: an app\'s authorization asks only "Allow"', async (t) => {
  const jar = new CookieJar()
  await accountSignIn(h.app, jar, 'john', 'correct horse battery')
  const app = await h.createClient({ name: 'Some app', grants: ['authorization_code'], redirectUris: ['https://app.example/cb'] })
  const page = await get(h.app, jar, authorizeUrl({
    response_type: 'code', client_id: app.id, redirect_uri: 'https://app.example/cb', code_challenge: pkce().challenge, code_challenge_method: 'S256',
  }))
  t.match(page.body, /Signed in as <strong class="name">john<\/strong>/)
  t.notMatch(page.body, /name="password"/)
})

t.test('a wrong password: the form again (400), one answer for unknown user and wrong password; nothing started', async (t) => {
  await h.createUser({ username: 'mallory', password: 'correct horse battery' })
  for (const [username, password] of [['mallory', 'wrong password'], ['nobody-here', 'wrong password']]) {
    const jar = new CookieJar()
    const res = await accountSignIn(h.app, jar, username!, password!)
    t.equal(res.statusCode, 400)
    t.match(res.body, /Wrong username or password\./)
    t.match(res.body, new RegExp(`value="${username}"`), 'the username is kept')
    t.notOk(jar.cookies.get('tessera_session'))
  }
  const missing = await post(h.app, new CookieJar(), PATHS.signIn, { csrf: 'x', username: 'mallory' })
  t.equal(missing.statusCode, 403, 'a token of no browser: 403 before anything else')
})

t.test('the same counter and lock as sign-in: failures here and at the authorization page add up; then 429 and when to try again', async (t) => {
  await h.createUser({ username: 'locked', password: 'correct horse battery' })
  const app = await h.createClient({ name: 'Some app', grants: ['authorization_code'], redirectUris: ['https://app.example/cb'] })
  for (let i = 0; i < 5; i++) t.equal((await accountSignIn(h.app, new CookieJar(), 'locked', `guess ${i}`)).statusCode, 400)
  for (let i = 0; i < 5; i++) {
    const jar = new CookieJar()
    const page = await get(h.app, jar, authorizeUrl({
      response_type: 'code', client_id: app.id, redirect_uri: 'https://app.example/cb', code_challenge: pkce().challenge, code_challenge_method: 'S256',
    }))
    t.equal((await post(h.app, jar, AUTHORIZE, { ...hiddenFields(page.body), username: 'locked', password: `other ${i}`, action: 'allow' })).statusCode, 400)
  }
  const res = await accountSignIn(h.app, new CookieJar(), 'locked', 'correct horse battery')
  t.equal(res.statusCode, 429, 'locked, even with the right password')
  t.match(res.body, /Too many failed attempts\. Try again later\./)
  t.match(res.body, /You can try again in \d+ minutes?\./)
  t.ok(Number(res.headers['retry-after']) > 0)
})

t.test('the form rules: a foreign Origin or a missing token is 403 and starts nothing', async (t) => {
  const jar = new CookieJar()
  const foreign = await accountSignIn(h.app, jar, 'john', 'correct horse battery', { origin: 'https://evil.example' })
  t.equal(foreign.statusCode, 403)
  t.equal((await accountSignIn(h.app, jar, 'john', 'correct horse battery', { origin: 'null' })).statusCode, 403, 'Origin null too')
  t.notOk(jar.cookies.get('tessera_session'))
  const noToken = await post(h.app, jar, PATHS.signIn, { username: 'john', password: 'correct horse battery' })
  t.equal(noToken.statusCode, 403)
  const otherBrowser = new CookieJar()
  const token = tokenFor((await get(h.app, otherBrowser, ACCOUNT)).body, PATHS.signIn)
  t.equal((await post(h.app, jar, PATHS.signIn, { csrf: token, username: 'john', password: 'correct horse battery' })).statusCode, 403,
    'a token of another browser')
  t.notOk(jar.cookies.get('tessera_session'))
})

t.test('a token made for one form answers no other', async (t) => {
  const jar = new CookieJar()
  await accountSignIn(h.app, jar, 'john', 'correct horse battery')
  const page = await get(h.app, jar, ACCOUNT)
  const nameToken = tokenFor(page.body, PATHS.name)
  t.ok(nameToken)
  t.equal((await post(h.app, jar, PATHS.signOutEverywhere, { csrf: nameToken })).statusCode, 403)
  t.equal((await get(h.app, jar, ACCOUNT)).statusCode, 200)
  t.match((await get(h.app, jar, ACCOUNT)).body, /Your account/, 'still signed in')
})

t.test('methods: the page is GET only, a form\'s path POST only (a GET of it goes back to the page)', async (t) => {
  const head = await h.app.inject({ method: 'POST', url: ACCOUNT })
  t.equal(head.statusCode, 405)
  t.equal(head.headers.allow, 'GET')
  const put = await h.app.inject({ method: 'PUT', url: PATHS.password })
  t.equal(put.statusCode, 405)
  t.equal(put.headers.allow, 'POST')
  const reload = await h.app.inject({ method: 'GET', url: PATHS.password })
  t.equal(reload.statusCode, 303)
  t.equal(reload.headers.location, ACCOUNT)
})

t.test('within a session, a form whose session ended meanwhile is the sign-in form again, nothing changed', async (t) => {
  const jar = new CookieJar()
  await accountSignIn(h.app, jar, 'john', 'correct horse battery')
  const token = tokenFor((await get(h.app, jar, ACCOUNT)).body, PATHS.name)
  await h.admin.users.signOut('john')
  const res = await post(h.app, jar, PATHS.name, { csrf: token, name: 'Changed' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /Sign in to continue\./)
  t.equal((await h.admin.users.show('john')).name, 'John <b>Smith</b>')
})
