// Sign-in by username or verified address, the failure counter per account,
// and the device cookie (DESIGN.md, "Accounts"; OWASP Authentication Cheat
// Sheet, "device cookies"): a stranger's failures lock the account at the
// token endpoint and in other browsers, never in a browser where the person
// signed in before; that browser's own failures count for it only.
import t from 'tap'
import { accountsHarness, authorizeUrl, CookieJar, field, get, post, REDIRECT } from './fixtures/accounts.js'
import { redirectParams } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'
import { postToken } from './fixtures/request.js'

const h = await accountsHarness(t)
const legacy = await h.createClient({ grants: ['password'], scopes: ['read'] })
const grant = (username: string, password: string) =>
  postToken(h.app, { grant_type: 'password', username, password, client_id: legacy.id, client_secret: legacy.secret })

/** One sign-in on the page in `jar`: the status (303 with a code on success). */
async function signIn(jar: CookieJar, username: string, password: string): Promise<{ status: number; body: string; code: string | null }> {
  const page = await get(h.app, jar, authorizeUrl(h.params))
  const res = await post(h.app, jar, '/oauth2/authorize', { request: field(page.body, 'request'), csrf: field(page.body, 'csrf'), username, password, action: 'allow' })
  return { status: res.statusCode, body: res.body, code: res.statusCode === 303 ? redirectParams(res).get('code') : null }
}

t.test('the sign-in page takes a verified address in its one field; failures count per account whichever name is typed', async (t) => {
  await h.createUser({ username: 'alternate', password: 'right password here', email: 'alt@example.com', scopes: ['read'] })
  const jar = new CookieJar()
  t.ok((await signIn(jar, 'ALT@example.com', 'right password here')).code, 'by address')
  const stranger = new CookieJar()
  for (let i = 0; i < 10; i++) await signIn(stranger, i % 2 ? 'alternate' : 'alt@example.com', 'wrong')
  t.equal((await grant('alternate', 'right password here')).statusCode, 429, 'ten failures, alternating username and address, lock the account')
  t.equal((await grant('alt@example.com', 'right password here')).statusCode, 429, 'under either name')
})

t.test('a stranger\'s ten wrong guesses lock the account at the token endpoint and in another browser; the person\'s own browser still signs in', async (t) => {
  await h.createUser({ username: 'victim', password: 'right password here', scopes: ['read'] })
  const own = new CookieJar()
  t.ok((await signIn(own, 'victim', 'right password here')).code, 'signed in once in their own browser')
  t.ok(own.cookies.get('tessera_device'), 'which now holds a device cookie')
  for (let i = 0; i < 10; i++) t.equal((await grant('victim', `guess ${i}`)).statusCode, 400)
  t.equal((await grant('victim', 'right password here')).statusCode, 429, 'the token endpoint keeps the account-wide lock')
  const other = await signIn(new CookieJar(), 'victim', 'right password here')
  t.equal(other.status, 429, 'another browser is locked out')
  t.match(other.body, /Too many failed attempts/)
  own.cookies.delete('tessera_session')
  t.ok((await signIn(own, 'victim', 'right password here')).code, 'the own browser signs in, whatever the lock')
})

t.test('failures with a valid device cookie count for that device only, at the same limit; success resets that device only', async (t) => {
  await h.createUser({ username: 'clumsy', password: 'right password here', scopes: ['read'] })
  const own = new CookieJar()
  await signIn(own, 'clumsy', 'right password here')
  own.cookies.delete('tessera_session')
  for (let i = 0; i < 9; i++) t.equal((await signIn(own, 'clumsy', 'typo')).status, 400)
  t.ok((await signIn(own, 'clumsy', 'right password here')).code, 'the ninth failure, then success: the device\'s count starts again')
  own.cookies.delete('tessera_session')
  for (let i = 0; i < 10; i++) await signIn(own, 'clumsy', 'typo')
  t.equal((await signIn(own, 'clumsy', 'right password here')).status, 429, 'ten failures on the device lock the device')
  t.equal((await grant('clumsy', 'right password here')).statusCode, 200, 'but not the account')
  t.ok((await signIn(new CookieJar(), 'clumsy', 'right password here')).code, 'nor another browser')
})

t.test('a device cookie that does not verify is no device: a lock applies', async (t) => {
  await h.createUser({ username: 'forged', password: 'right password here', scopes: ['read'] })
  const own = new CookieJar()
  await signIn(own, 'forged', 'right password here')
  for (let i = 0; i < 10; i++) await grant('forged', 'guess')
  own.cookies.delete('tessera_session')
  const value = own.cookies.get('tessera_device')!
  own.cookies.set('tessera_device', value.slice(0, -2) + (value.endsWith('AA') ? 'BB' : 'AA'))
  t.equal((await signIn(own, 'forged', 'right password here')).status, 429)
})

t.test('one device cookie holds up to 5 accounts, the oldest dropped', async (t) => {
  const jar = new CookieJar()
  for (let i = 1; i <= 6; i++) {
    await h.createUser({ username: `member${i}`, password: 'right password here', scopes: ['read'] })
    jar.cookies.delete('tessera_session')
    t.ok((await signIn(jar, `member${i}`, 'right password here')).code)
  }
  for (const i of [1, 2]) for (let k = 0; k < 10; k++) await grant(`member${i}`, 'guess')
  jar.cookies.delete('tessera_session')
  t.equal((await signIn(jar, 'member1', 'right password here')).status, 429, 'member1 was dropped from the cookie: the lock applies')
  t.ok((await signIn(jar, 'member2', 'right password here')).code, 'member2 is still remembered')
})

t.test('on an https issuer the device cookie is __Host-tessera_device: Secure, Path=/, no Domain', async (t) => {
  const secure = await harness({ config: { issuer: 'https://issuer.example' } })
  t.teardown(() => secure.close())
  const client = await secure.createClient({ grants: ['authorization_code'], redirectUris: [REDIRECT] })
  await secure.createUser({ username: 'john', password: 'right password here', scopes: ['read'] })
  const jar = new CookieJar()
  const page = await get(secure.app, jar, authorizeUrl({ ...h.params, client_id: client.id }))
  await post(secure.app, jar, '/oauth2/authorize', { request: field(page.body, 'request'), csrf: field(page.body, 'csrf'), username: 'john', password: 'right password here', action: 'allow' })
  const line = jar.line('__Host-tessera_device')!
  t.ok(line, 'set under the __Host- prefix')
  for (const attribute of ['Secure', 'Path=/', 'HttpOnly', 'SameSite=Lax']) t.ok(line.split('; ').includes(attribute), attribute)
  t.notMatch(line, /Domain=/i)
})
