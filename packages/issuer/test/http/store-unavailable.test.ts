// A database error outside the token endpoint (DESIGN.md: a database error
// is 503 temporarily_unavailable with Retry-After, never a 500, and never
// its internals): the metadata's scopes come from the store.
import t from 'tap'
import { StoreUnavailableError } from '../../src/domain/errors.js'
import { buildApp } from '../../src/http/app.js'
import { fakeCore } from './fixtures/fake-core.js'

t.test('metadata while the database is down: 503 temporarily_unavailable with Retry-After (RFC 9110 §15.6.4), no internals', async (t) => {
  const core = fakeCore()
  core.scopesSupported = async () => { throw new StoreUnavailableError('database postgres://u:***@db/x: connect ECONNREFUSED 10.0.0.5:5432') }
  const app = buildApp(core)
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/.well-known/oauth-authorization-server' })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '2')
  t.match(res.headers['content-type'], /^application\/json/)
  t.same(res.json(), { error: 'temporarily_unavailable', error_description: 'the service is temporarily unavailable, retry later' })
  t.notMatch(res.body, /ECONNREFUSED|postgres/, 'nothing of the error itself')
})
