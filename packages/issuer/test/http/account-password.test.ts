// The account page's "Change password" and display name (DESIGN.md "The
// account page, remembered consent, scope descriptions and branding"): the
// current password checked exactly as at sign-in (a wrong one is the form
// again, 400, and counts as a failure; a lock is 429 with "Too many failed
// attempts. Try again later."); the new one under the sign-up rules; every
// OTHER session ends and the user's refresh tokens are revoked; 303 to the
// page showing "Your password has been changed."
import t from 'tap'
import { harness } from '../fixtures/harness.js'
import {
  ACCOUNT, accountSignIn, CookieJar, get, grantApp, location, PATHS, post, refreshStatus, signedIn, submit, webApp,
} from './fixtures/account.js'
import { basic, postToken } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
const legacy = await h.createClient({ grants: ['password'], scopes: ['read'] })
const passwordGrant = (username: string, password: string) =>
  postToken(h.app, { grant_type: 'password', username, password, scope: 'read' }, { authorization: basic(legacy.id, legacy.secret) })

t.test('success: 303 to the page saying so; this session stays, every other ends; refresh tokens revoked; the new password signs in', async (t) => {
  await h.createUser({ username: 'anna', password: 'first long phrase', scopes: ['read', 'write'] })
  const here = await signedIn(h.app, 'anna', 'first long phrase')
  const elsewhere = await signedIn(h.app, 'anna', 'first long phrase')
  const app = await webApp(h)
  const refresh = await grantApp(h, here, app)
  t.equal((await refreshStatus(h, app, refresh)).statusCode, 200, 'the app refreshes before')
  const res = await submit(h.app, here, PATHS.password, { current: 'first long phrase', password: 'second long phrase' })
  t.equal(res.statusCode, 303)
  t.equal(location(res), '/oauth2/account?done=password')
  const page = await get(h.app, here, location(res))
  t.match(page.body, /Your password has been changed\./)
  t.match(page.body, /Signed in as <strong class="name">anna<\/strong>/, 'this session stays')
  t.match((await get(h.app, elsewhere, ACCOUNT)).body, /<h1>Sign in<\/h1>/, 'the other session ended')
  t.equal((await refreshStatus(h, app, refresh)).statusCode, 400, 'the app\'s refresh token is revoked')
  t.equal((await passwordGrant('anna', 'first long phrase')).statusCode, 400, 'the old password no longer works')
  t.equal((await passwordGrant('anna', 'second long phrase')).statusCode, 200, 'the new one does')
})

t.test('the new password under the sign-up rules: one message per rule, 400, nothing changed and no password checked', async (t) => {
  await h.createUser({ username: 'bert', password: 'first long phrase', email: 'bert@example.com', scopes: ['read'] })
  const jar = await signedIn(h.app, 'bert', 'first long phrase')
  const cases: Array<[string, RegExp]> = [
    ['short', /at least 8 characters/],
    ['x'.repeat(257), /at most 256 characters/],
    ['BERT@example.com', /not be your username or e-mail address/],
    ['password1', /most common ones/],
  ]
  for (const [password, message] of cases) {
    const res = await submit(h.app, jar, PATHS.password, { current: 'wrong on purpose', password })
    t.equal(res.statusCode, 400)
    t.match(res.body, message)
    t.match(res.body, /<section id="password"[^]*role="alert"/, 'shown at the password form')
  }
  t.equal((await passwordGrant('bert', 'first long phrase')).statusCode, 200, 'unchanged, and no failure counted for the wrong current password')
})

t.test('a wrong current password: the form again (400), changes nothing, and counts as a failure toward the same lock as sign-in', async (t) => {
  await h.createUser({ username: 'carla', password: 'first long phrase', scopes: ['read'] })
  const jar = await signedIn(h.app, 'carla', 'first long phrase')
  // Without a device cookie the failures count account-wide, as at the token endpoint (DESIGN.md, "Accounts").
  jar.cookies.delete('tessera_device')
  const wrong = await submit(h.app, jar, PATHS.password, { current: 'not my password', password: 'second long phrase' })
  t.equal(wrong.statusCode, 400)
  t.match(wrong.body, /Wrong password\./)
  t.match(wrong.body, /<section id="password"[^]*role="alert"/, 'shown at the password form')
  for (let i = 0; i < 8; i++) t.equal((await submit(h.app, jar, PATHS.password, { current: `guess ${i}`, password: 'second long phrase' })).statusCode, 400)
  t.equal((await passwordGrant('carla', 'a grant guess')).statusCode, 400, 'the tenth failure, at the token endpoint')
  const locked = await submit(h.app, jar, PATHS.password, { current: 'first long phrase', password: 'second long phrase' })
  t.equal(locked.statusCode, 429, 'the page\'s failures and the token endpoint\'s add up: locked, even with the right password')
  t.match(locked.body, /Too many failed attempts\. Try again later\./)
  t.ok(Number(locked.headers['retry-after']) > 0)
  t.equal((await passwordGrant('carla', 'first long phrase')).statusCode, 429, 'the token endpoint sees the same lock')
  t.match((await get(h.app, jar, ACCOUNT)).body, /Signed in as/, 'the session is not ended by a lock')
})

t.test('the device rule: a browser whose device cookie names the account counts its failures for itself only', async (t) => {
  await h.createUser({ username: 'dora', password: 'first long phrase', scopes: ['read'] })
  const jar = await signedIn(h.app, 'dora', 'first long phrase')
  t.ok(jar.cookies.get('tessera_device'), 'the sign-in left a device cookie')
  for (let i = 0; i < 10; i++) await submit(h.app, jar, PATHS.password, { current: `guess ${i}`, password: 'second long phrase' })
  t.equal((await submit(h.app, jar, PATHS.password, { current: 'first long phrase', password: 'second long phrase' })).statusCode, 429,
    'this device is locked')
  t.equal((await passwordGrant('dora', 'first long phrase')).statusCode, 200, 'the account is not: the failures were this device\'s')
})

t.test('the password form carries the username for password managers and the autocomplete tokens', async (t) => {
  await h.createUser({ username: 'emil', password: 'first long phrase', scopes: ['read'] })
  const page = await get(h.app, await signedIn(h.app, 'emil', 'first long phrase'), ACCOUNT)
  t.match(page.body, /name="current" type="password" autocomplete="current-password"/)
  t.match(page.body, /name="password" type="password" autocomplete="new-password"/)
  t.match(page.body, /name="username" autocomplete="username" value="emil" hidden readonly/)
})

t.test('Origin and anti-CSRF: 403, nothing changed', async (t) => {
  await h.createUser({ username: 'fritz', password: 'first long phrase', scopes: ['read'] })
  const jar = await signedIn(h.app, 'fritz', 'first long phrase')
  const fields = { current: 'first long phrase', password: 'second long phrase' }
  t.equal((await submit(h.app, jar, PATHS.password, fields, { origin: 'https://evil.example' })).statusCode, 403)
  t.equal((await post(h.app, jar, PATHS.password, { ...fields, csrf: 'A'.repeat(43) })).statusCode, 403)
  t.equal((await post(h.app, jar, PATHS.password, fields)).statusCode, 403, 'no token')
  t.equal((await passwordGrant('fritz', 'first long phrase')).statusCode, 200, 'unchanged')
})

t.test('display name: saved (303), shown escaped, an empty field removes it; a name the rules refuse is the form again', async (t) => {
  await h.createUser({ username: 'gina', password: 'first long phrase', scopes: ['read'] })
  const jar = await signedIn(h.app, 'gina', 'first long phrase')
  const res = await submit(h.app, jar, PATHS.name, { name: 'Gina <Grün> & co' })
  t.equal(res.statusCode, 303)
  t.equal(location(res), '/oauth2/account?done=name')
  const page = await get(h.app, jar, location(res))
  t.match(page.body, /Your display name has been saved\./)
  t.match(page.body, /autocomplete="name" maxlength="200" value="Gina &lt;Grün&gt; &amp; co"/)
  t.equal((await h.admin.users.show('gina')).name, 'Gina <Grün> & co')
  const long = await submit(h.app, jar, PATHS.name, { name: 'x'.repeat(201) })
  t.equal(long.statusCode, 400)
  t.match(long.body, /at most 200 characters/)
  t.equal((await h.admin.users.show('gina')).name, 'Gina <Grün> & co', 'unchanged')
  t.equal((await submit(h.app, jar, PATHS.name, {})).statusCode, 303)
  t.equal((await h.admin.users.show('gina')).name, null, 'removed')
})

t.test('a wrong password on the account page\'s own sign-in form counts like any other', async (t) => {
  await h.createUser({ username: 'hugo', password: 'first long phrase', scopes: ['read'] })
  for (let i = 0; i < 10; i++) t.equal((await accountSignIn(h.app, new CookieJar(), 'hugo', `guess ${i}`)).statusCode, 400)
  t.equal((await passwordGrant('hugo', 'first long phrase')).statusCode, 429, 'the token endpoint is locked')
  t.equal((await accountSignIn(h.app, new CookieJar(), 'hugo', 'first long phrase')).statusCode, 429, 'and the form')
})
