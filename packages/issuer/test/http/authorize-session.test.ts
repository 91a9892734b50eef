// Within a sign-in session (DESIGN.md "The sign-in page"): the consent-only
// page, first-party clients that skip it, every `prompt` value (OpenID
// Connect Core §3.1.2.1 semantics as DESIGN.md names them), granted scopes,
// and sign-out (GET/POST /oauth2/logout, `user sign-out`).
import t from 'tap'
import Database from 'better-sqlite3'
import { AUTHORIZE, authorizeUrl, CookieJar, get, hiddenFields, LOGOUT, pkce, post, redirectParams } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'

let now = Date.now()
const h = await harness({ clock: () => now })
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
const app = await h.createClient({ name: 'Restaurants app', public: true, grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read', 'write'] })
// --skip-consent is for confidential clients only (RFC 8252 §8.6).
const firstParty = await h.createClient({ name: 'Our own app', grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read', 'write'], skipConsent: true })
await h.createUser({ username: 'john', password: 'correct horse', scopes: ['read', 'write'] })
await h.createUser({ username: 'reader', password: 'reader-password', scopes: ['read'] })
await h.createUser({ username: 'nobody-scoped', password: 'none-password' })
const { challenge } = pkce()
const base = { response_type: 'code', redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 'st' }
const url = (clientId: string, extra: Record<string, string> = {}) => authorizeUrl({ ...base, client_id: clientId, ...extra })

/** A browser signed in as `username` (through the page, as a person would). */
async function signedIn(username = 'john', password = 'correct horse', clientId = app.id, extra: Record<string, string> = {}) {
  const jar = new CookieJar()
  const page = hiddenFields((await get(h.app, jar, url(clientId, extra))).body)
  const res = await post(h.app, jar, AUTHORIZE, { ...page, username, password, action: 'allow' })
  return { jar, res }
}

t.test('within a session the page says who is signed in and asks only Allow / Deny', async (t) => {
  const { jar } = await signedIn()
  const res = await get(h.app, jar, url(app.id, { scope: 'read' }))
  t.equal(res.statusCode, 200)
  t.match(res.body, /Signed in as <strong class="name">john<\/strong>/)
  t.match(res.body, /Restaurants app/)
  t.match(res.body, /<li>read<\/li>/)
  t.notMatch(res.body, /type="password"/, 'no password field')
  t.match(res.body, />Allow</)
  t.match(res.body, />Deny</)
  const link = /href="([^"]+)">Sign in as someone else/.exec(res.body)?.[1]?.replaceAll('&amp;', '&')
  t.ok(link, 'a link to sign in as someone else')
  const switchTo = new URL(link!, 'http://x').searchParams
  t.equal(switchTo.get('prompt'), 'login')
  t.equal(switchTo.get('client_id'), app.id)
  t.equal(switchTo.get('state'), 'st')
  t.equal(switchTo.get('code_challenge'), challenge)
  t.equal(switchTo.get('scope'), 'read')
  const login = await get(h.app, jar, link!)
  t.match(login.body, /type="password"/, 'the link shows the password form')

  const allow = await post(h.app, jar, AUTHORIZE, { ...hiddenFields(res.body), action: 'allow' })
  t.equal(allow.statusCode, 303)
  t.match(redirectParams(allow).get('code'), /^[A-Za-z0-9_-]{43}$/)
  t.equal(redirectParams(allow).get('iss'), h.config.issuer)
})

t.test('within a session, Deny is access_denied and the session stays', async (t) => {
  const { jar } = await signedIn()
  const page = await get(h.app, jar, url(app.id))
  const res = await post(h.app, jar, AUTHORIZE, { ...hiddenFields(page.body), action: 'deny' })
  t.equal(redirectParams(res).get('error'), 'access_denied')
  t.match((await get(h.app, jar, url(app.id))).body, /Signed in as/)
})

t.test('a --skip-consent client gets its code at once within a session; prompt=consent asks anyway', async (t) => {
  const { jar } = await signedIn()
  const res = await get(h.app, jar, url(firstParty.id))
  t.equal(res.statusCode, 303)
  t.match(redirectParams(res).get('code'), /^[A-Za-z0-9_-]{43}$/)
  t.equal(redirectParams(res).get('state'), 'st')
  const consent = await get(h.app, jar, url(firstParty.id, { prompt: 'consent' }))
  t.equal(consent.statusCode, 200)
  t.match(consent.body, /Allow access\?/)
  t.match(consent.body, /Our own app/)
})

t.test('a public client that a database holds as --skip-consent is asked anyway, and prompt=none is consent_required (RFC 8252 §8.6)', async (t) => {
  const stored = await h.createClient({ name: 'Older app', public: true, grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read'] })
  const db = new Database(h.config.dbPath)
  t.teardown(() => db.close())
  // As an older issuer could have stored it, past today's CLI checks.
  db.prepare('UPDATE clients SET skip_consent = 1 WHERE id = ?').run(stored.id)
  const { jar } = await signedIn()
  const res = await get(h.app, jar, url(stored.id, { scope: 'read' }))
  t.equal(res.statusCode, 200, 'the consent page, not a code')
  t.match(res.body, /Allow access\?/)
  const silent = await get(h.app, jar, url(stored.id, { scope: 'read', prompt: 'none' }))
  t.equal(redirectParams(silent).get('error'), 'consent_required')
})

t.test('a --skip-consent client still shows the password form without a session', async (t) => {
  const res = await get(h.app, new CookieJar(), url(firstParty.id))
  t.equal(res.statusCode, 200)
  t.match(res.body, /type="password"/)
})

t.test('prompt=none: a code when nothing needs asking, else login_required or consent_required', async (t) => {
  const none = (jar: CookieJar, clientId: string) => get(h.app, jar, url(clientId, { prompt: 'none' }))
  const anonymous = await none(new CookieJar(), firstParty.id)
  t.equal(redirectParams(anonymous).get('error'), 'login_required')
  t.equal(redirectParams(anonymous).get('iss'), h.config.issuer)
  const { jar } = await signedIn()
  const silent = await none(jar, firstParty.id)
  t.equal(silent.statusCode, 303)
  t.ok(redirectParams(silent).get('code'), 'skip-consent within a session: a code without a page')
  const needsConsent = await none(jar, app.id)
  t.equal(redirectParams(needsConsent).get('error'), 'consent_required')
  t.equal(redirectParams(needsConsent).get('state'), 'st')
})

t.test('prompt=login shows the password form even within a session and even for a skip-consent client', async (t) => {
  const { jar } = await signedIn()
  for (const clientId of [app.id, firstParty.id]) {
    const res = await get(h.app, jar, url(clientId, { prompt: 'login' }))
    t.equal(res.statusCode, 200)
    t.match(res.body, /type="password"/)
    t.notMatch(res.body, /Signed in as/)
  }
  // Its form without a password does not fall back to the session.
  const page = hiddenFields((await get(h.app, jar, url(app.id, { prompt: 'login' }))).body)
  const res = await post(h.app, jar, AUTHORIZE, { ...page, action: 'allow' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /type="password"/)
})

t.test('granted scopes: the user\'s share of what was asked; a scope the user lacks is invalid_scope after sign-in', async (t) => {
  const asked = await signedIn('reader', 'reader-password', app.id, { scope: 'read write' })
  t.equal(redirectParams(asked.res).get('error'), 'invalid_scope', 'write was asked and reader lacks it')
  t.equal(redirectParams(asked.res).get('state'), 'st')
  t.ok(asked.jar.cookies.get('tessera_session'), 'the sign-in itself succeeded: a session')
  const omitted = await get(h.app, asked.jar, url(app.id))
  t.match(omitted.body, /<li>read<\/li>/, 'scope omitted: the client\'s scopes the user has')
  t.notMatch(omitted.body, /<li>write<\/li>/)
  const none = await signedIn('nobody-scoped', 'none-password')
  t.equal(redirectParams(none.res).get('error'), 'invalid_scope', 'an empty result is invalid_scope')
  const prompted = await get(h.app, asked.jar, url(firstParty.id, { scope: 'write' }))
  t.equal(redirectParams(prompted).get('error'), 'invalid_scope', 'within a session too')
})

t.test('logout: a page with one button; its POST ends the session, deletes the cookie, says "Signed out."', async (t) => {
  const { jar } = await signedIn()
  const sessionId = jar.cookies.get('tessera_session')!
  const page = await get(h.app, jar, LOGOUT)
  t.equal(page.statusCode, 200)
  t.match(page.body, /Signed in as <strong class="name">john<\/strong>/)
  t.equal(page.body.match(/<button/g)?.length, 1, 'one button')
  const { csrf } = hiddenFields(page.body)

  // RP-Initiated Logout (DESIGN.md): a POST that is not the page's own form (no valid token) shows the page;
  // the page's own form from another Origin is refused (403). Neither changes anything.
  for (const [what, fields, headers, status] of [
    ['no token', {}, {}, 200], ['a wrong token', { csrf: csrf.slice(1) + 'A' }, {}, 200],
    ['a foreign Origin', { csrf }, { origin: 'https://evil.example' }, 403], ['Origin null', { csrf }, { origin: 'null' }, 403],
  ] as const) {
    const res = await post(h.app, jar, LOGOUT, fields, headers)
    t.equal(res.statusCode, status, what)
    t.ok(await h.core.signIn.session(sessionId), `${what}: the session is still there`)
  }
  const res = await post(h.app, jar, LOGOUT, { csrf }, { origin: h.config.issuer })
  t.equal(res.statusCode, 200)
  t.match(res.body, /Signed out\./)
  t.match(jar.line('tessera_session')!, /Expires=Thu, 01 Jan 1970|Max-Age=0/, 'the cookie is deleted')
  t.equal(jar.cookies.get('tessera_session'), undefined)
  t.equal(await h.core.signIn.session(sessionId), null, 'the session ended')
  const after = await get(h.app, new CookieJar(), LOGOUT)
  t.match(after.body, /not signed in/)
})

t.test('a session cookie naming no live session is no session, and is deleted', async (t) => {
  const jar = new CookieJar()
  jar.cookies.set('tessera_session', 'A'.repeat(43))
  const res = await get(h.app, jar, url(app.id))
  t.match(res.body, /type="password"/)
  t.equal(jar.cookies.get('tessera_session'), undefined)
})

t.test('user sign-out ends every session of the user (DESIGN.md)', async (t) => {
  const { jar } = await signedIn()
  await h.admin.users.signOut('john')
  t.match((await get(h.app, jar, url(app.id))).body, /type="password"/)
})

t.test('a session lasts TESSERA_SESSION_TTL; a pending request 10 minutes', async (t) => {
  const { jar } = await signedIn()
  const page = hiddenFields((await get(h.app, jar, url(app.id))).body)
  now += 10 * 60_000 + 1
  const late = await post(h.app, jar, AUTHORIZE, { ...page, action: 'allow' })
  t.equal(late.statusCode, 400)
  t.match(late.body, /expired/)
  t.match((await get(h.app, jar, url(app.id))).body, /Signed in as/, 'the session outlives the page')
  now += h.config.sessionTtl * 1000
  t.match((await get(h.app, jar, url(app.id))).body, /type="password"/, 'and ends after its TTL')
})
