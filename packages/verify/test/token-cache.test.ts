// The optional cache of verified tokens: bounded, never past exp, and never
// for a key that left the JWKS.
import t from 'tap'
import { InvalidTokenError } from '../src/index.js'
import { TokenCache } from '../src/token-cache.js'
import { buildVerifier } from '../src/verifier.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, manualClock, signToken, startJwksServer } from './fixtures/helpers.js'

const keyA = makeKey('ES256', 'a')
const keyB = makeKey('ES256', 'b')

t.test('bounded LRU: the least recently used entry goes first', async (t) => {
  const cache = new TokenCache(2)
  const key = {} as never
  const entry = (exp: number) => ({ ...claims(), exp }) as never
  cache.set('t1', entry(2e9), key)
  cache.set('t2', entry(2e9), key)
  t.ok(cache.get('t1', 0, () => true), 't1 used')
  cache.set('t3', entry(2e9), key)
  t.equal(cache.size, 2)
  t.equal(cache.get('t2', 0, () => true), undefined, 't2 evicted')
  t.ok(cache.get('t1', 0, () => true))
  t.equal(cache.get('t1', 2e12, () => true), undefined, 'never past exp')
  t.equal(cache.get('t3', 0, () => false), undefined, 'dropped when its key is gone')
})

t.test('a cached token is rejected once expired, with no tolerance on the cache', async (t) => {
  const clock = manualClock()
  const v = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(keyA), tokenCache: 10 }, { now: clock.now })
  const nowS = Math.floor(clock.now() / 1000)
  const tok = signToken(keyA, claims({ exp: nowS + 60 }, nowS))
  t.ok(await v.verify(tok))
  t.ok(await v.verify(tok), 'served (from cache)')
  t.ok(await v.verify(tok, { scopes: ['read'] }), 'scopes still checked on a hit')
  await t.rejects(v.verify(tok, { scopes: ['admin'] }), { code: 'insufficient_scope' })
  clock.advance(66)
  await t.rejects(v.verify(tok), InvalidTokenError, 'past exp + tolerance: verified afresh and rejected')
})

t.test('a cached token is dropped when its key leaves the JWKS', async (t) => {
  const server = await startJwksServer(jwksOf(keyA))
  t.teardown(() => server.close())
  const clock = manualClock()
  const v = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url, tokenCache: 10 }, { now: clock.now })
  const nowS = Math.floor(clock.now() / 1000)
  const tok = signToken(keyA, claims({ exp: nowS + 3600 }, nowS))
  t.ok(await v.verify(tok))
  server.jwks = jwksOf(keyB)
  clock.advance(301)
  await t.rejects(v.verify(tok), { code: 'invalid_token' }, 'key A retired: the cached entry is not served')
  t.equal(server.count, 2)
})
