// "Connected apps" on the account page (DESIGN.md "The account page,
// remembered consent, scope descriptions and branding"): each client with
// a consent or a live refresh token, its name, the scopes (their
// descriptions, escaped) and since when; "Remove access" deletes the
// consent and revokes that client's refresh tokens for this user, so the
// app's refresh token fails and its next authorization asks again.
import t from 'tap'
import { harness } from '../fixtures/harness.js'
import {
  ACCOUNT, authorize, CookieJar, get, grantApp, location, PATHS, post, refreshStatus, signedIn, submit, tokenFor, webApp,
} from './fixtures/account.js'
import { redirectParams } from './fixtures/browser.js'

const h = await harness()
t.teardown(() => h.close())
await h.admin.scopes.set('read', 'See your <bookings>')

t.test('no app yet: the page says so', async (t) => {
  await h.createUser({ username: 'ann', password: 'first long phrase', scopes: ['read', 'write'] })
  const page = await get(h.app, await signedIn(h.app, 'ann', 'first long phrase'), ACCOUNT)
  t.match(page.body, /<h2 id="apps-title">Connected apps<\/h2>/)
  t.match(page.body, /No app has access to your account\./)
})

t.test('an app the person allowed is listed: its name (escaped), each scope\'s description or name, since when', async (t) => {
  await h.createUser({ username: 'ben', password: 'first long phrase', scopes: ['read', 'write'] })
  const jar = await signedIn(h.app, 'ben', 'first long phrase')
  const app = await webApp(h, 'Bookings <Pro>')
  await grantApp(h, jar, app, 'read write')
  const page = await get(h.app, jar, ACCOUNT)
  t.match(page.body, /<strong class="name">Bookings &lt;Pro&gt;<\/strong>/)
  t.match(page.body, /<li class="described" title="read">See your &lt;bookings&gt;<\/li>/, 'the description, escaped')
  t.match(page.body, /<li>write<\/li>/, 'the name where no description is set')
  t.match(page.body, new RegExp(`since <time datetime="[^"]+">${new Date().toISOString().slice(0, 10)}</time>`))
  t.match(page.body, new RegExp(`name="client_id" value="${app.id}"`))
  t.match(page.body, />Remove access<\/button>/)
})

t.test('an app holding only a live refresh token (no consent: a first-party app) is listed too', async (t) => {
  await h.createUser({ username: 'cleo', password: 'first long phrase', scopes: ['read'] })
  const jar = await signedIn(h.app, 'cleo', 'first long phrase')
  const own = await h.createClient({
    name: 'Our own app', grants: ['authorization_code', 'refresh_token'], scopes: ['read'], audiences: ['https://api.example'],
    redirectUris: ['https://app.example/callback'], skipConsent: true,
  })
  await grantApp(h, jar, own)
  t.same(await h.core.consents.remembered((await h.admin.users.show('cleo')).id, own.id, 'https://api.example'), [], 'no consent recorded')
  t.match((await get(h.app, jar, ACCOUNT)).body, /<strong class="name">Our own app<\/strong>/)
})

t.test('"Remove access": the app\'s refresh token fails, its next authorization asks again, the page no longer lists it', async (t) => {
  await h.createUser({ username: 'dave', password: 'first long phrase', scopes: ['read', 'write'] })
  const jar = await signedIn(h.app, 'dave', 'first long phrase')
  const app = await webApp(h)
  const other = await webApp(h, 'Another app')
  const refresh = await grantApp(h, jar, app)
  const otherRefresh = await grantApp(h, jar, other)
  const again = await authorize(h, jar, app.id)
  t.equal(again.res.statusCode, 303, 'before: remembered, the code at once')
  t.ok(redirectParams(again.res).get('code'))

  const res = await submit(h.app, jar, PATHS.removeAccess, { client_id: app.id })
  t.equal(res.statusCode, 303)
  t.equal(location(res), '/oauth2/account?done=removed')
  const page = await get(h.app, jar, location(res))
  t.match(page.body, /Access removed\./)
  t.notMatch(page.body, /Restaurants web/)
  t.match(page.body, /Another app/, 'the other app stays')

  const refused = await refreshStatus(h, app, refresh)
  t.equal(refused.statusCode, 400)
  t.equal(refused.json().error, 'invalid_grant', 'the app\'s refresh token fails')
  t.equal((await refreshStatus(h, other, otherRefresh)).statusCode, 200, 'the other app\'s still works')
  const asked = await authorize(h, jar, app.id)
  t.equal(asked.res.statusCode, 200, 'the next authorization shows the page')
  t.match(asked.res.body, /Allow access\?/)
  const none = await get(h.app, jar, `/oauth2/authorize?response_type=code&client_id=${app.id}&redirect_uri=${encodeURIComponent('https://app.example/callback')}&scope=read&resource=${encodeURIComponent('https://api.example')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&prompt=none`)
  t.equal(redirectParams(none).get('error'), 'consent_required', 'prompt=none no longer succeeds')
})

t.test('"Remove access" touches only this person\'s grants; removing again answers the same', async (t) => {
  await h.createUser({ username: 'eve', password: 'first long phrase', scopes: ['read'] })
  await h.createUser({ username: 'finn', password: 'first long phrase', scopes: ['read'] })
  const app = await webApp(h, 'Shared app')
  const eve = await signedIn(h.app, 'eve', 'first long phrase')
  const finn = await signedIn(h.app, 'finn', 'first long phrase')
  await grantApp(h, eve, app)
  const finnsRefresh = await grantApp(h, finn, app)
  // Two tabs of the page: the form is sent from both.
  const token = tokenFor((await get(h.app, eve, ACCOUNT)).body, PATHS.removeAccess)
  t.equal((await post(h.app, eve, PATHS.removeAccess, { csrf: token, client_id: app.id })).statusCode, 303)
  t.equal((await refreshStatus(h, app, finnsRefresh)).statusCode, 200, 'another person\'s grant stays')
  t.equal((await authorize(h, finn, app.id)).res.statusCode, 303, 'and their consent')
  t.equal((await post(h.app, eve, PATHS.removeAccess, { csrf: token, client_id: app.id })).statusCode, 303, 'nothing left: the same answer')
  t.match((await get(h.app, eve, ACCOUNT)).body, /No app has access to your account\./)
})

t.test('"Remove access" under the form rules: a foreign Origin or another browser\'s token is 403 and removes nothing', async (t) => {
  await h.createUser({ username: 'gus', password: 'first long phrase', scopes: ['read'] })
  const jar = await signedIn(h.app, 'gus', 'first long phrase')
  const app = await webApp(h, 'Kept app')
  const refresh = await grantApp(h, jar, app)
  t.equal((await submit(h.app, jar, PATHS.removeAccess, { client_id: app.id }, { origin: 'https://evil.example' })).statusCode, 403)
  const stranger = new CookieJar()
  const token = tokenFor((await get(h.app, await signedIn(h.app, 'gus', 'first long phrase'), ACCOUNT)).body, PATHS.removeAccess)
  t.equal((await post(h.app, stranger, PATHS.removeAccess, { csrf: token, client_id: app.id })).statusCode, 403)
  t.equal((await post(h.app, jar, PATHS.removeAccess, { csrf: token, client_id: app.id })).statusCode, 403, 'a token of another browser of the same person')
  t.equal((await refreshStatus(h, app, refresh)).statusCode, 200, 'nothing removed')
  const noClient = await submit(h.app, jar, PATHS.removeAccess, {})
  t.equal(noClient.statusCode, 400, 'a form without the app is malformed')
})
