// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2, §3;
// DESIGN.md "OpenID Connect"): GET query or POST form from any site shows
// the page and changes nothing; only the page's own form (anti-CSRF and
// Origin) ends the session, then 303 to the registered URI with state or
// "Signed out."; id_token_hint and post_logout_redirect_uri rules.
import t from 'tap'
import { SignJWT, generateKeyPair } from 'jose'
import { CookieJar, get, hiddenFields, LOGOUT, post } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'
import { createProfileUser, tokensFor } from './fixtures/oidc.js'
import { FORM } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
const AFTER = 'https://app.example/signed-out?x=1'
const app = await h.createClient({
  name: 'Web <app>', grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid', 'read'], public: true,
  postLogoutRedirectUris: [AFTER, 'http://127.0.0.1:9000/bye'],
})
const other = await h.createClient({ name: 'Other', public: true, grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid'] })
await createProfileUser(h, { username: 'john', password: 'correct horse' })
const JOHN = { username: 'john', password: 'correct horse' }

/** A browser signed in through the app, and the ID token it got. */
async function signedIn(): Promise<{ jar: CookieJar; idToken: string }> {
  const jar = new CookieJar()
  const body = await tokensFor(h, jar, app.id, REDIRECT, { scope: 'openid' }, JOHN)
  return { jar, idToken: body.id_token as string }
}

const logoutUrl = (params: Record<string, string>) => `${LOGOUT}?${new URLSearchParams(params)}`

/** Is the session still alive? The logout page names who is signed in. */
async function sessionAlive(jar: CookieJar): Promise<boolean> {
  const res = await get(h.app, jar, LOGOUT)
  return /Signed in as/.test(res.body)
}

t.test('GET with id_token_hint, post_logout_redirect_uri and state: the page names the app and changes nothing (§2)', async (t) => {
  const { jar, idToken } = await signedIn()
  const res = await get(h.app, jar, logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: AFTER, state: 'st 1' }))
  t.equal(res.statusCode, 200)
  t.match(res.body, /Web &lt;app&gt;<\/strong> asks you to sign out/, 'the app named, escaped')
  t.match(res.body, /Signed in as <strong class="name">john<\/strong>/)
  t.match(res.body, /<button type="submit">Sign out<\/button>/)
  t.match(res.body, /href="https:\/\/app\.example\/signed-out\?x=1&amp;state=st\+1"/, 'a link back to the registered URI, with state')
  t.equal(res.headers['access-control-allow-origin'], undefined, 'never CORS')
  t.ok(await sessionAlive(jar), 'nothing ended by a GET')
})

t.test('the page\'s own form ends the session, then 303 to the registered URI with state (§3)', async (t) => {
  const { jar, idToken } = await signedIn()
  const page = await get(h.app, jar, logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: AFTER, state: 'st-2' }))
  const fields = Object.fromEntries([...page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]))
  t.same(Object.keys(fields).sort(), ['client_id', 'csrf', 'id_token_hint', 'post_logout_redirect_uri', 'state'])
  const res = await post(h.app, jar, LOGOUT, fields, { origin: h.config.issuer })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `${AFTER}&state=st-2`)
  t.notOk(await sessionAlive(jar), 'the session ended')
  t.notOk(jar.cookies.has('tessera_session'), 'its cookie deleted')
})

t.test('without a registered URI: "Signed out."', async (t) => {
  const { jar } = await signedIn()
  const page = await get(h.app, jar, LOGOUT)
  const res = await post(h.app, jar, LOGOUT, { csrf: hiddenFields(page.body).csrf })
  t.equal(res.statusCode, 200)
  t.match(res.body, /Signed out\./)
  t.notOk(await sessionAlive(jar))
})

t.test('a POST from another site (no valid anti-CSRF token) shows the page and changes nothing', async (t) => {
  const { jar, idToken } = await signedIn()
  const res = await post(h.app, jar, LOGOUT, { id_token_hint: idToken, post_logout_redirect_uri: AFTER, state: 'x' }, { origin: 'https://evil.example' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /asks you to sign out/)
  t.ok(await sessionAlive(jar))
  const forged = await post(h.app, jar, LOGOUT, { csrf: 'A'.repeat(43) })
  t.equal(forged.statusCode, 200)
  t.ok(await sessionAlive(jar), 'a wrong token changes nothing')
})

t.test('the own form posted from another origin: 403, nothing changed (the CSRF rule)', async (t) => {
  const { jar } = await signedIn()
  const page = await get(h.app, jar, LOGOUT)
  const res = await post(h.app, jar, LOGOUT, { csrf: hiddenFields(page.body).csrf }, { origin: 'null' })
  t.equal(res.statusCode, 403)
  t.ok(await sessionAlive(jar))
})

t.test('without a session: the page says so, no sign-out button, a link back when the URI is registered', async (t) => {
  const res = await get(h.app, new CookieJar(), logoutUrl({ client_id: app.id, post_logout_redirect_uri: AFTER }))
  t.equal(res.statusCode, 200)
  t.match(res.body, /You are not signed in on this browser/)
  t.notMatch(res.body, /<button/)
  t.match(res.body, /href="https:\/\/app\.example\/signed-out\?x=1"/)
})

t.test('post_logout_redirect_uri not registered for the app, or with no app named: a 400 page, no redirect', async (t) => {
  const { jar, idToken } = await signedIn()
  const cases: Array<Record<string, string>> = [
    { client_id: app.id, post_logout_redirect_uri: 'https://app.example/signed-out' },
    { client_id: app.id, post_logout_redirect_uri: 'https://evil.example/' },
    { client_id: other.id, post_logout_redirect_uri: AFTER },
    { id_token_hint: idToken, post_logout_redirect_uri: AFTER + '&y' },
    { post_logout_redirect_uri: AFTER },
    { client_id: 'tc_unknown', post_logout_redirect_uri: AFTER },
  ]
  for (const params of cases) {
    const res = await get(h.app, jar, logoutUrl(params))
    t.equal(res.statusCode, 400, JSON.stringify(params))
    t.equal(res.headers.location, undefined)
    t.match(res.body, /No redirect to the app was made/)
  }
  const ok = await get(h.app, jar, logoutUrl({ client_id: app.id, post_logout_redirect_uri: 'http://127.0.0.1:9000/bye' }))
  t.equal(ok.statusCode, 200, 'registered: exact string comparison')
  t.ok(await sessionAlive(jar))
})

t.test('id_token_hint: iss and signature checked, exp ignored, unknown kid absent, client_id must match aud', async (t) => {
  const { jar, idToken } = await signedIn()
  const other = await generateKeyPair('RS256')
  const foreign = await new SignJWT({ aud: app.id }).setProtectedHeader({ alg: 'RS256', kid: 'not-ours', typ: 'JWT' })
    .setIssuer(h.config.issuer).setSubject('tu_x').setIssuedAt().setExpirationTime('5m').sign(other.privateKey)
  const absent = await get(h.app, jar, logoutUrl({ id_token_hint: foreign }))
  t.equal(absent.statusCode, 200, 'a kid no longer held: as if absent')
  t.notMatch(absent.body, /asks you to sign out/, 'no app named from it')

  const tampered = idToken.slice(0, -6) + 'AAAAAA'
  t.equal((await get(h.app, jar, logoutUrl({ id_token_hint: tampered }))).statusCode, 400, 'a bad signature')
  t.equal((await get(h.app, jar, logoutUrl({ id_token_hint: 'not.a.jwt' }))).statusCode, 400, 'garbage')
  const rsa = await harness({ config: { signingAlg: 'RS256' } })
  t.teardown(() => rsa.close())
  const rsaApp = await rsa.createClient({ public: true, grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid'] })
  await createProfileUser(rsa, JOHN)
  const rsaTokens = await tokensFor(rsa, new CookieJar(), rsaApp.id, REDIRECT, { scope: 'openid' }, JOHN)
  const asHint = await get(rsa.app, new CookieJar(), logoutUrl({ id_token_hint: rsaTokens.access_token as string }))
  t.equal(asHint.statusCode, 400, 'an access token under the same RS256 key is no ID token (typ at+jwt)')
  t.equal((await get(rsa.app, new CookieJar(), logoutUrl({ id_token_hint: rsaTokens.id_token as string }))).statusCode, 200)
  const third = await h.createClient({ scopes: ['read'] })
  const mismatch = await get(h.app, jar, logoutUrl({ id_token_hint: idToken, client_id: third.id }))
  t.equal(mismatch.statusCode, 400, 'client_id different from the hint\'s aud')
  t.match(mismatch.body, /does not match/)
  t.equal((await get(h.app, jar, logoutUrl({ id_token_hint: idToken, client_id: app.id }))).statusCode, 200, 'the same client: fine')
})

t.test('an expired id_token_hint still names the app (exp ignored, §2)', async (t) => {
  let offset = 0
  const timed = await harness({ clock: () => Date.now() + offset })
  t.teardown(() => timed.close())
  const client = await timed.createClient({
    name: 'Timed app', grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid'], public: true, ttl: 60, postLogoutRedirectUris: [AFTER],
  })
  await createProfileUser(timed, JOHN)
  const jar = new CookieJar()
  const { id_token } = await tokensFor(timed, jar, client.id, REDIRECT, { scope: 'openid' }, JOHN)
  offset = 3_600_000
  const res = await get(timed.app, jar, logoutUrl({ id_token_hint: id_token as string, post_logout_redirect_uri: AFTER }))
  t.equal(res.statusCode, 200)
  t.match(res.body, /Timed app<\/strong> asks you to sign out/)
})

t.test('each parameter at most once: a 400 page', async (t) => {
  const res = await h.app.inject({ url: `${LOGOUT}?state=a&state=b` })
  t.equal(res.statusCode, 400)
  const form = await h.app.inject({ method: 'POST', url: LOGOUT, headers: { 'content-type': FORM }, payload: 'client_id=a&client_id=b' })
  t.equal(form.statusCode, 400)
})
