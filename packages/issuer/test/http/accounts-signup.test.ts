// Sign-up (DESIGN.md, "Accounts: sign-up, e-mail and password reset"):
// the link from the sign-in page carrying the pending request, the form,
// every refusal rule (the form again, 400, one message per rule, nothing
// created), success continuing the authorization as a sign-in does, the
// form rules (Origin, anti-CSRF: 403), and 404 with TESSERA_SIGNUP=off.
import t from 'tap'
import { verifyArgon2 } from '../../src/credentials/passwords.js'
import { accountsHarness, authorizeUrl, CookieJar, field, get, openSignUp, post, REDIRECT, SIGNUP, signUp } from './fixtures/accounts.js'
import { redirectParams } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'
import { postToken } from './fixtures/request.js'

const h = await accountsHarness(t)
let n = 0
const fresh = () => `person${++n}`

t.test('the sign-in page links "Create an account" carrying its pending request, and "Forgot your password?" (DESIGN.md)', async (t) => {
  const jar = new CookieJar()
  const page = await get(h.app, jar, authorizeUrl(h.params))
  const request = field(page.body, 'request')
  t.match(page.body, new RegExp(`href="/oauth2/signup\\?request=${request}">Create an account</a>`))
  t.match(page.body, /href="\/oauth2\/forgot">Forgot your password\?<\/a>/)
  t.match(page.body, /<label for="username">Username or e-mail address<\/label>/)
})

t.test('the sign-up page: labelled fields with their autocomplete tokens, one button, the sign-in page\'s headers', async (t) => {
  const { page, request, csrf } = await openSignUp(h)
  t.equal(page.statusCode, 200)
  t.ok(request && csrf, 'the form carries the pending request and an anti-CSRF token')
  t.match(page.body, /<label for="username">Username<\/label>\s*<input id="username" name="username" type="text" autocomplete="username"/)
  t.match(page.body, /<label for="email">E-mail address<\/label>\s*<input id="email" name="email" type="email" autocomplete="email"[^>]* required/)
  t.match(page.body, /<input id="password" name="password" type="password" autocomplete="new-password"/)
  t.match(page.body, />Create account<\/button>/)
  t.match(page.body, /Restaurants app/, 'names the app')
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(page.headers['cache-control'], 'no-store')
  t.equal(page.headers['x-frame-options'], 'DENY')
  t.equal(page.headers['referrer-policy'], 'same-origin')
  t.match(String(page.headers['content-security-policy']), /default-src 'none'.*frame-ancestors 'none'/)
})

t.test('every refusal rule: the form again (400) with its own message, nothing created', async (t) => {
  await h.createUser({ username: 'taken', password: 'correct horse battery', email: 'verified@example.com' })
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['a username user create would refuse', { username: 'a b', email: 'x1@example.com', password: 'plenty long pass' }, /Choose another username/],
    ['a username that is taken', { username: 'Taken', email: 'x2@example.com', password: 'plenty long pass' }, /That username is taken\./],
    ['a username equal to another user\'s verified address', { username: 'verified@example.com', email: 'x3@example.com', password: 'plenty long pass' }, /That username is taken\./],
    ['no address (e-mail on)', { username: fresh(), password: 'plenty long pass' }, /Enter your e-mail address\./],
    ['a malformed address', { username: fresh(), email: 'not-an-address', password: 'plenty long pass' }, /Enter a valid e-mail address/],
    ['an address verified on another account', { username: fresh(), email: 'VERIFIED@example.com', password: 'plenty long pass' }, /belongs to another account/],
    ['an address without a domain', { username: fresh(), email: 'taken', password: 'plenty long pass' }, /Enter a valid e-mail address/],
    ['a password shorter than TESSERA_PASSWORD_MIN_LENGTH', { username: fresh(), email: 'x4@example.com', password: 'short' }, /at least 8 characters/],
    ['a password over 256 characters', { username: fresh(), email: 'x5@example.com', password: 'p'.repeat(257) }, /at most 256 characters/],
    ['a password equal to the username (case-insensitively)', { username: 'longusername1', email: 'x6@example.com', password: 'LongUserName1' }, /not be your username or e-mail address/],
    ['a password equal to the address', { username: fresh(), email: 'x7@example.com', password: 'X7@example.com' }, /not be your username or e-mail address/],
    ['a common password', { username: fresh(), email: 'x8@example.com', password: 'password1' }, /among the most common ones/],
  ]
  const before = (await h.admin.users.list()).length
  for (const [rule, values, message] of cases) {
    const form = await openSignUp(h)
    const res = await signUp(h, form, values)
    t.equal(res.statusCode, 400, `${rule}: 400`)
    t.match(res.body, message, `${rule}: its message`)
    t.match(res.body, /<form method="post" action="\/oauth2\/signup">/, `${rule}: the form again`)
    t.notOk(res.headers['set-cookie']?.toString().includes('tessera_session='), `${rule}: no session`)
  }
  t.equal((await h.admin.users.list()).length, before, 'nothing was created')
})

t.test('an address equal to another user\'s username is refused with its own message', async (t) => {
  await h.createUser({ username: 'anna@example.com', password: 'correct horse battery' })
  const res = await signUp(h, await openSignUp(h), { username: fresh(), email: 'Anna@Example.com', password: 'plenty long pass' })
  t.equal(res.statusCode, 400)
  t.match(res.body, /another account&#39;s username/)
})

t.test('success: the user (argon2id, TESSERA_SIGNUP_SCOPE), a session and device cookie, and the authorization goes on to consent', async (t) => {
  const form = await openSignUp(h)
  const res = await signUp(h, form, { username: 'Newcomer', email: 'New@Example.com', password: 'a long new passphrase' })
  t.equal(res.statusCode, 303, '303 See Other')
  const location = String(res.headers.location)
  t.ok(location.startsWith('/oauth2/authorize?'), 'back to the authorization request, as after a sign-in')
  const user = await h.admin.store.users.getByUsername('newcomer')
  t.same([user?.scopes, user?.email, user?.emailVerified], [['read'], 'new@example.com', false], 'scopes from TESSERA_SIGNUP_SCOPE; address unverified')
  t.match(user?.passwordHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  t.ok(await verifyArgon2(user!.passwordHash, 'a long new passphrase'))
  t.ok(form.jar.cookies.get('tessera_session'), 'a session cookie')
  const device = form.jar.line('tessera_device')!
  for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/oauth2', 'Max-Age=31536000']) t.ok(device.split('; ').includes(attribute), `device cookie ${attribute}`)
  const consent = await get(h.app, form.jar, location)
  t.equal(consent.statusCode, 200)
  t.match(consent.body, /Allow access\?/, 'the consent page within the new session')
  t.match(consent.body, /Signed in as <strong class="name">newcomer<\/strong>/)
  const allow = await post(h.app, form.jar, '/oauth2/authorize', { request: field(consent.body, 'request'), csrf: field(consent.body, 'csrf'), action: 'allow' })
  const code = redirectParams(allow).get('code')!
  const tokens = await postToken(h.app, { grant_type: 'authorization_code', client_id: h.appId, code, redirect_uri: REDIRECT, code_verifier: h.verifier })
  t.equal(tokens.statusCode, 200, 'the app\'s code exchange succeeds')
  const mail = await h.smtp.next()
  t.same(mail.to, ['new@example.com'], 'a verification message to the address given')
})

t.test('success for a --skip-consent client: the code at once, as after a sign-in', async (t) => {
  const first = await h.createClient({ name: 'First party', grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read'], skipConsent: true })
  const jar = new CookieJar()
  const signIn = await get(h.app, jar, authorizeUrl({ ...h.params, client_id: first.id }))
  const request = field(signIn.body, 'request')
  const page = await get(h.app, jar, `${SIGNUP}?request=${request}`)
  const res = await signUp(h, { jar, request, csrf: field(page.body, 'csrf') }, { username: fresh(), email: `${fresh()}@example.com`, password: 'another long phrase' })
  t.equal(res.statusCode, 303)
  const code = await get(h.app, jar, String(res.headers.location))
  t.equal(code.statusCode, 303)
  t.ok(redirectParams(code).get('code'), 'the code, with no page')
  t.equal(redirectParams(code).get('state'), 's1')
})

t.test('without a pending request: success is a 303 to the account page, signed in', async (t) => {
  const jar = new CookieJar()
  const page = await get(h.app, jar, SIGNUP)
  t.equal(field(page.body, 'request'), '', 'no request carried')
  const res = await signUp(h, { jar, csrf: field(page.body, 'csrf') }, { username: fresh(), email: `${fresh()}@example.com`, password: 'yet another phrase' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/oauth2/account?done=created')
  const done = await get(h.app, jar, String(res.headers.location))
  t.match(done.body, /Your account has been created\./)
  t.match(done.body, /<h1>Your account<\/h1>/, 'the account page, within the new session')
})

t.test('the form rules: a missing or foreign anti-CSRF token, or a foreign Origin, is 403 and creates nothing', async (t) => {
  const form = await openSignUp(h)
  const values = { username: 'csrfvictim', email: 'csrf@example.com', password: 'plenty long pass' }
  t.equal((await signUp(h, { ...form, csrf: 'x'.repeat(43) }, values)).statusCode, 403)
  t.equal((await signUp(h, form, values, { origin: 'https://evil.example' })).statusCode, 403)
  t.equal((await signUp(h, { ...form, jar: new CookieJar() }, values)).statusCode, 403, 'a token of another browser')
  t.equal(await h.admin.store.users.getByUsername('csrfvictim'), null)
})

t.test('a carried request that no longer opens (its seal expired) is the expired page (400), nothing created', async (t) => {
  let now = Date.now()
  const late = await accountsHarness(t, { clock: () => now })
  const form = await openSignUp(late)
  now += 11 * 60_000 // a sealed request lives 10 minutes
  const res = await signUp(late, form, { username: 'lateperson', email: 'late@example.com', password: 'plenty long pass' })
  t.equal(res.statusCode, 400)
  t.match(res.body, /expired/)
  t.equal(await late.admin.store.users.getByUsername('lateperson'), null)
})

t.test('TESSERA_SIGNUP=off: every /oauth2/signup URL is 404 and the sign-in page has no link; e-mail off: no forgot link', async (t) => {
  const off = await harness()
  t.teardown(() => off.close())
  const client = await off.createClient({ grants: ['authorization_code'], redirectUris: [REDIRECT] })
  for (const url of [SIGNUP, `${SIGNUP}?request=x`, `${SIGNUP}/done`]) t.equal((await off.app.inject({ url })).statusCode, 404, url)
  t.equal((await off.app.inject({ method: 'POST', url: SIGNUP, payload: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode, 404)
  const page = await get(off.app, new CookieJar(), authorizeUrl({ ...h.params, client_id: client.id }))
  t.notMatch(page.body, /Create an account/)
  t.notMatch(page.body, /Forgot your password/)
})
