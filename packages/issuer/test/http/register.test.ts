// POST /oauth2/register (RFC 7591 §2, §3; DESIGN.md, "MCP servers and other
// self-registering apps"): every field, its default and its refusals, the
// answer, and what is never taken from the request.
import t, { type Test } from 'tap'
import { harness } from '../fixtures/harness.js'
import { register as registerFrom, REGISTER, REGISTRATION } from './fixtures/register.js'

const h = await harness({ config: REGISTRATION })
t.teardown(() => h.close())

const LOOPBACK = 'http://127.0.0.1/callback'
// Each registration from its own address: the per-address limit has tests of its own (register-limits.test.ts).
let address = 0
const register = (app: typeof h.app, metadata: unknown) => registerFrom(app, metadata, `10.1.${address >> 8}.${address++ & 255}`)
const clientCount = async () => (await h.admin.clients.list()).length

/** A registration that must be refused with `error`, changing nothing. */
async function refused(t: Test, metadata: unknown, error: string, why: string): Promise<void> {
  const before = await clientCount()
  const res = await register(h.app, metadata)
  t.equal(res.statusCode, 400, `${why}: 400`)
  t.equal(res.json().error, error, `${why}: ${error}`)
  t.type(res.json().error_description, 'string')
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(await clientCount(), before, `${why}: nothing registered`)
}

t.test('off (the default): POST /oauth2/register is 404 and the metadata names no registration_endpoint', async (t) => {
  const off = await harness()
  t.teardown(() => off.close())
  const res = await register(off.app, { redirect_uris: [LOOPBACK] })
  t.equal(res.statusCode, 404)
  t.equal((await off.admin.clients.list()).length, 0)
  const metadata = (await off.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json()
  t.notOk('registration_endpoint' in metadata)
})

t.test('open: the metadata names the registration endpoint (RFC 8414 §2) and the scopes registered clients may ask', async (t) => {
  const metadata = (await h.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json()
  t.equal(metadata.registration_endpoint, 'http://localhost:8080/oauth2/register')
  t.ok(metadata.scopes_supported.includes('tools:read') && metadata.scopes_supported.includes('tools:call'))
})

t.test('redirect_uris alone: 201 with the defaults, a public client (RFC 7591 §3.2.1)', async (t) => {
  const res = await register(h.app, { redirect_uris: [LOOPBACK] })
  t.equal(res.statusCode, 201)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers.pragma, 'no-cache')
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json()
  t.match(body.client_id, /^tc_/)
  t.type(body.client_id_issued_at, 'number')
  t.ok(Math.abs(body.client_id_issued_at - Date.now() / 1000) < 60, 'client_id_issued_at in seconds')
  t.same(body, {
    client_id: body.client_id, client_id_issued_at: body.client_id_issued_at, redirect_uris: [LOOPBACK],
    grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none', scope: 'tools:read tools:call',
  }, 'no client_name, no secret; every scope offered')
  const stored = await h.admin.clients.show(body.client_id)
  t.match(stored, {
    public: true, registered: true, lastUsedAt: null, grants: ['authorization_code'], scopes: ['tools:read', 'tools:call'],
    audiences: ['https://mcp.example/mcp', 'https://other.example/mcp'], redirectUris: [LOOPBACK], skipConsent: false, name: '',
  })
})

t.test('every field: client_name after NFC, both grants, a narrower scope; any token_endpoint_auth_method is registered as none', async (t) => {
  const res = await register(h.app, {
    redirect_uris: ['https://assistant.example/callback', 'cursor://anysphere.cursor-mcp/oauth/callback', LOOPBACK, LOOPBACK],
    client_name: 'Cafe\u0301 Assistant',
    grant_types: ['refresh_token', 'authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'tools:call',
  })
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.same(body.redirect_uris, ['https://assistant.example/callback', 'cursor://anysphere.cursor-mcp/oauth/callback', LOOPBACK], 'in order, duplicates dropped')
  t.equal(body.client_name, 'Caf\u00e9 Assistant', 'NFC')
  t.same(body.grant_types, ['authorization_code', 'refresh_token'])
  t.equal(body.token_endpoint_auth_method, 'none', 'the answer says the client is public')
  t.equal(body.scope, 'tools:call')
  t.notOk('client_secret' in body)
  t.match(await h.admin.clients.show(body.client_id), { name: 'Caf\u00e9 Assistant', public: true, grants: ['authorization_code', 'refresh_token'], scopes: ['tools:call'] })
})

t.test('unknown metadata is ignored and never echoed; client_id, a secret and client_id_issued_at are never taken from the request', async (t) => {
  const res = await register(h.app, {
    redirect_uris: [LOOPBACK], client_id: 'tc_chosen', client_secret: 'chosen', client_id_issued_at: 1, client_secret_expires_at: 0,
    logo_uri: 'https://evil.example/logo.png', client_uri: 'https://evil.example', contacts: ['a@evil.example'], software_id: 'x', jwks: { keys: [] },
  })
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.not(body.client_id, 'tc_chosen')
  t.not(body.client_id_issued_at, 1)
  t.same(Object.keys(body).sort(), ['client_id', 'client_id_issued_at', 'grant_types', 'redirect_uris', 'response_types', 'scope', 'token_endpoint_auth_method'])
  t.equal(await h.admin.clients.show('tc_chosen').catch(() => null), null)
  t.equal(await h.core.authenticateClient(body.client_id, 'chosen'), null, 'no secret: a public client never authenticates with one')
})

t.test('redirect_uris: required, an array of URIs under the redirect URI rules, else invalid_redirect_uri', async (t) => {
  await refused(t, {}, 'invalid_redirect_uri', 'missing')
  await refused(t, { redirect_uris: null }, 'invalid_redirect_uri', 'null')
  await refused(t, { redirect_uris: [] }, 'invalid_redirect_uri', 'empty')
  await refused(t, { redirect_uris: LOOPBACK }, 'invalid_redirect_uri', 'a string, not an array')
  await refused(t, { redirect_uris: [LOOPBACK, 42] }, 'invalid_redirect_uri', 'not a string')
  for (const uri of ['javascript:alert(1)', 'JavaScript://x/%0aalert(1)', 'data:text/html,<script>', 'file:///etc/passwd', 'blob:https://a.example/1',
    'vbscript:msgbox', 'about:blank', 'http://app.example/cb', 'https://app.example/cb#frag', '/relative/cb', 'https://a.example/ cb']) {
    await refused(t, { redirect_uris: [LOOPBACK, uri] }, 'invalid_redirect_uri', uri)
  }
  await refused(t, { redirect_uris: Array.from({ length: 11 }, (_, i) => `https://app.example/cb${i}`) }, 'invalid_redirect_uri', 'more than 10')
  await refused(t, { redirect_uris: [`https://app.example/${'a'.repeat(2048)}`] }, 'invalid_redirect_uri', 'longer than 2048')
})

t.test('redirect_uris: a private-use scheme need not contain a "." for a registered client (unlike client create)', async (t) => {
  for (const uri of ['myapp:/callback', 'vscode://vscode.github-authentication/did-authenticate', 'http://[::1]:33418/', 'http://localhost:6274/oauth/callback']) {
    const res = await register(h.app, { redirect_uris: [uri] })
    t.equal(res.statusCode, 201, uri)
    t.same(res.json().redirect_uris, [uri], `${uri}: kept exactly as given`)
  }
})

t.test('client_name: a string of at most 100 code points after NFC, none of Cc, Cf, Zl, Zp, else invalid_client_metadata', async (t) => {
  const astral = '\u{1F916}'.repeat(100)
  t.equal((await register(h.app, { redirect_uris: [LOOPBACK], client_name: astral })).statusCode, 201, '100 code points (200 UTF-16 units) pass')
  t.equal((await register(h.app, { redirect_uris: [LOOPBACK], client_name: 'e\u0301'.repeat(100) })).statusCode, 201, '200 code points that NFC makes 100 pass')
  t.equal((await register(h.app, { redirect_uris: [LOOPBACK], client_name: null })).statusCode, 201, 'null counts as absent')
  await refused(t, { redirect_uris: [LOOPBACK], client_name: 'a'.repeat(101) }, 'invalid_client_metadata', '101 code points')
  await refused(t, { redirect_uris: [LOOPBACK], client_name: 42 }, 'invalid_client_metadata', 'a number')
  await refused(t, { redirect_uris: [LOOPBACK], client_name: '  ' }, 'invalid_client_metadata', 'blank')
  for (const [c, name] of [['\u202e', 'U+202E (Cf)'], ['\u200b', 'U+200B (Cf)'], ['\n', 'LF (Cc)'], ['\u2028', 'U+2028 (Zl)'], ['\u2029', 'U+2029 (Zp)'], ['\u0000', 'NUL (Cc)']]) {
    await refused(t, { redirect_uris: [LOOPBACK], client_name: `Good${c}App` }, 'invalid_client_metadata', name!)
  }
})

t.test('grant_types: only authorization_code and refresh_token, authorization_code among them, else invalid_client_metadata', async (t) => {
  for (const grants of [['client_credentials'], ['authorization_code', 'password'], ['refresh_token'], [], 'authorization_code', ['implicit']]) {
    await refused(t, { redirect_uris: [LOOPBACK], grant_types: grants }, 'invalid_client_metadata', JSON.stringify(grants))
  }
})

t.test('response_types: ["code"] only, else invalid_client_metadata', async (t) => {
  t.equal((await register(h.app, { redirect_uris: [LOOPBACK], response_types: ['code', 'code'] })).statusCode, 201)
  for (const types of [['token'], ['code', 'token'], 'code', [], ['code id_token']]) {
    await refused(t, { redirect_uris: [LOOPBACK], response_types: types }, 'invalid_client_metadata', JSON.stringify(types))
  }
})

t.test('scope: within TESSERA_REGISTRATION_SCOPE, else invalid_client_metadata; omitted or empty: all of it', async (t) => {
  t.equal((await register(h.app, { redirect_uris: [LOOPBACK], scope: '' })).json().scope, 'tools:read tools:call')
  t.equal((await register(h.app, { redirect_uris: [LOOPBACK], scope: 'tools:call  tools:read' })).json().scope, 'tools:read tools:call')
  await refused(t, { redirect_uris: [LOOPBACK], scope: 'tools:read admin' }, 'invalid_client_metadata', 'a scope not offered')
  await refused(t, { redirect_uris: [LOOPBACK], scope: ['tools:read'] }, 'invalid_client_metadata', 'not a string')
  await refused(t, { redirect_uris: [LOOPBACK], scope: 'tools:read "x"' }, 'invalid_client_metadata', 'malformed (RFC 6749 §3.3)')
})

t.test('the body: a JSON object, else invalid_client_metadata; too large: 413; other methods: 405', async (t) => {
  const send = (payload: string, type = 'application/json') =>
    h.app.inject({ method: 'POST', url: REGISTER, headers: { 'content-type': type }, payload })
  for (const [payload, type, why] of [
    ['{"redirect_uris": [', 'application/json', 'malformed JSON'],
    ['[]', 'application/json', 'an array'],
    ['null', 'application/json', 'null'],
    ['"x"', 'application/json', 'a string'],
    [`redirect_uris=${encodeURIComponent(LOOPBACK)}`, 'application/x-www-form-urlencoded', 'a form'],
    ['{}', 'text/plain', 'text/plain'],
  ] as const) {
    const res = await send(payload, type)
    t.equal(res.statusCode, 400, `${why}: 400`)
    t.equal(res.json().error, 'invalid_client_metadata', `${why}: invalid_client_metadata`)
    t.equal(res.headers['cache-control'], 'no-store')
  }
  const big = await send(JSON.stringify({ redirect_uris: [LOOPBACK], client_uri: 'x'.repeat(40_000) }))
  t.equal(big.statusCode, 413)
  const get = await h.app.inject({ method: 'GET', url: REGISTER })
  t.equal(get.statusCode, 405)
  t.equal(get.headers.allow, 'POST')
})

t.test('client list marks registered clients "registered": true (and created ones false)', async (t) => {
  const created = await h.createClient({ name: 'made by the operator' })
  const { client_id: registered } = (await register(h.app, { redirect_uris: [LOOPBACK], client_name: 'An assistant' })).json()
  const list = await h.admin.clients.list()
  t.equal(list.find((c) => c.id === registered)?.registered, true)
  t.equal(list.find((c) => c.id === created.id)?.registered, false)
})
