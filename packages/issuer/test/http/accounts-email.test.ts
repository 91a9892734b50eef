// E-mail (DESIGN.md, "Accounts", TESSERA_SMTP_URL): messages through
// nodemailer to a real SMTP server on loopback; the verification link
// (GET shows "Confirm" and spends nothing, the POST confirms); "Forgot
// your password?" (the same 303 and words whatever matched; a reset only
// to a verified address; 3 messages per account and 10 requests per
// address per hour); the reset link and form (sign-up rules; sessions
// ended, refresh tokens revoked, the lock cleared; single use; a newer link
// voids older ones); 404 without e-mail; a failed send logged and counted.
import t from 'tap'
import { NO_OBSERVER } from '../../src/domain/observer.js'
import { accountsHarness, CookieJar, FORGOT, get, openLink, openSignUp, post, RESET, signUp, VERIFY, type AccountsHarness } from './fixtures/accounts.js'
import { field } from './fixtures/accounts.js'
import { harness } from '../fixtures/harness.js'
import { postToken } from './fixtures/request.js'
import { captureLog } from './fixtures/log.js'

const h = await accountsHarness(t)

/** "Forgot your password?" answered for `login` in a fresh browser. */
async function forgot(h: AccountsHarness, login: string, headers: Record<string, string> = {}) {
  const jar = new CookieJar()
  const page = await get(h.app, jar, FORGOT)
  return post(h.app, jar, FORGOT, { csrf: field(page.body, 'csrf'), login }, headers)
}

t.test('sign-up sends a verification message: plain text, From TESSERA_MAIL_FROM\'s default, the brand, one link to the issuer', async (t) => {
  const form = await openSignUp(h)
  await signUp(h, form, { username: 'mailme', email: 'mailme@example.com', password: 'correct horse battery' })
  const mail = await h.smtp.next()
  t.same(mail.to, ['mailme@example.com'])
  t.match(mail.from, /no-reply@localhost/, 'no-reply@ + the issuer\'s host')
  t.match(mail.subject, /Tessera/)
  t.match(mail.text, /Tessera/)
  t.equal(mail.links.length, 1, 'one link')
  t.match(mail.links[0], /^http:\/\/localhost:8080\/oauth2\/verify-email\?token=[A-Za-z0-9_-]{43}$/, 'TESSERA_ISSUER + the path')
})

t.test('the verification link: GET shows "Confirm" and spends nothing; the POST confirms; the link then is no longer valid', async (t) => {
  const form = await openSignUp(h)
  await signUp(h, form, { username: 'verifier', email: 'verifier@example.com', password: 'correct horse battery' }, { host: 'evil.example', 'x-forwarded-host': 'evil.example' })
  const mail = await h.smtp.next()
  t.match(mail.links[0], /^http:\/\/localhost:8080\//, 'never built from Host or X-Forwarded-*')
  const jar = new CookieJar()
  const first = await openLink(h, jar, mail.links[0]!)
  t.equal(first.page.statusCode, 200)
  t.match(first.page.body, />Confirm<\/button>/)
  t.match(first.page.body, /verifier@example\.com/)
  await openLink(h, jar, mail.links[0]!)
  t.equal((await h.admin.store.users.getByUsername('verifier'))?.emailVerified, false, 'GETs (mail scanners) confirm nothing')
  const res = await post(h.app, jar, VERIFY, { token: first.token, csrf: first.csrf })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/oauth2/verify-email/done')
  t.match((await get(h.app, jar, '/oauth2/verify-email/done')).body, /Your e-mail address is confirmed\./)
  t.equal((await h.admin.store.users.getByUsername('verifier'))?.emailVerified, true)
  const again = await openLink(h, jar, mail.links[0]!)
  t.equal(again.page.statusCode, 400)
  t.match(again.page.body, /This link is no longer valid/)
  t.equal((await post(h.app, jar, VERIFY, { token: first.token, csrf: first.csrf })).statusCode, 400, 'used: 400')
  t.equal((await post(h.app, jar, VERIFY, { token: first.token, csrf: first.csrf }, { origin: 'https://evil.example' })).statusCode, 403, 'Origin first: 403')
})

t.test('a change of address voids older verification tokens; an unknown token is the same 400 page', async (t) => {
  const form = await openSignUp(h)
  await signUp(h, form, { username: 'mover', email: 'mover@example.com', password: 'correct horse battery' })
  const mail = await h.smtp.next()
  await h.admin.users.update('mover', { email: 'moved@example.com' })
  const page = await openLink(h, new CookieJar(), mail.links[0]!)
  t.equal(page.page.statusCode, 400)
  t.match(page.page.body, /This link is no longer valid/)
  t.equal((await get(h.app, new CookieJar(), `${VERIFY}?token=${'A'.repeat(43)}`)).statusCode, 400)
})

t.test('sign-in by verified address; an unverified address names no one', async (t) => {
  await h.createUser({ username: 'byaddress', password: 'correct horse battery', email: 'ByAddress@example.com', scopes: ['read'] })
  const legacy = await h.createClient({ grants: ['password'], scopes: ['read'] })
  const ok = await postToken(h.app, { grant_type: 'password', username: 'byaddress@EXAMPLE.com', password: 'correct horse battery', client_id: legacy.id, client_secret: legacy.secret })
  t.equal(ok.statusCode, 200, 'the verified address signs in')
  const unverified = await postToken(h.app, { grant_type: 'password', username: 'mover@example.com', password: 'correct horse battery', client_id: legacy.id, client_secret: legacy.secret })
  t.equal(unverified.statusCode, 400, 'an unverified address does not')
})

t.test('forgot: the same 303 and words whatever matched; the message goes to the verified address only, after the answer', async (t) => {
  await h.createUser({ username: 'forgetful', password: 'old password here', email: 'forgetful@example.com' })
  await h.createUser({ username: 'unconfirmed', password: 'old password here' })
  await h.admin.store.users.update((await h.admin.store.users.getByUsername('unconfirmed'))!.id,
    { email: { address: 'unconfirmed@example.com', verified: false } }, Date.now())
  const before = h.smtp.messages.length
  const answers = await Promise.all(['forgetful', 'nobody-at-all', 'unconfirmed', 'unconfirmed@example.com'].map((login) => forgot(h, login)))
  for (const res of answers) {
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/oauth2/forgot/done')
  }
  const done = await get(h.app, new CookieJar(), '/oauth2/forgot/done')
  t.match(done.body, /If an account with a confirmed e-mail address matches, we have sent it a link\./)
  const mail = await h.smtp.next()
  t.same(mail.to, ['forgetful@example.com'])
  t.match(mail.links[0], /^http:\/\/localhost:8080\/oauth2\/reset\?token=[A-Za-z0-9_-]{43}$/)
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(h.smtp.messages.length, before + 1, 'nothing to an unknown account or an unverified address')
})

t.test('reset: the form under the sign-up rules; success ends sessions, revokes refresh tokens, clears the lock; single use', async (t) => {
  await h.createUser({ username: 'resetter', password: 'old password here', email: 'resetter@example.com', scopes: ['read'] })
  const legacy = await h.createClient({ grants: ['password', 'refresh_token'], scopes: ['read'] })
  const grant = (password: string) => postToken(h.app, { grant_type: 'password', username: 'resetter', password, client_id: legacy.id, client_secret: legacy.secret })
  const refresh = (await grant('old password here')).json().refresh_token as string
  for (let i = 0; i < 10; i++) await grant('wrong guess')
  t.equal((await grant('old password here')).statusCode, 429, 'locked by a stranger\'s guesses')
  await forgot(h, 'resetter@example.com')
  const mail = await h.smtp.next()
  const jar = new CookieJar()
  const form = await openLink(h, jar, mail.links[0]!)
  t.equal(form.page.statusCode, 200)
  t.match(form.page.body, /autocomplete="new-password"/)
  const weak = await post(h.app, jar, RESET, { token: form.token, csrf: form.csrf, password: 'resetter' })
  t.equal(weak.statusCode, 400)
  t.match(weak.body, /not be your username or e-mail address/)
  t.equal((await post(h.app, jar, RESET, { token: form.token, csrf: form.csrf, password: 'qwerty123' })).statusCode, 400, 'a common one')
  const res = await post(h.app, jar, RESET, { token: form.token, csrf: form.csrf, password: 'brand new passphrase' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/oauth2/reset/done')
  t.match((await get(h.app, jar, '/oauth2/reset/done')).body, /Your password has been changed\./)
  t.notOk(jar.cookies.get('tessera_session'), 'no session started')
  t.equal((await grant('brand new passphrase')).statusCode, 200, 'the new password works: the lock is cleared')
  const refreshed = await postToken(h.app, { grant_type: 'refresh_token', refresh_token: refresh, client_id: legacy.id, client_secret: legacy.secret })
  t.equal(refreshed.statusCode, 400, 'refresh tokens from before were revoked')
  t.equal((await post(h.app, jar, RESET, { token: form.token, csrf: form.csrf, password: 'another new phrase' })).statusCode, 400, 'used: 400')
})

t.test('a newer reset link voids older ones; 3 messages per account per hour, then nothing is sent', async (t) => {
  await h.createUser({ username: 'often', password: 'old password here', email: 'often@example.com' })
  await forgot(h, 'often')
  const older = await h.smtp.next()
  await forgot(h, 'often')
  const newer = await h.smtp.next()
  t.equal((await openLink(h, new CookieJar(), older.links[0]!)).page.statusCode, 400, 'the older link is void')
  t.equal((await openLink(h, new CookieJar(), newer.links[0]!)).page.statusCode, 200, 'the newer one works')
  await forgot(h, 'often')
  await h.smtp.next()
  const before = h.smtp.messages.length
  t.equal((await forgot(h, 'often')).statusCode, 303, 'the fourth request is answered the same')
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(h.smtp.messages.length, before, 'but nothing is sent')
})

t.test('10 forgot requests per client address per hour: beyond, the same words and nothing sent', async (t) => {
  const own = await accountsHarness(t)
  await own.createUser({ username: 'someone', password: 'old password here', email: 'someone@example.com' })
  for (let i = 0; i < 10; i++) await forgot(own, 'nobody')
  const res = await forgot(own, 'someone')
  t.equal(res.statusCode, 303)
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(own.smtp.messages.length, 0, 'the 11th from this address sends nothing')
})

t.test('a message that cannot be sent: the page is answered all the same, a warning without the link, counted in the metrics', async (t) => {
  const log = captureLog()
  const failures: string[] = []
  const own = await accountsHarness(t, {
    logger: { stream: log.stream, level: 'info' }, deps: { observer: { ...NO_OBSERVER, mailSent: (kind, outcome) => { if (outcome === 'failed') failures.push(kind) } } },
  })
  await own.createUser({ username: 'unlucky', password: 'old password here', email: 'unlucky@example.com' })
  await own.smtp.close()
  const res = await forgot(own, 'unlucky')
  t.equal(res.statusCode, 303, 'the page does not fail')
  for (let i = 0; i < 100 && failures.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100))
  t.same(failures, ['reset-password'], 'counted')
  const warning = log.lines.find((l) => l.msg === 'mail could not be sent')
  t.equal(warning?.level, 40, 'logged at warn')
  t.notMatch(log.raw(), /token=|unlucky@example\.com/, 'never the link or the address')
})

t.test('without TESSERA_SMTP_URL: /oauth2/verify-email, /oauth2/forgot and /oauth2/reset are 404', async (t) => {
  const off = await harness({ config: { signup: 'open' } })
  t.teardown(() => off.close())
  for (const url of [VERIFY, `${VERIFY}?token=x`, FORGOT, RESET, `${RESET}?token=x`, `${FORGOT}/done`]) {
    t.equal((await off.app.inject({ url })).statusCode, 404, url)
  }
  const page = await get(off.app, new CookieJar(), '/oauth2/signup')
  t.notMatch(page.body, /name="email"/, 'sign-up asks for no address')
})
