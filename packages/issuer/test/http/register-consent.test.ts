// A client that registered itself (DESIGN.md, "MCP servers and other
// self-registering apps") is unverified: the sign-in and consent pages mark
// it "not verified by Tessera" beside its name (its id when it gave none),
// and every authorization asks the person, even within a session, even if
// the database says to skip consent; a code issued records its use.
import t from 'tap'
import { AUTHORIZE, authorizeUrl, CookieJar, get, hiddenFields, pkce, post, redirectParams } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'
import { register, REGISTRATION } from './fixtures/register.js'

const h = await harness({ config: REGISTRATION })
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
await h.createUser({ username: 'john', password: 'correct horse', scopes: ['tools:read', 'tools:call'] })
const { challenge } = pkce()
const url = (clientId: string, extra: Record<string, string> = {}) => authorizeUrl({
  response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256',
  resource: 'https://mcp.example/mcp', ...extra,
})
const registered = async (metadata: Record<string, unknown> = {}): Promise<string> =>
  (await register(h.app, { redirect_uris: [REDIRECT], ...metadata })).json().client_id

const MARK = /<strong class="name">([^<]*)<\/strong> <span class="unverified">\(not verified by Tessera\)<\/span>/

t.test('the sign-in page marks a registered client "not verified by Tessera" beside its name, escaped', async (t) => {
  const id = await registered({ client_name: 'Assistant <b>bold</b>' })
  const page = await get(h.app, new CookieJar(), url(id))
  t.equal(page.statusCode, 200)
  t.equal(MARK.exec(page.body)?.[1], 'Assistant &lt;b&gt;bold&lt;/b&gt;')
  t.notMatch(page.body, /<b>bold/)
})

t.test('a registered client without client_name is named by its id', async (t) => {
  const id = await registered()
  t.equal(MARK.exec((await get(h.app, new CookieJar(), url(id))).body)?.[1], id)
})

t.test('a client the operator created carries no mark', async (t) => {
  const created = await h.createClient({ name: 'Our app', public: true, grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['tools:read'], audiences: ['https://mcp.example/mcp'] })
  const page = await get(h.app, new CookieJar(), url(created.id))
  t.equal(page.statusCode, 200)
  t.notMatch(page.body, /not verified/)
})

t.test('every authorization asks: within a session, after an Allow, even when the database says skip consent; prompt=none is consent_required', async (t) => {
  const id = await registered({ client_name: 'Assistant' })
  const jar = new CookieJar()
  const first = await post(h.app, jar, AUTHORIZE, { ...hiddenFields((await get(h.app, jar, url(id))).body), username: 'john', password: 'correct horse', action: 'allow' })
  t.equal(first.statusCode, 303)
  t.ok(redirectParams(first).get('code'), 'signed in and allowed once')
  t.ok((await h.admin.clients.show(id)).lastUsedAt, 'the code recorded a use')

  const again = await get(h.app, jar, url(id))
  t.equal(again.statusCode, 200, 'asked again within the session')
  t.match(again.body, /Signed in as/)
  t.equal(MARK.exec(again.body)?.[1], 'Assistant', 'the consent page marks it too')

  await h.admin.store.clients.update(id, { skipConsent: true }, Date.now())
  const forced = await get(h.app, jar, url(id))
  t.equal(forced.statusCode, 200, 'skip consent in the database changes nothing for a registered client')
  t.match(forced.body, />Allow</)

  const none = await get(h.app, jar, url(id, { prompt: 'none' }))
  t.equal(none.statusCode, 303)
  t.equal(redirectParams(none).get('error'), 'consent_required')
})
