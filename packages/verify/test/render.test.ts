// One rendering for every adapter (RFC 6750 §3, DESIGN "Bodies the adapters
// send"): status, WWW-Authenticate or Retry-After, JSON content type, and
// the body {error, error_description}; `unauthorized` with no token.
import t from 'tap'
import { InsufficientScopeError, InvalidRequestError, InvalidTokenError, JwksUnavailableError, NoTokenError } from '../src/index.js'
import { renderError } from '../src/render.js'

const json = 'application/json; charset=utf-8'

t.test('RFC 6750 §3: each error renders its status, challenge and one-line JSON body', async (t) => {
  t.same(renderError(new NoTokenError()), {
    status: 401,
    headers: { 'WWW-Authenticate': 'Bearer realm="api"', 'content-type': json },
    body: '{"error":"unauthorized","error_description":"authentication required"}',
  }, 'no token: error "unauthorized", challenge without error=')
  t.same(renderError(new InvalidTokenError('token expired', { realm: 'orders' })), {
    status: 401,
    headers: { 'WWW-Authenticate': 'Bearer realm="orders", error="invalid_token"', 'content-type': json },
    body: '{"error":"invalid_token","error_description":"token expired"}',
  })
  t.same(renderError(new InsufficientScopeError(['read', 'admin'])), {
    status: 403,
    headers: { 'WWW-Authenticate': 'Bearer realm="api", error="insufficient_scope", scope="read admin"', 'content-type': json },
    body: '{"error":"insufficient_scope","error_description":"insufficient scope"}',
  })
  t.same(renderError(new InvalidRequestError('malformed Authorization header')), {
    status: 400,
    headers: { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_request"', 'content-type': json },
    body: '{"error":"invalid_request","error_description":"malformed Authorization header"}',
  })
  t.same(renderError(new JwksUnavailableError(30, undefined, { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') })), {
    status: 503,
    headers: { 'Retry-After': '30', 'content-type': json },
    body: '{"error":"temporarily_unavailable","error_description":"signing keys unavailable"}',
  }, '503 with Retry-After, never the cause')
})

t.test('rendering leaves the error\'s own headers as they were (what default error handlers send)', async (t) => {
  const e = new NoTokenError()
  t.equal(renderError(e).headers['content-type'], json)
  t.same(e.headers, { 'WWW-Authenticate': 'Bearer realm="api"' })
})
