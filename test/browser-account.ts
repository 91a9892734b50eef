// The account page as a person lives it, end to end (DESIGN.md "The account
// page, remembered consent, scope descriptions and branding"): a real
// issuer process, a confidential web app made with the CLI (its consent is
// remembered), oauth4webapi as the app, headless Chromium as the person.
// They sign in and allow; the app's next authorization gets its code at
// once, with no page; on the account page the app is listed with its scope's
// description, and "Remove access" takes its access back: its refresh token
// fails and its next authorization asks again. Then "Delete account".
import t from 'tap'
import * as oauth from 'oauth4webapi'
import { codeApp, insecure } from './fixtures/code-app.js'
import { launchBrowser, redirectServer } from './fixtures/browser.js'
import { AUDIENCE, cli, startIssuer, tempDb } from './fixtures/harness.js'

const db = await tempDb(t)
const issuer = await startIssuer(t, db)
const created = await cli(db, ['client', 'create', '--name', 'Restaurants web', '--grant', 'authorization_code', '--grant', 'refresh_token',
  '--redirect-uri', 'http://127.0.0.1/callback', '--scope', 'read', '--audience', AUDIENCE])
await cli(db, ['user', 'create', '--username', 'john', '--scope', 'read', '--password-stdin'], 'correct horse battery\n')
await cli(db, ['scope', 'set', 'read', '--description', 'See your bookings'])
const callback = await redirectServer(t)
const auth = oauth.ClientSecretBasic(created.client_secret)
const { as, app, authorizationUrl, exchange } = await codeApp(issuer.issuer, { clientId: created.client_id, redirectUri: callback.redirectUri, scope: 'read', auth })
const accountUrl = new URL('/oauth2/account', issuer.issuer).href

const refresh = async (token: string) => oauth.processRefreshTokenResponse(as, app, await oauth.refreshTokenGrantRequest(as, app, auth, token, insecure))

const browser = await launchBrowser(t)
const violations: string[] = []
browser.on('page', (p) => p.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()) }))
const page = await browser.newPage()
let refreshToken = ''

t.test('sign in and allow; the app\'s next authorization gets its code at once, with no page', async (t) => {
  const first = await authorizationUrl()
  await page.goto(first.url.href)
  t.equal(await page.title(), 'Sign in')
  t.same(await page.locator('ul.scopes li').allTextContents(), ['See your bookings'], 'the scope\'s description')
  await page.getByLabel('Username').fill('john')
  await page.getByLabel('Password').fill('correct horse battery')
  let landed = callback.next()
  await page.getByRole('button', { name: 'Allow' }).click()
  const tokens = await exchange(await landed, first.verifier, first.state)
  t.type(tokens.refresh_token, 'string')
  refreshToken = tokens.refresh_token!

  const second = await authorizationUrl()
  landed = callback.next()
  await page.goto(second.url.href)
  const back = await landed
  await page.waitForURL((u) => u.href.startsWith(callback.redirectUri))
  t.equal(await page.textContent('p'), 'Back in the app.', 'no page of the issuer: straight back to the app')
  const again = await exchange(back, second.verifier, second.state)
  t.equal(again.scope, 'read', 'the code came at once and works')
  refreshToken = again.refresh_token ?? refreshToken
})

t.test('the account page lists the app; "Remove access": the refresh token fails, the next authorization asks again', async (t) => {
  await page.goto(accountUrl)
  t.equal(await page.title(), 'Your account')
  t.match(await page.textContent('main'), /Signed in as john/)
  const apps = page.locator('#apps')
  t.match(await apps.textContent(), /Restaurants web/)
  t.match(await apps.textContent(), /See your bookings/)
  t.match(await apps.textContent(), /since \d{4}-\d{2}-\d{2}/)
  const refreshed = await refresh(refreshToken)
  refreshToken = refreshed.refresh_token ?? refreshToken
  t.type(refreshed.access_token, 'string', 'the refresh token works before')

  await apps.getByRole('button', { name: 'Remove access' }).click()
  await page.waitForURL((u) => u.search === '?done=removed')
  t.match(await page.textContent('main'), /Access removed\./)
  t.match(await page.locator('#apps').textContent(), /No app has access to your account\./)
  await t.rejects(refresh(refreshToken), { code: 'OAUTH_RESPONSE_BODY_ERROR', error: 'invalid_grant' }, 'the app\'s refresh token now fails')

  const next = await authorizationUrl()
  await page.goto(next.url.href)
  t.equal(await page.title(), 'Allow access', 'the next authorization asks again')
  t.match(await page.textContent('main'), /Signed in as john/)
  const landed = callback.next()
  await page.getByRole('button', { name: 'Allow' }).click()
  t.equal((await exchange(await landed, next.verifier, next.state)).scope, 'read', 'and Allow works again')
})

t.test('"Delete account" asks for the password, then says so; the person is gone', async (t) => {
  await page.goto(accountUrl)
  const section = page.locator('#delete')
  await section.getByLabel('Password').fill('not my password')
  await section.getByRole('button', { name: 'Delete account' }).click()
  t.match(await page.locator('#delete').textContent(), /Wrong password\./, 'a wrong password: the form again')
  await page.locator('#delete').getByLabel('Password').fill('correct horse battery')
  await page.locator('#delete').getByRole('button', { name: 'Delete account' }).click()
  await page.waitForURL((u) => u.pathname === '/oauth2/account/delete/done')
  t.match(await page.textContent('main'), /Your account has been deleted\./)
  const { users } = await cli<{ users: Array<{ username: string }> }>(db, ['user', 'list'])
  t.notOk(users.some((u) => u.username === 'john'), 'user list no longer has john')
  await page.goto(accountUrl)
  t.equal(await page.title(), 'Sign in', 'no session left')
})

t.test('no page broke its own Content-Security-Policy', async (t) => {
  t.same(violations, [])
})
