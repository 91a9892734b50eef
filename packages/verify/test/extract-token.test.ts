// RFC 6750 §2: where a bearer token may come from.
import t from 'tap'
import { extractToken, InvalidRequestError } from '../src/index.js'

const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }

t.test('RFC 6750 §2.1: Authorization: Bearer, scheme case-insensitive', async (t) => {
  t.equal(extractToken({ headers: { authorization: 'Bearer abc.def.ghi' } }), 'abc.def.ghi')
  t.equal(extractToken({ headers: { authorization: 'bearer abc' } }), 'abc')
  t.equal(extractToken({ headers: { authorization: 'BEARER abc' } }), 'abc')
  t.equal(extractToken({ headers: { authorization: 'Bearer   abc' } }), 'abc', '1*SP')
  t.equal(extractToken({ headers: { authorization: 'Bearer a-b_c~d+e/f==' } }), 'a-b_c~d+e/f==', 'b64token alphabet')
})

t.test('RFC 6750 §2.1: no header or another scheme is no token', async (t) => {
  t.equal(extractToken({ headers: {} }), undefined)
  t.equal(extractToken({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }), undefined)
  t.equal(extractToken({ headers: { authorization: 'Bearerx abc' } }), undefined)
})

t.test('RFC 6750 §3.1: a malformed Bearer header is invalid_request', async (t) => {
  for (const value of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a"b', 'Bearer =abc', 'Bearer a,b']) {
    t.throws(() => extractToken({ headers: { authorization: value } }), InvalidRequestError, JSON.stringify(value))
  }
  t.throws(() => extractToken({ headers: { authorization: ['Bearer a', 'Bearer b'] } }), InvalidRequestError, 'two headers')
})

t.test('RFC 6750 §2.2: form body only when enabled, form-encoded, not GET', async (t) => {
  const req = { method: 'POST', headers: form, body: { access_token: 'tok' } }
  t.equal(extractToken(req), undefined, 'off by default')
  t.equal(extractToken(req, { allowFormBody: true }), 'tok')
  t.equal(extractToken({ ...req, method: 'GET' }, { allowFormBody: true }), undefined, 'never on GET')
  t.equal(extractToken({ ...req, headers: { 'content-type': 'application/json' } }, { allowFormBody: true }), undefined, 'JSON body ignored')
  t.throws(() => extractToken({ ...req, body: { access_token: ['a', 'b'] } }, { allowFormBody: true }), InvalidRequestError, 'repeated')
})

t.test('RFC 6750 §2.3: query string never unless asked', async (t) => {
  const req = { headers: {}, url: '/r?access_token=qtok' }
  t.equal(extractToken(req), undefined, 'off by default')
  t.equal(extractToken(req, { allowQuery: true }), 'qtok', 'from url')
  t.equal(extractToken({ headers: {}, query: { access_token: 'q2' } }, { allowQuery: true }), 'q2', 'from a parsed query')
  t.throws(() => extractToken({ headers: {}, url: '/r?access_token=a&access_token=b' }, { allowQuery: true }), InvalidRequestError)
})

t.test('RFC 6750 §2: a token sent by more than one method is invalid_request', async (t) => {
  const both = { method: 'POST', headers: { ...form, authorization: 'Bearer h' }, body: { access_token: 'b' }, url: '/?access_token=q' }
  t.throws(() => extractToken(both, { allowFormBody: true }), InvalidRequestError, 'header and body')
  t.throws(() => extractToken(both, { allowQuery: true }), InvalidRequestError, 'header and query')
  t.throws(() => extractToken({ ...both, headers: form }, { allowFormBody: true, allowQuery: true }), InvalidRequestError, 'body and query')
  t.equal(extractToken(both), 'h', 'disabled methods are not counted')
})
