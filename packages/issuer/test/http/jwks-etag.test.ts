// The JWKS carries a strong ETag (a hash of its body, RFC 9110 §8.8.3) and
// answers If-None-Match with 304 (RFC 9110 §13.1.2, §15.4.5), which
// @tessera/verify sends when it revalidates.
import t from 'tap'
import { harness } from '../fixtures/harness.js'
import { jwksEtag } from '../../src/http/routes/jwks.js'

const h = await harness()
t.teardown(() => h.close())
const PATH = '/.well-known/jwks.json'

t.test('the JWKS has a strong ETag, the hash of its body', async (t) => {
  const res = await h.app.inject({ url: PATH })
  t.equal(res.statusCode, 200)
  const etag = res.headers.etag as string
  t.match(etag, /^"[A-Za-z0-9_-]{43}"$/, 'strong: no W/ prefix')
  t.equal(etag, jwksEtag(res.body), 'the hash of the body')
  t.equal((await h.app.inject({ url: PATH })).headers.etag, etag, 'stable while the keys are')
})

t.test('If-None-Match with the current ETag (or *, or in a list, or weak) answers 304 with no body', async (t) => {
  const etag = (await h.app.inject({ url: PATH })).headers.etag as string
  for (const value of [etag, '*', `"other", ${etag}`, `W/${etag}`]) {
    const res = await h.app.inject({ url: PATH, headers: { 'if-none-match': value } })
    t.equal(res.statusCode, 304, `If-None-Match: ${value}`)
    t.equal(res.body, '')
    t.equal(res.headers.etag, etag, 'the 304 carries the ETag')
    t.equal(res.headers['cache-control'], `public, max-age=${h.config.jwksMaxAge}`, 'and the Cache-Control of the 200')
  }
})

t.test('a stale ETag gets the full set; a new key changes the ETag', async (t) => {
  const first = await h.app.inject({ url: PATH })
  const stale = await h.app.inject({ url: PATH, headers: { 'if-none-match': '"stale"' } })
  t.equal(stale.statusCode, 200)
  t.same(JSON.parse(stale.body), JSON.parse(first.body))
  await h.admin.keys.rotate(false)
  await h.core.refresh()
  const after = await h.app.inject({ url: PATH, headers: { 'if-none-match': first.headers.etag as string } })
  t.equal(after.statusCode, 200, 'the old tag no longer matches once the set changed')
  t.not(after.headers.etag, first.headers.etag)
  // ES256 here: a rotation adds an access-token key and an RS256 ID-token key, both pending and published.
  t.equal(JSON.parse(after.body).keys.length, JSON.parse(first.body).keys.length + 2, 'the pending keys are published')
})
