// RFC 6750 §3: error shapes and WWW-Authenticate challenges, exactly as DESIGN.md.
import t from 'tap'
import {
  InsufficientScopeError, InvalidRequestError, InvalidTokenError, JwksUnavailableError, NoTokenError, VerifyError, isVerifyError,
} from '../src/index.js'

t.test('RFC 6750 §3: no token is 401 with a challenge without error=', async (t) => {
  const e = new NoTokenError()
  t.match(e, { code: 'no_token', status: 401, statusCode: 401, error: 'unauthorized' })
  t.same(e.headers, { 'WWW-Authenticate': 'Bearer realm="api"' })
  t.same(e.body, { error: 'unauthorized', error_description: 'authentication required' })
})

t.test('RFC 6750 §3.1: invalid_token is 401 error="invalid_token"', async (t) => {
  const e = new InvalidTokenError('token expired', { realm: 'orders' })
  t.match(e, { code: 'invalid_token', status: 401, statusCode: 401 })
  t.same(e.headers, { 'WWW-Authenticate': 'Bearer realm="orders", error="invalid_token"' })
  t.same(e.body, { error: 'invalid_token', error_description: 'token expired' })
  t.equal(e.message, 'token expired')
})

t.test('RFC 6750 §3.1: insufficient_scope is 403 with scope="..."', async (t) => {
  const e = new InsufficientScopeError(['read', 'write'])
  t.match(e, { code: 'insufficient_scope', status: 403, statusCode: 403, scopes: ['read', 'write'] })
  t.same(e.headers, { 'WWW-Authenticate': 'Bearer realm="api", error="insufficient_scope", scope="read write"' })
  t.same(e.body, { error: 'insufficient_scope', error_description: 'insufficient scope' })
})

t.test('RFC 6750 §3.1: invalid_request is 400 error="invalid_request"', async (t) => {
  const e = new InvalidRequestError()
  t.match(e, { code: 'invalid_request', status: 400, statusCode: 400 })
  t.same(e.headers, { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_request"' })
})

t.test('jwks_unavailable is 503 with Retry-After, whole seconds, at least 1', async (t) => {
  const cause = new Error('connect ECONNREFUSED 127.0.0.1:9')
  const e = new JwksUnavailableError(12.2, undefined, { cause })
  t.match(e, { code: 'jwks_unavailable', status: 503, statusCode: 503, retryAfter: 13 })
  t.same(e.headers, { 'Retry-After': '13' })
  t.equal(e.cause, cause, 'cause kept for logs')
  t.notMatch(JSON.stringify(e), /ECONNREFUSED/, 'never serialised into the body')
  t.same(new JwksUnavailableError(-3).headers, { 'Retry-After': '1' })
})

t.test('errors share one base class and a stable name', async (t) => {
  for (const e of [new NoTokenError(), new InvalidTokenError(), new InsufficientScopeError(['a']), new InvalidRequestError(), new JwksUnavailableError(1)]) {
    t.ok(e instanceof VerifyError && e instanceof Error && isVerifyError(e), e.code)
    t.equal(e.name, e.constructor.name)
  }
  t.notOk(isVerifyError(new Error('x')))
})
