// Two sign-in tabs opened from an app both work (DESIGN.md, "The sign-in
// page": the anti-CSRF cookie is SameSite=Lax, and one that still verifies
// is never replaced by a page view). The app's page lives on another site
// (127.0.0.1, while the issuer is localhost), so each tab arrives through a
// cross-site top-level navigation, as a person coming from an app does: a
// SameSite=Strict cookie would stay behind, the second tab would mint a new
// cookie, and the first tab's form would be refused (403).
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import * as oauth from 'oauth4webapi'
import { launchBrowser, redirectServer } from './fixtures/browser.js'
import { AUDIENCE, cli, startIssuer, tempDb } from './fixtures/harness.js'

const db = await tempDb(t)
const issuer = await startIssuer(t, db)
const client = await cli(db, ['client', 'create', '--name', 'Restaurants app', '--public', '--grant', 'authorization_code',
  '--redirect-uri', 'http://127.0.0.1/callback', '--scope', 'read', '--audience', AUDIENCE])
await cli(db, ['user', 'create', '--username', 'john', '--scope', 'read', '--password-stdin'], 'correct horse battery\n')
const callback = await redirectServer(t)

// The app's own page: one link to the authorization request it was given.
const appSite = createServer((req, res) => {
  const target = new URL(req.url ?? '/', 'http://app').searchParams.get('to') ?? ''
  const href = target.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>App</title><a id="go" href="${href}">Sign in</a>`)
})
await new Promise<void>((resolve) => appSite.listen(0, '127.0.0.1', resolve))
t.teardown(() => new Promise((resolve) => { appSite.close(resolve); appSite.closeAllConnections() }))
const appUrl = `http://127.0.0.1:${(appSite.address() as AddressInfo).port}/`

async function authorizationUrl(): Promise<{ url: string; verifier: string; state: string }> {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const query = new URLSearchParams({
    response_type: 'code', client_id: client.client_id, redirect_uri: callback.redirectUri, scope: 'read', state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  })
  return { url: `${issuer.issuer}/oauth2/authorize?${query}`, verifier, state }
}

/** The person clicks the app's "Sign in" link: a cross-site top-level navigation to the issuer's page. */
async function openFromApp(page: Page, url: string): Promise<string> {
  await page.goto(`${appUrl}?to=${encodeURIComponent(url)}`)
  await Promise.all([page.waitForURL((u) => u.href.startsWith(issuer.issuer)), page.click('#go')])
  return page.title()
}

const browser = await launchBrowser(t)
browser.setDefaultTimeout(20_000)

t.test('two sign-in tabs opened from the app: the first tab still signs in, and so does the second', async (t) => {
  const first = await browser.newPage()
  const second = await browser.newPage()
  const one = await authorizationUrl()
  const two = await authorizationUrl()
  t.match(issuer.issuer, /^http:\/\/localhost:\d+$/, 'the issuer is localhost: another site than the app at 127.0.0.1')
  t.equal(await openFromApp(first, one.url), 'Sign in')
  const cookieBefore = (await browser.cookies(`${issuer.issuer}/oauth2/authorize`)).find((c) => c.name === 'tessera_csrf')
  t.match(cookieBefore, { sameSite: 'Lax', httpOnly: true }, 'the anti-CSRF cookie is SameSite=Lax')
  t.equal(await openFromApp(second, two.url), 'Sign in')
  const cookieAfter = (await browser.cookies(`${issuer.issuer}/oauth2/authorize`)).find((c) => c.name === 'tessera_csrf')
  t.ok(cookieAfter?.value, 'the browser still holds an anti-CSRF cookie')
  t.equal(cookieAfter?.value, cookieBefore?.value, 'the second tab kept the cookie the first tab\'s page is bound to')

  // The first tab, opened first, is answered first.
  await first.getByLabel(/Username/).fill('john')
  await first.getByLabel('Password').fill('correct horse battery')
  const landed = callback.next()
  await first.getByRole('button', { name: 'Allow' }).click()
  const back = await landed
  t.equal(back.searchParams.get('state'), one.state, 'the first tab\'s request came back')
  t.ok(back.searchParams.get('code'), 'with a code')

  // The second tab's page still answers: within the session now, Allow alone (it still shows its password form, which the session does not need).
  const landedToo = callback.next()
  await second.getByLabel(/Username/).fill('john')
  await second.getByLabel('Password').fill('correct horse battery')
  await second.getByRole('button', { name: 'Allow' }).click()
  const backToo = await landedToo
  t.equal(backToo.searchParams.get('state'), two.state, 'the second tab\'s request came back')
  t.ok(backToo.searchParams.get('code'), 'with a code')
})
