// OpenID Connect sign-in in a real browser (headless Chromium) through
// openid-client: the app builds the authorization URL from the discovered
// configuration (PKCE, nonce, state, login_hint), the person signs in on
// the issuer's page (the username prefilled from login_hint), the browser
// lands on the app's loopback redirect, and openid-client redeems the code
// and validates the ID token. Then the end-session URL: sign out, and back.
import t from 'tap'
import * as client from 'openid-client'
import { launchBrowser, redirectServer } from './fixtures/browser.js'
import { AUDIENCE, cli, startIssuer, tempDb } from './fixtures/harness.js'

const db = await tempDb(t)
const issuer = await startIssuer(t, db)
const callback = await redirectServer(t)
const signedOut = callback.redirectUri.replace('/callback', '/signed-out')
const app = await cli(db, ['client', 'create', '--name', 'Web app', '--public', '--grant', 'authorization_code',
  '--redirect-uri', 'http://127.0.0.1/callback', '--post-logout-redirect-uri', signedOut, '--scope', 'openid profile read', '--audience', AUDIENCE])
await cli(db, ['user', 'create', '--username', 'john', '--scope', 'read', '--password-stdin'], 'correct horse battery\n')
const config = await client.discovery(new URL(issuer.issuer), app.client_id, undefined, client.None(), { execute: [client.allowInsecureRequests] })
const browser = await launchBrowser(t)
const page = await browser.newPage()

t.test('Chromium signs in through openid-client: the ID token names the person', async (t) => {
  const verifier = client.randomPKCECodeVerifier()
  const nonce = client.randomNonce()
  const state = client.randomState()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: callback.redirectUri, scope: 'openid profile read', nonce, state, login_hint: 'john',
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  })
  const res = await page.goto(url.href)
  t.equal(res?.status(), 200)
  t.equal(await page.title(), 'Sign in')
  t.equal(await page.getByLabel('Username').inputValue(), 'john', 'login_hint prefilled the username')
  await page.getByLabel('Password').fill('correct horse battery')
  const landed = callback.next()
  await page.getByRole('button', { name: 'Allow' }).click()
  const back = await landed
  const tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true })
  const claims = tokens.claims()!
  t.equal(claims.preferred_username, 'john')
  t.equal(claims.nonce, nonce)
  t.equal(claims.aud, app.client_id)

  const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: signedOut, state: 'out-1' })
  await page.goto(end.href)
  t.equal(await page.title(), 'Sign out')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL((u) => u.href.startsWith(signedOut))
  t.equal(new URL(page.url()).searchParams.get('state'), 'out-1', 'back at the app with state')
  await page.goto(new URL('/oauth2/logout', issuer.issuer).href)
  t.match(await page.textContent('main'), /not signed in/, 'the session ended')
})
