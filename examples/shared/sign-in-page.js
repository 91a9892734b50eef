// Plays the person at the issuer's sign-in page, for the demo: opens the
// authorization URL, types the username and password, clicks "Allow". With
// Chromium (Debian's /usr/bin/chromium, or CHROMIUM=path) it drives a real
// headless browser through playwright-core; without one it submits the
// same form with fetch as a browser would (cookies, hidden fields, the
// 303), so the demo runs anywhere.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** The page's mark beside an app anyone could have registered (RFC 7591), or ''. */
const unverified = (html) => {
  const mark = /\(not verified by [^)<]*\)/.exec(html)
  return mark ? ` ${mark[0]}` : ''
}

/** Signs in and allows; resolves once the browser was sent back to the app. Returns how it was driven. */
export async function allowInBrowser(url, { username, password, log = () => {} }) {
  if (existsSync(CHROMIUM)) {
    const { chromium } = await import('playwright-core')
    const profile = await mkdtemp(join(tmpdir(), 'tessera-demo-chromium-'))
    const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true })
    try {
      const page = await browser.newPage()
      await page.goto(url)
      log(`headless Chromium: "${await page.title()}" page, ${await page.textContent('strong.name')}${unverified(await page.content())} asks for ${(await page.locator('ul.scopes li').allTextContents()).join(', ')}`)
      await page.getByLabel('Username').fill(username)
      await page.getByLabel('Password').fill(password)
      await page.getByRole('button', { name: 'Allow' }).click()
      await page.waitForURL((u) => u.hostname === '127.0.0.1')
      log(`clicked Allow: the browser is back at ${new URL(page.url()).origin}${new URL(page.url()).pathname}`)
      return 'chromium'
    } finally {
      await browser.close()
      await rm(profile, { recursive: true, force: true })
    }
  }
  log(`(no Chromium at ${CHROMIUM}: the form is submitted with fetch, as a browser would)`)
  const page = await fetch(url)
  const cookies = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ')
  const html = await page.text()
  log(`the sign-in page answered ${page.status}${unverified(html)}`)
  const field = (name) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? ''
  const answer = await fetch(new URL('/oauth2/authorize', url), {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies, origin: new URL(url).origin },
    body: new URLSearchParams({ request: field('request'), csrf: field('csrf'), username, password, action: 'allow' }),
  })
  if (answer.status !== 303) throw new Error(`the sign-in form answered ${answer.status}`)
  await fetch(answer.headers.get('location'))
  return 'fetch'
}
