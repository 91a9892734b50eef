// Plays a newcomer at the issuer's pages, for the demo (DESIGN.md,
// "Accounts"): from the sign-in page an app sent them to, follows "Create
// an account", fills the form, then "Allow" on the consent page, as a
// browser would with fetch (a cookie jar, the forms' hidden fields, each
// 303 followed); and confirms an address from the link of a message.

/** A browser's cookies, enough for one origin. */
function jar() {
  const cookies = new Map()
  return {
    take(res) {
      for (const line of res.headers.getSetCookie?.() ?? []) {
        const [pair] = line.split(';')
        const eq = pair.indexOf('=')
        if (/max-age=0/i.test(line)) cookies.delete(pair.slice(0, eq))
        else cookies.set(pair.slice(0, eq), pair.slice(eq + 1))
      }
    },
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
  }
}

const field = (html, name) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? ''

async function browse(cookies, url, form) {
  const res = await fetch(url, form === undefined
    ? { redirect: 'manual', headers: { cookie: cookies.header() } }
    : { method: 'POST', redirect: 'manual', headers: { cookie: cookies.header(), 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin }, body: new URLSearchParams(form) })
  cookies.take(res)
  return { status: res.status, location: res.headers.get('location'), html: res.status === 303 ? '' : await res.text() }
}

/** From the sign-in page at `url`: create an account, then Allow; resolves once the browser was sent back to the app. */
export async function signUpAndAllow(url, { username, email, password, log = () => {} }) {
  const cookies = jar()
  const signIn = await browse(cookies, url)
  const href = /href="([^"]*)">Create an account</.exec(signIn.html)?.[1]
  if (href === undefined) throw new Error('the sign-in page has no "Create an account" link')
  const signUpUrl = new URL(href.replace(/&amp;/g, '&'), url)
  log(`followed "Create an account" to ${signUpUrl.pathname}`)
  const page = await browse(cookies, signUpUrl)
  const created = await browse(cookies, signUpUrl, { request: field(page.html, 'request'), csrf: field(page.html, 'csrf'), username, email, password })
  if (created.status !== 303) throw new Error(`the sign-up form answered ${created.status}`)
  log(`"Create account" -> 303: signed in as ${username}, back to the app's authorization request`)
  const consent = await browse(cookies, new URL(created.location, url))
  const allowed = await browse(cookies, new URL('/oauth2/authorize', url), { request: field(consent.html, 'request'), csrf: field(consent.html, 'csrf'), action: 'allow' })
  if (allowed.status !== 303) throw new Error(`the consent form answered ${allowed.status}`)
  log('clicked Allow on the consent page')
  await fetch(allowed.location)
}

/** Opens a verification link and presses "Confirm"; resolves with the outcome page's sentence. */
export async function confirmAddress(link) {
  const cookies = jar()
  const page = await browse(cookies, link)
  const confirmed = await browse(cookies, new URL('/oauth2/verify-email', link), { token: field(page.html, 'token'), csrf: field(page.html, 'csrf') })
  if (confirmed.status !== 303) throw new Error(`the Confirm form answered ${confirmed.status}`)
  const done = await browse(cookies, new URL(confirmed.location, link))
  return /<p>([^<]*confirmed[^<]*)<\/p>/.exec(done.html)?.[1] ?? ''
}
