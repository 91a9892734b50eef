// The token endpoint's transport rules: method, content type, size, and the
// no-store headers on every answer (RFC 6749 §3.2, §5.1, §5.2).
import t, { type Test } from 'tap'
import { harness } from '../fixtures/harness.js'
import { body, FORM, postToken, TOKEN } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
const client = await h.createClient({ scopes: ['read'] })
const good = { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }

function assertNoStore(t: Test, res: { headers: Record<string, unknown> }) {
  t.equal(res.headers['cache-control'], 'no-store', 'Cache-Control: no-store (RFC 6749 §5.1)')
  t.equal(res.headers['pragma'], 'no-cache', 'Pragma: no-cache (RFC 6749 §5.1)')
}

// OPTIONS is the CORS preflight (DESIGN.md "OpenID Connect", browser apps): oidc-discovery.test.ts.
t.test('every method but POST (and the OPTIONS preflight) is 405 with Allow: POST and no-store (RFC 9110 §15.5.6, RFC 6749 §3.2)', async (t) => {
  // TRACE and PROPFIND (and any method no route names) too, at the token and revocation endpoints.
  for (const [method, url] of [
    ...(['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'PROPFIND'] as const).map((m) => [m, TOKEN] as const),
    ['TRACE', '/oauth2/revoke'], ['PROPFIND', `${TOKEN}?x=1`],
  ] as const) {
    // light-my-request types only the common methods; it sends any method as given.
    const res = await h.app.inject({ method: method as 'GET', url })
    t.equal(res.statusCode, 405, method)
    t.equal(res.headers.allow, 'POST', `${method} Allow`)
    assertNoStore(t, res)
    if (method !== 'HEAD') t.equal(res.json().error, 'invalid_request')
  }
})

t.test('a body that is not application/x-www-form-urlencoded is invalid_request (RFC 6749 §3.2)', async (t) => {
  for (const [type, payload] of [
    ['application/json', JSON.stringify(good)],
    ['text/plain', body(good)],
    ['multipart/form-data; boundary=x', '--x--'],
  ] as const) {
    const res = await h.app.inject({ method: 'POST', url: TOKEN, headers: { 'content-type': type }, payload })
    t.equal(res.statusCode, 400, type)
    t.equal(res.json().error, 'invalid_request', type)
    assertNoStore(t, res)
  }
  const none = await h.app.inject({ method: 'POST', url: TOKEN })
  t.equal(none.statusCode, 400, 'no content type, no body')
  t.equal(none.json().error, 'invalid_request')
  assertNoStore(t, none)
  const malformedType = await h.app.inject({ method: 'POST', url: TOKEN, headers: { 'content-type': '/////' }, payload: body(good) })
  t.equal(malformedType.statusCode, 400, 'malformed content type')
  t.equal(malformedType.json().error, 'invalid_request')
  assertNoStore(t, malformedType)
})

t.test('the form content type may carry a charset parameter', async (t) => {
  const res = await postToken(h.app, good, { 'content-type': `${FORM}; charset=UTF-8` })
  t.equal(res.statusCode, 200)
})

t.test('a body over the limit is 413 with no-store', async (t) => {
  const res = await postToken(h.app, body(good) + '&pad=' + 'x'.repeat(20_000))
  t.equal(res.statusCode, 413)
  t.equal(res.json().error, 'invalid_request')
  assertNoStore(t, res)
})

t.test('invalid percent-encoding in the form is invalid_request', async (t) => {
  const res = await postToken(h.app, body(good) + '&scope=%E0%A4%A')
  t.equal(res.statusCode, 400)
  t.equal(res.json().error, 'invalid_request')
  assertNoStore(t, res)
})

t.test('success carries no-store and the RFC 6749 §5.1 JSON shape', async (t) => {
  const res = await postToken(h.app, good)
  t.equal(res.statusCode, 200)
  assertNoStore(t, res)
  t.match(res.headers['content-type'], /^application\/json/)
  const json = res.json()
  t.same(Object.keys(json).sort(), ['access_token', 'expires_in', 'scope', 'token_type'])
  t.equal(json.token_type, 'Bearer')
  t.equal(json.scope, 'read')
  t.type(json.expires_in, 'number')
})

t.test('errors are RFC 6749 §5.2 JSON {error, error_description} with no-store', async (t) => {
  const res = await postToken(h.app, { grant_type: 'client_credentials', client_id: client.id, client_secret: 'wrong' })
  t.equal(res.statusCode, 401)
  assertNoStore(t, res)
  t.same(Object.keys(res.json()).sort(), ['error', 'error_description'])
  t.match(res.json().error_description, /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/, 'description uses the §5.2 character set')
})
