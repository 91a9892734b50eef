// People create and recover their own accounts, end to end (DESIGN.md,
// "Accounts: sign-up, e-mail and password reset"): a real issuer process
// with TESSERA_SIGNUP=open and TESSERA_SMTP_URL pointing at a real SMTP
// server on loopback (smtp-server, started here, capturing the messages),
// headless Chromium as the person, oauth4webapi as the app. The app sends
// the person to sign in; they create an account, confirm their address
// from the captured message, sign out, reset the password from a second
// captured message, sign in with the new one, and the app's code exchange
// succeeds. Then a stranger's ten wrong guesses lock the account at the
// token endpoint and in another browser, while the person's own browser
// (its device cookie) still signs in.
import t from 'tap'
import { codeApp } from './fixtures/code-app.js'
import { launchBrowser, redirectServer } from './fixtures/browser.js'
import { AUDIENCE, cli, startIssuer, tempDb } from './fixtures/harness.js'
import { smtpCapture } from '../scripts/smtp-capture.mjs'

const smtp = await smtpCapture(t)
const db = await tempDb(t)
const issuer = await startIssuer(t, db, { TESSERA_SIGNUP: 'open', TESSERA_SIGNUP_SCOPE: 'read', TESSERA_SMTP_URL: smtp.url })
const client = await cli(db, ['client', 'create', '--name', 'Restaurants app', '--public', '--grant', 'authorization_code',
  '--redirect-uri', 'http://127.0.0.1/callback', '--scope', 'read', '--audience', AUDIENCE])
const legacy = await cli(db, ['client', 'create', '--name', 'Legacy', '--grant', 'password', '--scope', 'read', '--audience', AUDIENCE])
const callback = await redirectServer(t)
const { as, authorizationUrl, exchange } = await codeApp(issuer.issuer, { clientId: client.client_id, redirectUri: callback.redirectUri, scope: 'read' })

const passwordGrant = (password: string) => fetch(issuer.metadata.token_endpoint, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${legacy.client_id}:${legacy.client_secret}`).toString('base64')}` },
  body: new URLSearchParams({ grant_type: 'password', username: 'maria', password }),
})

const browser = await launchBrowser(t)
const page = await browser.newPage()

t.test('create an account in the middle of an app\'s sign-in, confirm the address, sign out, reset the password, sign in again', async (t) => {
  // The app sends the person to sign in; they have no account yet.
  const first = await authorizationUrl()
  await page.goto(first.url.href)
  t.equal(await page.title(), 'Sign in')
  await page.getByRole('link', { name: 'Create an account' }).click()
  t.equal(await page.title(), 'Create an account')
  await page.getByLabel('Username').fill('maria')
  await page.getByLabel('E-mail address').fill('maria@example.com')
  await page.getByLabel('Password').fill('my first passphrase')
  await page.getByRole('button', { name: 'Create account' }).click()
  t.match(await page.textContent('main'), /Signed in as maria/, 'the authorization goes on within the new session: the consent page')
  let landed = callback.next()
  await page.getByRole('button', { name: 'Allow' }).click()
  const signedUp = await exchange(await landed, first.verifier, first.state)
  t.equal(signedUp.scope, 'read', 'the app\'s code exchange succeeds, with TESSERA_SIGNUP_SCOPE')

  // The address, confirmed from the first captured message.
  const verification = await smtp.next()
  t.same(verification.to, ['maria@example.com'])
  t.match(verification.links[0], new RegExp(`^${issuer.issuer}/oauth2/verify-email\\?token=`))
  await page.goto(verification.links[0]!)
  await page.getByRole('button', { name: 'Confirm' }).click()
  t.match(await page.textContent('main'), /Your e-mail address is confirmed\./)

  // Signed out.
  await page.goto(new URL('/oauth2/logout', issuer.issuer).href)
  await page.getByRole('button', { name: 'Sign out' }).click()
  t.match(await page.textContent('main'), /Signed out\./)

  // Forgot the password: the link on the sign-in page, the second captured message, the new password.
  const second = await authorizationUrl()
  await page.goto(second.url.href)
  await page.getByRole('link', { name: 'Forgot your password?' }).click()
  await page.getByLabel('Username or e-mail address').fill('maria@example.com')
  await page.getByRole('button', { name: 'Send link' }).click()
  t.match(await page.textContent('main'), /If an account with a confirmed e-mail address matches, we have sent it a link\./)
  const reset = await smtp.next()
  t.same(reset.to, ['maria@example.com'])
  await page.goto(reset.links[0]!)
  await page.getByLabel('Password').fill('my second passphrase')
  await page.getByRole('button', { name: 'Change password' }).click()
  t.match(await page.textContent('main'), /Your password has been changed\./)

  // Signed in with the new password; the app's code exchange succeeds.
  await page.goto(second.url.href)
  await page.getByLabel('Username or e-mail address').fill('maria@example.com')
  await page.getByLabel('Password').fill('my second passphrase')
  landed = callback.next()
  await page.getByRole('button', { name: 'Allow' }).click()
  const tokens = await exchange(await landed, second.verifier, second.state)
  t.equal(tokens.token_type, 'bearer')
  const device = (await browser.cookies(as.authorization_endpoint!)).find((c) => c.name === 'tessera_device')
  t.match(device, { httpOnly: true, sameSite: 'Lax', path: '/oauth2' }, 'the device cookie as the browser holds it')
})

t.test('a stranger\'s ten wrong guesses lock the account at the token endpoint and in another browser; the person\'s own browser still signs in', async (t) => {
  for (let i = 0; i < 10; i++) t.equal((await passwordGrant(`guess ${i}`)).status, 400)
  t.equal((await passwordGrant('my second passphrase')).status, 429, 'the token endpoint: locked, even with the right password')

  const stranger = await launchBrowser(t)
  const other = await stranger.newPage()
  const attempt = await authorizationUrl()
  await other.goto(attempt.url.href)
  await other.getByLabel('Username or e-mail address').fill('maria')
  await other.getByLabel('Password').fill('my second passphrase')
  await other.getByRole('button', { name: 'Allow' }).click()
  t.match(await other.textContent('main'), /Too many failed attempts\. Try again later\./, 'another browser is locked out')

  await page.goto(new URL('/oauth2/logout', issuer.issuer).href)
  await page.getByRole('button', { name: 'Sign out' }).click()
  const own = await authorizationUrl()
  await page.goto(own.url.href)
  await page.getByLabel('Username or e-mail address').fill('maria')
  await page.getByLabel('Password').fill('my second passphrase')
  const landed = callback.next()
  await page.getByRole('button', { name: 'Allow' }).click()
  const tokens = await exchange(await landed, own.verifier, own.state)
  t.equal(tokens.scope, 'read', 'the person\'s own browser signs in and the code exchange succeeds')
})
