// The core's authenticate() with a Web-standard Request (Node 20's global
// Request): RFC 6750 §2 sources, the same rules and errors as for node:http
// requests, and a form body read from a clone, so the application still can.
import t from 'tap'
import { extractToken, InvalidRequestError, InvalidTokenError, NoTokenError } from '../src/index.js'
import { buildVerifier } from '../src/verifier.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, signToken } from './fixtures/helpers.js'

const key = makeKey('ES256', 'k1')
const good = signToken(key, claims({ scope: 'read' }))
const strict = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key) })
const open = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), allowFormBody: true, allowQuery: true, realm: 'orders' })
const url = 'http://127.0.0.1/r'
const form = { 'content-type': 'application/x-www-form-urlencoded' }
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e)

t.test('RFC 6750 §2.1: the Authorization header, read through Headers.get', async (t) => {
  const claimsOf = await strict.authenticate(new Request(url, { headers: { Authorization: `bearer ${good}` } }), { scopes: ['read'] })
  t.equal(claimsOf.sub, 'client_abc', 'scheme in any case')
  t.type(await failure(strict.authenticate(new Request(url))), NoTokenError, 'no header: no token')
  t.type(await failure(strict.authenticate(new Request(url, { headers: { authorization: 'Basic dTpw' } }))), NoTokenError, 'another scheme: no token')
  t.type(await failure(strict.authenticate(new Request(url, { headers: { authorization: 'Bearer a b' } }))), InvalidRequestError, 'malformed Bearer header')
  t.type(await failure(strict.authenticate(new Request(url, { headers: { authorization: `Bearer ${good.slice(0, -2)}AA` } }))), InvalidTokenError)
  t.match(await failure(strict.authenticate(new Request(url, { headers: { authorization: `Bearer ${good}` } }), { scopes: ['admin'] })), { code: 'insufficient_scope' })
})

t.test('RFC 6750 §2.3: the query string only with allowQuery', async (t) => {
  const request = () => new Request(`${url}?access_token=${good}`)
  t.type(await failure(strict.authenticate(request())), NoTokenError, 'off by default')
  t.equal((await open.authenticate(request())).sub, 'client_abc')
  t.type(await failure(open.authenticate(new Request(`${url}?access_token=a&access_token=b`))), InvalidRequestError, 'repeated')
})

t.test('RFC 6750 §2.2: the form body, from a clone, only when enabled, form-encoded and not GET', async (t) => {
  const post = () => new Request(url, { method: 'POST', headers: form, body: `access_token=${good}&item=7` })
  t.type(await failure(strict.authenticate(post())), NoTokenError, 'off by default')
  const request = post()
  t.equal((await open.authenticate(request)).sub, 'client_abc')
  t.equal(request.bodyUsed, false, 'the body is left unread')
  t.equal((await request.formData()).get('item'), '7', 'the application reads it whole')
  const json = new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: good }) })
  t.type(await failure(open.authenticate(json)), NoTokenError, 'a JSON body is not a token source')
  t.equal(json.bodyUsed, false)
  const charset = new Request(url, { method: 'PUT', headers: { 'content-type': 'Application/X-WWW-Form-Urlencoded; charset=utf-8' }, body: `access_token=${good}` })
  t.equal((await open.authenticate(charset)).sub, 'client_abc', 'media type case-insensitive, parameters ignored')
})

t.test('RFC 6750 §2: a token sent by more than one method is invalid_request', async (t) => {
  const both = new Request(`${url}?access_token=${good}`, { method: 'POST', headers: { ...form, authorization: `Bearer ${good}` }, body: `access_token=${good}` })
  const err = await failure(open.authenticate(both))
  t.type(err, InvalidRequestError)
  t.same((err as InvalidRequestError).headers, { 'WWW-Authenticate': 'Bearer realm="orders", error="invalid_request"' })
  t.type(await failure(open.authenticate(new Request(url, { method: 'POST', headers: { ...form, authorization: `Bearer ${good}` }, body: `access_token=${good}` }))), InvalidRequestError, 'header and body')
})

t.test('a form body over 1 MiB is invalid_request, not buffered whole; a consumed body is a programming error', async (t) => {
  const big = new Request(url, { method: 'POST', headers: form, body: `access_token=${good}&pad=${'x'.repeat(1024 * 1024)}` })
  t.match(await failure(open.authenticate(big)), { code: 'invalid_request', description: 'form body too large' })
  let pulled = 0
  const endless = new ReadableStream<Uint8Array>({ pull(c) { pulled += 64 * 1024; c.enqueue(new Uint8Array(64 * 1024).fill(0x61)) } })
  const streamed = new Request(url, { method: 'POST', headers: form, body: endless, duplex: 'half' })
  t.match(await failure(open.authenticate(streamed)), { code: 'invalid_request' }, 'an endless body is cut')
  t.ok(pulled < 4 * 1024 * 1024, `stopped reading after ${pulled} bytes`)
  const used = new Request(url, { method: 'POST', headers: form, body: `access_token=${good}` })
  await used.text()
  t.match(await failure(open.authenticate(used)), { name: 'TypeError', message: /already read/ })
  const empty = new Request(url, { method: 'POST', headers: form })
  t.type(await failure(open.authenticate(empty)), NoTokenError, 'no body at all')
})

t.test('extractToken reads Headers too, and refuses to look into an unread Web body', async (t) => {
  t.equal(extractToken({ headers: new Headers({ authorization: 'Bearer abc' }) }), 'abc')
  t.equal(extractToken({ headers: { get: 'not a function', authorization: 'Bearer abc' } }), 'abc', 'a node:http field named "get" is a field')
  t.equal(extractToken({ headers: new Headers(), url: `${url}?access_token=q#frag` }, { allowQuery: true }), 'q', 'a fragment is not part of the query')
  const request = new Request(url, { method: 'POST', headers: form, body: 'access_token=abc' })
  t.throws(() => extractToken(request, { allowFormBody: true }), { name: 'TypeError', message: /verifier\.authenticate/ })
  t.equal(extractToken(request), undefined, 'without allowFormBody the body is not a source')
})
