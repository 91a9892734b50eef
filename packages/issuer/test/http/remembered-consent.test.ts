// Remembered consent (DESIGN.md "The account page, remembered consent,
// scope descriptions and branding"; RFC 8252 §8.6), and the first-party
// plain sign-in page ("The sign-in page"), through the real core and store.
import t from 'tap'
import { AUTHORIZE, authorizeUrl, CookieJar, get, hiddenFields, LOGOUT, pkce, post, redirectParams } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'
import { maySkipConsent } from '../../src/oauth/authorize/interaction.js'

const h = await harness()
t.teardown(() => h.close())
const API = 'https://api.example'
const LOOPBACK = 'http://127.0.0.1/callback'
const HTTPS = 'https://app.example/callback'
const spec = { grants: ['authorization_code' as const], scopes: ['read', 'write'], audiences: [API] }
const confidential = await h.createClient({ ...spec, name: 'Web app', redirectUris: [HTTPS] })
const httpsPublic = await h.createClient({ ...spec, name: 'Browser app', public: true, redirectUris: [HTTPS] })
const loopbackPublic = await h.createClient({ ...spec, name: 'Desktop app', public: true, redirectUris: [HTTPS, LOOPBACK] })
const firstParty = await h.createClient({ ...spec, name: 'Our own app', redirectUris: [HTTPS], skipConsent: true })
const john = await h.createUser({ username: 'john', password: 'correct horse', scopes: ['read', 'write'] })
const { challenge } = pkce()

const url = (clientId: string, redirectUri: string, extra: Record<string, string> = {}) => authorizeUrl({
  response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: challenge,
  code_challenge_method: 'S256', state: 'st', resource: API, scope: 'read', ...extra,
})

/** A browser that signed in and allowed `scope` for the client (through the page, as a person would). */
async function allowed(clientId: string, redirectUri = HTTPS, scope = 'read') {
  const jar = new CookieJar()
  const page = hiddenFields((await get(h.app, jar, url(clientId, redirectUri, { scope }))).body)
  const res = await post(h.app, jar, AUTHORIZE, { ...page, username: 'john', password: 'correct horse', action: 'allow' })
  if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode}`)
  return jar
}

const isCode = (res: { statusCode: number }) => res.statusCode === 303 && /^[A-Za-z0-9_-]{43}$/.test(redirectParams(res as never).get('code') ?? '')

t.test('"Allow" is remembered: the same request within the session gets its code at once, and prompt=none succeeds', async (t) => {
  const jar = await allowed(confidential.id)
  t.same(await h.core.consents.remembered(john.id, confidential.id, API), ['read'], 'the consent is recorded for the audience')
  t.ok(isCode(await get(h.app, jar, url(confidential.id, HTTPS))), 'no page: the code at once')
  t.ok(isCode(await get(h.app, jar, url(confidential.id, HTTPS, { prompt: 'none' }))), 'prompt=none succeeds')
})

t.test('asking for more shows the consent page naming only what is new; "Allow" adds it', async (t) => {
  const jar = await allowed(confidential.id)
  const page = await get(h.app, jar, url(confidential.id, HTTPS, { scope: 'read write' }))
  t.equal(page.statusCode, 200)
  t.match(page.body, /<li>write<\/li>/)
  t.notMatch(page.body, /<li>read<\/li>/, 'what was allowed before is not asked again')
  const none = await get(h.app, jar, url(confidential.id, HTTPS, { scope: 'read write', prompt: 'none' }))
  t.equal(redirectParams(none).get('error'), 'consent_required', 'prompt=none cannot grant what is new')
  t.ok(isCode(await post(h.app, jar, AUTHORIZE, { ...hiddenFields(page.body), action: 'allow' })))
  t.ok(isCode(await get(h.app, jar, url(confidential.id, HTTPS, { scope: 'read write' }))), 'both are covered now')
})

t.test('prompt=consent always asks, naming every scope', async (t) => {
  const jar = await allowed(confidential.id)
  const page = await get(h.app, jar, url(confidential.id, HTTPS, { prompt: 'consent' }))
  t.equal(page.statusCode, 200)
  t.match(page.body, /Allow access\?/)
  t.match(page.body, /<li>read<\/li>/)
})

t.test('another audience is another consent', async (t) => {
  const jar = await allowed(confidential.id)
  t.same(await h.core.consents.remembered(john.id, confidential.id, 'https://other.example'), [])
  t.ok(isCode(await get(h.app, jar, url(confidential.id, HTTPS))))
})

t.test('RFC 8252 §8.6: a public client whose redirect URIs are all https is remembered; one with a loopback URI is asked every time', async (t) => {
  const web = await allowed(httpsPublic.id)
  t.ok(isCode(await get(h.app, web, url(httpsPublic.id, HTTPS))), 'all https: remembered')
  const desktop = await allowed(loopbackPublic.id, LOOPBACK)
  for (const redirect of [LOOPBACK, HTTPS]) {
    const again = await get(h.app, desktop, url(loopbackPublic.id, redirect))
    t.equal(again.statusCode, 200, `asked again (${redirect})`)
    t.match(again.body, /<li>read<\/li>/, 'naming every scope')
    const none = await get(h.app, desktop, url(loopbackPublic.id, redirect, { prompt: 'none' }))
    t.equal(redirectParams(none).get('error'), 'consent_required')
  }
})

t.test('a client that registered itself never skips the page, even after a consent', async (t) => {
  const registered = { id: 'x', name: '', public: true, redirectUris: [HTTPS], skipConsent: false, registered: true }
  t.equal(maySkipConsent(registered as never, ['read'], ['read']), false)
  t.equal(maySkipConsent({ ...registered, registered: false } as never, ['read'], ['read']), true, 'the same client created by the operator')
  t.equal(maySkipConsent({ ...registered, registered: false } as never, ['read', 'write'], ['read']), false, 'not covered')
})

t.test('a first-party client\'s page without a session is a plain sign-in page; "Sign in" records no consent', async (t) => {
  const jar = new CookieJar()
  const page = await get(h.app, jar, url(firstParty.id, HTTPS))
  t.equal(page.statusCode, 200)
  t.match(page.body, /Our own app/)
  t.match(page.body, /type="password"/)
  t.match(page.body, /<button type="submit" name="action" value="sign-in">Sign in<\/button>/)
  t.notMatch(page.body, />Deny</, 'no Deny')
  t.notMatch(page.body, />Allow</, 'no Allow')
  t.notMatch(page.body, /<ul class="scopes">/, 'no scope list')
  const res = await post(h.app, jar, AUTHORIZE, { ...hiddenFields(page.body), username: 'john', password: 'correct horse', action: 'sign-in' })
  t.ok(isCode(res))
  t.same(await h.core.consents.remembered(john.id, firstParty.id, API), [], 'no consent recorded')
  const withConsent = await get(h.app, new CookieJar(), url(firstParty.id, HTTPS, { prompt: 'consent' }))
  t.match(withConsent.body, />Allow</, 'prompt=consent shows Allow and Deny')
  t.match(withConsent.body, />Deny</)
})

t.test('"Sign in" is refused on a page that asks for consent', async (t) => {
  const jar = new CookieJar()
  const page = await get(h.app, jar, url(confidential.id, HTTPS))
  const res = await post(h.app, jar, AUTHORIZE, { ...hiddenFields(page.body), username: 'john', password: 'correct horse', action: 'sign-in' })
  t.equal(res.statusCode, 400)
  t.equal(res.headers.location, undefined)
})

t.test('the logout page without a session shows no button', async (t) => {
  const res = await get(h.app, new CookieJar(), LOGOUT)
  t.equal(res.statusCode, 200)
  t.match(res.body, /You are not signed in on this browser\./)
  t.notMatch(res.body, /<button/)
  t.notMatch(res.body, /<form/)
})

t.test('the consent page\'s "Not you?" link stands apart', async (t) => {
  const jar = await allowed(confidential.id)
  const page = await get(h.app, jar, url(confidential.id, HTTPS, { prompt: 'consent' }))
  t.match(page.body, /<p class="muted switch">Not you\? <a href="[^"]+">Sign in as someone else<\/a>\.<\/p>/)
  t.match(page.body, /\.switch\{margin:1\.5rem 0 0;padding-top:1rem/, 'room above it')
})

t.test('pages name each scope by its description (escaped), by its name where none is set; scopes_supported is unchanged', async (t) => {
  const supported = async () => JSON.parse((await h.app.inject('/.well-known/oauth-authorization-server')).body).scopes_supported as string[]
  const before = await supported()
  await h.admin.scopes.set('write', 'Change your <b>bookings</b>')
  t.teardown(() => h.admin.scopes.delete('write'))
  const page = await get(h.app, new CookieJar(), url(confidential.id, HTTPS, { scope: 'read write' }))
  t.match(page.body, /<li class="described" title="write">Change your &lt;b&gt;bookings&lt;\/b&gt;<\/li>/)
  t.match(page.body, /<li>read<\/li>/, 'no description: its name')
  const consent = await get(h.app, await allowed(confidential.id), url(confidential.id, HTTPS, { scope: 'read write', prompt: 'consent' }))
  t.match(consent.body, /Change your &lt;b&gt;bookings/, 'the consent page too')
  // The clients' scopes (and, since OpenID Connect, the identity scopes), whatever descriptions are set.
  t.same(await supported(), before)
  t.ok(before.includes('read') && before.includes('write'))
})
