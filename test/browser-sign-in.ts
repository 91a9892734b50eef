// The authorization code flow as a person lives it, end to end: a real
// issuer process, a public client made with the CLI, oauth4webapi (a client
// library nobody here wrote) building the request from the metadata (PKCE
// S256, state), headless Chromium signing in on the issuer's page and
// clicking Allow, the 303 landing on the app's loopback redirect server
// (RFC 8252 §7.3: another port than registered), the code exchanged with
// oauth4webapi (which checks RFC 9207 `iss`), and the token accepted by the
// restaurant API. Then the session: a second request needs only "Allow";
// and sign-out.
import t from 'tap'
import * as oauth from 'oauth4webapi'
import { codeApp } from './fixtures/code-app.js'
import { launchBrowser, redirectServer } from './fixtures/browser.js'
import { AUDIENCE, cli, startExample, startIssuer, tempDb } from './fixtures/harness.js'

const db = await tempDb(t)
const issuer = await startIssuer(t, db)
const client = await cli(db, ['client', 'create', '--name', 'Restaurants app', '--public', '--grant', 'authorization_code',
  '--redirect-uri', 'http://127.0.0.1/callback', '--scope', 'read write', '--audience', AUDIENCE])
const hostile = await cli(db, ['client', 'create', '--name', `<script>alert(1)</script>"'&`, '--public', '--grant', 'authorization_code',
  '--redirect-uri', 'http://127.0.0.1/callback', '--scope', 'read', '--audience', AUDIENCE])
await cli(db, ['user', 'create', '--username', 'john', '--scope', 'read write', '--password-stdin'], 'correct horse battery\n')
const api = await startExample(t, 'restaurants-fastify', issuer.issuer)
const callback = await redirectServer(t)
// What the app does: PKCE S256 and state (RFC 7636 §4.1–4.2, RFC 6749 §10.12); back, validate (state, iss) and exchange.
const { as, app, authorizationUrl, exchange } = await codeApp(issuer.issuer, { clientId: client.client_id, redirectUri: callback.redirectUri, scope: 'read write' })

const browser = await launchBrowser(t)
const dialogs: string[] = []
const violations: string[] = []
browser.on('page', (p) => {
  p.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss() })
  p.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()) })
})
const page = await browser.newPage()

t.test('sign in on the issuer\'s page, Allow, back at the app with a code, tokens, the API answers', async (t) => {
  const { url, verifier, state } = await authorizationUrl()
  const response = await page.goto(url.href)
  t.equal(response?.status(), 200)
  t.equal(await page.title(), 'Sign in')
  t.equal(await page.textContent('strong.name'), 'Restaurants app', 'the page names the client')
  t.same(await page.locator('ul.scopes li').allTextContents(), ['read', 'write'], 'and lists the scopes asked')
  const button = await page.getByRole('button', { name: 'Allow' }).evaluate((b) => getComputedStyle(b).backgroundColor)
  t.equal(button, 'rgb(29, 95, 208)', 'the inline stylesheet applied (its CSP hash matches): the accent colour')

  await page.getByLabel('Username').fill('john')
  await page.getByLabel('Password').fill('correct horse battery')
  const landed = callback.next()
  await page.getByRole('button', { name: 'Allow' }).click()
  const back = await landed
  // form-action allowed the 303 to the app's port (Chromium applies form-action to redirects).
  await page.waitForURL((u) => u.href.startsWith(callback.redirectUri))
  t.equal(back.searchParams.get('iss'), issuer.issuer, 'RFC 9207 iss in the response')
  t.equal(back.searchParams.get('state'), state)

  const tokens = await exchange(back, verifier, state)
  t.equal(tokens.token_type, 'bearer')
  t.equal(tokens.scope, 'read write')
  const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString())
  t.match(claims, { iss: issuer.issuer, aud: AUDIENCE, client_id: client.client_id, sub: /^tu_/ })
  t.type(claims.auth_time, 'number')
  const restaurants = await fetch(new URL('/restaurants', api.url), { headers: { authorization: `Bearer ${tokens.access_token}` } })
  t.equal(restaurants.status, 200, 'the restaurant API accepts the token')
  const cookies = await browser.cookies(as.authorization_endpoint!)
  const session = cookies.find((c) => c.name === 'tessera_session')
  t.match(session, { httpOnly: true, sameSite: 'Lax', path: '/oauth2' }, 'the session cookie as the browser holds it')
})

t.test('within the session a second request needs only Allow', async (t) => {
  const { url, verifier, state } = await authorizationUrl({ scope: 'read' })
  await page.goto(url.href)
  t.match(await page.textContent('main'), /Signed in as john/)
  t.equal(await page.locator('input[type=password]').count(), 0, 'no password asked')
  const landed = callback.next()
  await page.getByRole('button', { name: 'Allow' }).click()
  const tokens = await exchange(await landed, verifier, state)
  t.equal(tokens.scope, 'read')
})

t.test('Deny lands back at the app with access_denied and iss', async (t) => {
  const { url, state } = await authorizationUrl()
  await page.goto(url.href)
  const landed = callback.next()
  await page.getByRole('button', { name: 'Deny' }).click()
  const back = await landed
  t.equal(back.searchParams.get('error'), 'access_denied')
  t.equal(back.searchParams.get('state'), state)
  t.throws(() => oauth.validateAuthResponse(as, app, back, state), { code: 'OAUTH_AUTHORIZATION_RESPONSE_ERROR', error: 'access_denied' }, 'oauth4webapi reads it as the RFC 6749 error')
})

t.test('a hostile client name is shown as text: no script runs', async (t) => {
  const { url } = await authorizationUrl({ clientId: hostile.client_id, scope: 'read' })
  await page.goto(url.href)
  t.ok((await page.locator('strong.name').allTextContents()).includes(`<script>alert(1)</script>"'&`), 'the name shown as text')
  t.same(dialogs, [], 'no dialog opened')
})

t.test('sign out ends the session: the next request asks for the password again', async (t) => {
  await page.goto(new URL('/oauth2/logout', issuer.issuer).href)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForSelector('text=Signed out.')
  const { url } = await authorizationUrl()
  await page.goto(url.href)
  t.equal(await page.locator('input[type=password]').count(), 1)
})

t.test('no page broke its own Content-Security-Policy (style hash, form-action on the 303)', async (t) => {
  t.same(violations, [])
})
