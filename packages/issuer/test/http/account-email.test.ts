// The account page's e-mail forms (DESIGN.md "The account page, remembered
// consent, scope descriptions and branding", with "Accounts"): a change of
// address asks for the current password; the new address is held as
// pending with a verification message and replaces the current one only
// when its link is used (sign-in by address and password reset keep the
// verified address until then); a verified old address is sent a notice.
// "Send the link again", within the reset limits. Messages go through
// nodemailer to a real SMTP server on loopback.
import t from 'tap'
import { harness } from '../fixtures/harness.js'
import { accountsHarness, field, FORGOT, openLink, VERIFY } from './fixtures/accounts.js'
import { ACCOUNT, accountSignIn, CookieJar, get, location, PATHS, post, signedIn, submit } from './fixtures/account.js'

const h = await accountsHarness(t)

/** Waits a moment and says whether nothing more arrived (messages are sent after the answer). */
async function nothingMore(count: number): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, 500))
  return h.smtp.messages.length === count
}

t.test('a new address is held as pending: a link to it, a notice to the verified old one; the old one serves until the link is used', async (t) => {
  await h.createUser({ username: 'nora', password: 'first long phrase', email: 'nora@old.example' })
  const jar = await signedIn(h.app, 'nora', 'first long phrase')
  const res = await submit(h.app, jar, PATHS.email, { email: 'Nora@New.example', password: 'first long phrase' })
  t.equal(res.statusCode, 303)
  t.equal(location(res), '/oauth2/account?done=email')
  const page = await get(h.app, jar, location(res))
  t.match(page.body, /We have sent a link to your new address\./)
  t.match(page.body, /Waiting for confirmation: <strong class="name">nora@new\.example<\/strong>/)
  t.match(page.body, /nora@old\.example<\/strong> <span class="muted">\(confirmed\)/)

  const verification = await h.smtp.next()
  t.same(verification.to, ['nora@new.example'])
  t.match(verification.links[0], /^http:\/\/localhost:8080\/oauth2\/verify-email\?token=/)
  const notice = await h.smtp.next()
  t.same(notice.to, ['nora@old.example'], 'the verified old address hears of it')
  t.match(notice.text, /nora@new\.example/)
  t.same(notice.links, ['http://localhost:8080/oauth2/account'], 'one link, to the account page')

  const user = await h.admin.users.show('nora')
  t.equal(user.email, 'nora@old.example', 'the address stays until the link is used')
  t.equal((await accountSignIn(h.app, new CookieJar(), 'nora@old.example', 'first long phrase')).statusCode, 303, 'sign-in by the old address')
  t.equal((await accountSignIn(h.app, new CookieJar(), 'nora@new.example', 'first long phrase')).statusCode, 400, 'not yet by the new one')
  const forgetful = new CookieJar()
  const forgotPage = await get(h.app, forgetful, FORGOT)
  t.equal((await post(h.app, forgetful, FORGOT, { csrf: field(forgotPage.body, 'csrf'), login: 'nora' })).statusCode, 303)
  const reset = await h.smtp.next()
  t.same(reset.to, ['nora@old.example'], 'a password reset goes to the verified address')

  const link = await openLink(h, jar, verification.links[0]!)
  t.equal((await post(h.app, jar, VERIFY, { token: link.token, csrf: link.csrf })).statusCode, 303)
  const after = await h.admin.users.show('nora')
  t.equal(after.email, 'nora@new.example', 'replaced once the link is used')
  t.equal(after.emailVerified, true)
  t.equal((await accountSignIn(h.app, new CookieJar(), 'nora@new.example', 'first long phrase')).statusCode, 303)
  t.equal((await accountSignIn(h.app, new CookieJar(), 'nora@old.example', 'first long phrase')).statusCode, 400, 'the old address names no one now')
})

t.test('refused for its content: the form again (400) with the rule, the address kept, nothing held and nothing sent', async (t) => {
  await h.createUser({ username: 'otto', password: 'first long phrase', email: 'otto@example.com' })
  await h.createUser({ username: 'taken', password: 'first long phrase', email: 'taken@example.com' })
  await h.createUser({ username: 'named@example.com', password: 'first long phrase' })
  const jar = await signedIn(h.app, 'otto', 'first long phrase')
  const before = h.smtp.messages.length
  const cases: Array<[string, RegExp]> = [
    ['not an address', /Enter a valid e-mail address/],
    ['TAKEN@example.com', /belongs to another account/],
    ['named@example.com', /another account&#39;s username/],
    ['otto@example.com', /That is already your address\./],
  ]
  for (const [email, message] of cases) {
    const res = await submit(h.app, jar, PATHS.email, { email, password: 'first long phrase' })
    t.equal(res.statusCode, 400, email)
    t.match(res.body, message)
    t.match(res.body, /<section id="address"[^]*role="alert"/, 'at the e-mail form')
  }
  const kept = await submit(h.app, jar, PATHS.email, { email: 'x<y>@example', password: 'first long phrase' })
  t.match(kept.body, /value="x&lt;y&gt;@example"/, 'the typed value again, escaped')
  t.equal((await h.admin.store.users.getByUsername('otto'))?.emailPending, null)
  t.ok(await nothingMore(before))
})

t.test('the current password is checked as at sign-in: a wrong one is the form again (400), counted, nothing held', async (t) => {
  await h.createUser({ username: 'paula', password: 'first long phrase', email: 'paula@example.com' })
  const jar = await signedIn(h.app, 'paula', 'first long phrase')
  jar.cookies.delete('tessera_device')
  const res = await submit(h.app, jar, PATHS.email, { email: 'paula@new.example', password: 'wrong one' })
  t.equal(res.statusCode, 400)
  t.match(res.body, /Wrong password\./)
  t.match(res.body, /value="paula@new\.example"/, 'the new address typed is kept')
  t.equal((await h.admin.store.users.getByUsername('paula'))?.emailPending, null)
  for (let i = 0; i < 9; i++) await submit(h.app, jar, PATHS.email, { email: 'paula@new.example', password: `guess ${i}` })
  const locked = await submit(h.app, jar, PATHS.email, { email: 'paula@new.example', password: 'first long phrase' })
  t.equal(locked.statusCode, 429)
  t.match(locked.body, /Too many failed attempts\. Try again later\./)
  t.equal((await h.admin.store.users.getByUsername('paula'))?.emailPending, null)
})

t.test('an unconfirmed address: no notice to it; "Send the link again" sends a new link, 3 an hour, then the same answer and nothing', async (t) => {
  await h.createUser({ username: 'quinn', password: 'first long phrase' })
  const id = (await h.admin.store.users.getByUsername('quinn'))!.id
  await h.admin.store.users.update(id, { email: { address: 'quinn@example.com', verified: false } }, Date.now())
  const jar = await signedIn(h.app, 'quinn', 'first long phrase')
  const page = await get(h.app, jar, ACCOUNT)
  t.match(page.body, /quinn@example\.com<\/strong> <span class="alert-text">\(not confirmed\)/)
  t.match(page.body, />Send the link again<\/button>/)
  for (let i = 0; i < 3; i++) {
    const res = await submit(h.app, jar, PATHS.resend)
    t.equal(res.statusCode, 303)
    t.equal(location(res), '/oauth2/account?done=resent')
    const mail = await h.smtp.next()
    t.same(mail.to, ['quinn@example.com'])
    t.match(mail.links[0], /\/oauth2\/verify-email\?token=/)
  }
  const before = h.smtp.messages.length
  const fourth = await submit(h.app, jar, PATHS.resend)
  t.equal(fourth.statusCode, 303, 'the fourth is answered the same')
  t.ok(await nothingMore(before), 'but nothing is sent')

  const change = await submit(h.app, jar, PATHS.email, { email: 'quinn@new.example', password: 'first long phrase' })
  t.equal(change.statusCode, 303)
  const mail = await h.smtp.next()
  t.same(mail.to, ['quinn@new.example'])
  t.ok(await nothingMore(h.smtp.messages.length), 'no notice to an unconfirmed address')
})

t.test('a confirmed address with nothing pending has no "Send the link again"; its POST sends nothing', async (t) => {
  await h.createUser({ username: 'rita', password: 'first long phrase', email: 'rita@example.com' })
  const jar = await signedIn(h.app, 'rita', 'first long phrase')
  t.notMatch((await get(h.app, jar, ACCOUNT)).body, /Send the link again/)
  const before = h.smtp.messages.length
  const res = await post(h.app, jar, PATHS.resend, { csrf: '' })
  t.equal(res.statusCode, 403, 'no form, no token')
  t.ok(await nothingMore(before))
})

t.test('Origin and anti-CSRF on the e-mail form: 403, nothing held', async (t) => {
  await h.createUser({ username: 'sven', password: 'first long phrase', email: 'sven@example.com' })
  const jar = await signedIn(h.app, 'sven', 'first long phrase')
  t.equal((await submit(h.app, jar, PATHS.email, { email: 'sven@new.example', password: 'first long phrase' }, { origin: 'https://evil.example' })).statusCode, 403)
  t.equal((await post(h.app, jar, PATHS.email, { email: 'sven@new.example', password: 'first long phrase' })).statusCode, 403)
  t.equal((await h.admin.store.users.getByUsername('sven'))?.emailPending, null)
})

t.test('without TESSERA_SMTP_URL: no e-mail forms, their paths 404', async (t) => {
  const off = await harness()
  t.teardown(() => off.close())
  await off.createUser({ username: 'tom', password: 'first long phrase', email: 'tom@example.com' })
  const jar = await signedIn(off.app, 'tom', 'first long phrase')
  const page = await get(off.app, jar, ACCOUNT)
  t.match(page.body, /tom@example\.com/, 'the address is shown')
  t.notMatch(page.body, /Change e-mail address|Send the link again/)
  t.notMatch(page.body, /Forgot your password/)
  for (const url of [PATHS.email, PATHS.resend]) t.equal((await off.app.inject({ method: 'POST', url })).statusCode, 404, url)
})

t.test('messages name the configured brand (DESIGN.md "Branding": TESSERA_BRAND_NAME heads every page and message)', async (t) => {
  const branded = await accountsHarness(t, { config: { brandName: 'Acme Bookings' } })
  await branded.createUser({ username: 'uma', password: 'first long phrase', email: 'uma@example.com' })
  const jar = await signedIn(branded.app, 'uma', 'first long phrase')
  t.match((await get(branded.app, jar, ACCOUNT)).body, /<div class="brand">Acme Bookings<\/div>/)
  await submit(branded.app, jar, PATHS.email, { email: 'uma@new.example', password: 'first long phrase' })
  const verification = await branded.smtp.next()
  t.match(verification.subject, /^Acme Bookings: /)
  t.match(verification.text, /-- Acme Bookings/)
  const notice = await branded.smtp.next()
  t.match(notice.subject, /^Acme Bookings: your e-mail address is being changed/)
})
