// "Sign out everywhere" and "Delete account" on the account page (DESIGN.md
// "The account page, remembered consent, scope descriptions and branding"):
// the first ends every session and revokes every refresh token of the
// user (consents stay, as with `user sign-out`); the second asks for the
// password (checked as at sign-in) and deletes the user with their
// sessions, consents and refresh tokens, as `user delete`, then shows
// "Your account has been deleted."
import t from 'tap'
import { harness } from '../fixtures/harness.js'
import {
  ACCOUNT, authorize, accountSignIn, CookieJar, get, grantApp, location, PATHS, post, refreshStatus, signedIn, submit, webApp,
} from './fixtures/account.js'

const h = await harness()
t.teardown(() => h.close())

t.test('"Sign out everywhere": every session ends (this one\'s cookie deleted), every refresh token revoked, consents kept', async (t) => {
  const { id } = await h.createUser({ username: 'ada', password: 'first long phrase', scopes: ['read'] })
  const here = await signedIn(h.app, 'ada', 'first long phrase')
  const elsewhere = await signedIn(h.app, 'ada', 'first long phrase')
  const app = await webApp(h)
  const refresh = await grantApp(h, here, app)
  const res = await submit(h.app, here, PATHS.signOutEverywhere)
  t.equal(res.statusCode, 303)
  t.equal(location(res), '/oauth2/account?done=signed-out')
  t.notOk(here.cookies.get('tessera_session'), 'the cookie is deleted')
  const page = await get(h.app, here, location(res))
  t.match(page.body, /You have been signed out everywhere\./)
  t.match(page.body, /<h1>Sign in<\/h1>/)
  t.match((await get(h.app, elsewhere, ACCOUNT)).body, /<h1>Sign in<\/h1>/, 'the other browser\'s session ended too')
  t.equal((await refreshStatus(h, app, refresh)).statusCode, 400, 'refresh tokens revoked')
  t.same(await h.core.consents.remembered(id, app.id, 'https://api.example'), ['read'], 'the consent stays (as user sign-out)')
  const back = await signedIn(h.app, 'ada', 'first long phrase')
  t.equal((await authorize(h, back, app.id)).res.statusCode, 303, 'signed in again, the app gets its code at once')
})

t.test('"Sign out everywhere" under the form rules: 403 from another origin, nothing ended', async (t) => {
  await h.createUser({ username: 'bo', password: 'first long phrase' })
  const jar = await signedIn(h.app, 'bo', 'first long phrase')
  t.equal((await submit(h.app, jar, PATHS.signOutEverywhere, {}, { origin: 'https://evil.example' })).statusCode, 403)
  t.equal((await post(h.app, jar, PATHS.signOutEverywhere, {})).statusCode, 403, 'no token')
  t.match((await get(h.app, jar, ACCOUNT)).body, /Signed in as/)
})

t.test('"Delete account": a wrong password is the form again (400) and deletes nothing', async (t) => {
  await h.createUser({ username: 'cy', password: 'first long phrase' })
  const jar = await signedIn(h.app, 'cy', 'first long phrase')
  const res = await submit(h.app, jar, PATHS.delete, { password: 'not it' })
  t.equal(res.statusCode, 400)
  t.match(res.body, /<section id="delete"[^]*Wrong password\./)
  t.ok(await h.admin.store.users.getByUsername('cy'))
  const missing = await submit(h.app, jar, PATHS.delete, {})
  t.equal(missing.statusCode, 400)
  t.match(missing.body, /Enter your current password\./)
})

t.test('"Delete account": the user goes with sessions, consents and refresh tokens; 303 to "Your account has been deleted."', async (t) => {
  const { id } = await h.createUser({ username: 'dee', password: 'first long phrase', scopes: ['read'] })
  const here = await signedIn(h.app, 'dee', 'first long phrase')
  const elsewhere = await signedIn(h.app, 'dee', 'first long phrase')
  const app = await webApp(h)
  const refresh = await grantApp(h, here, app)
  const res = await submit(h.app, here, PATHS.delete, { password: 'first long phrase' })
  t.equal(res.statusCode, 303)
  t.equal(location(res), '/oauth2/account/delete/done')
  t.notOk(here.cookies.get('tessera_session'), 'the cookie is deleted')
  const done = await get(h.app, here, location(res))
  t.equal(done.statusCode, 200)
  t.match(done.body, /Your account has been deleted\./)
  t.equal(done.headers['cache-control'], 'no-store')
  t.equal(await h.admin.store.users.getByUsername('dee'), null, 'the user is gone')
  t.same(await h.admin.store.consents.listForUser(id), [], 'consents gone')
  t.equal((await refreshStatus(h, app, refresh)).statusCode, 400, 'refresh tokens gone')
  t.match((await get(h.app, elsewhere, ACCOUNT)).body, /<h1>Sign in<\/h1>/, 'every session gone')
  t.equal((await accountSignIn(h.app, new CookieJar(), 'dee', 'first long phrase')).statusCode, 400, 'no one to sign in as')
})

t.test('"Delete account" is locked like sign-in: 429 with "Too many failed attempts. Try again later.", nothing deleted', async (t) => {
  await h.createUser({ username: 'eli', password: 'first long phrase' })
  const jar = await signedIn(h.app, 'eli', 'first long phrase')
  for (let i = 0; i < 10; i++) t.equal((await submit(h.app, jar, PATHS.delete, { password: `guess ${i}` })).statusCode, 400)
  const locked = await submit(h.app, jar, PATHS.delete, { password: 'first long phrase' })
  t.equal(locked.statusCode, 429)
  t.match(locked.body, /Too many failed attempts\. Try again later\./)
  t.match(locked.body, /You can try again in \d+ minutes?\./)
  t.ok(await h.admin.store.users.getByUsername('eli'), 'still there')
})

t.test('"Delete account" under the form rules: another origin or a missing token is 403 and deletes nothing', async (t) => {
  await h.createUser({ username: 'fay', password: 'first long phrase' })
  const jar = await signedIn(h.app, 'fay', 'first long phrase')
  t.equal((await submit(h.app, jar, PATHS.delete, { password: 'first long phrase' }, { origin: 'https://evil.example' })).statusCode, 403)
  t.equal((await post(h.app, jar, PATHS.delete, { password: 'first long phrase' })).statusCode, 403)
  t.ok(await h.admin.store.users.getByUsername('fay'))
})

t.test('the deleted page takes no token and changes nothing; it is GET only', async (t) => {
  const page = await get(h.app, new CookieJar(), '/oauth2/account/delete/done')
  t.equal(page.statusCode, 200)
  t.match(page.body, /Your account has been deleted\./)
  t.equal((await h.app.inject({ method: 'POST', url: '/oauth2/account/delete/done' })).statusCode, 405)
})
