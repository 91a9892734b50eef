// The remote JWKS cache against a real server on 127.0.0.1 port 0 that
// counts its requests (RFC 7517 key sets, RFC 9111 max-age, RFC 9110 ETag).
// The clock is injected; only the timeout test waits on real time (0.2 s).
import t, { type Test } from 'tap'
import { InvalidTokenError, JwksUnavailableError, createVerifier, type VerifierEvent, type VerifierOptions } from '../src/index.js'
import { buildVerifier } from '../src/verifier.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, manualClock, signToken, startJwksServer, type TestKey } from './fixtures/helpers.js'

const keyA = makeKey('ES256', 'key-a')
const keyB = makeKey('EdDSA', 'key-b')

async function setup(t: Test, opts: Partial<VerifierOptions> = {}, keys: TestKey[] = [keyA]) {
  const server = await startJwksServer(jwksOf(...keys))
  t.teardown(() => server.close())
  const clock = manualClock()
  const events: VerifierEvent[] = []
  const verifier = buildVerifier(
    { issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url, onEvent: (e) => events.push(e), ...opts },
    { now: clock.now },
  )
  const token = (key: TestKey, header: Record<string, unknown> = {}) => signToken(key, claims({}, Math.floor(clock.now() / 1000)), header)
  return { server, clock, events, verifier, token }
}

function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => null, (e: unknown) => e)
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5))
}

t.test('100 concurrent verifies on a fresh verifier share exactly one fetch', async (t) => {
  const { server, verifier, token } = await setup(t)
  const tok = token(keyA)
  const results = await Promise.all(Array.from({ length: 100 }, () => verifier.verify(tok)))
  t.equal(results.length, 100)
  t.ok(results.every((c) => c.sub === 'client_abc'))
  t.equal(server.count, 1, 'one JWKS request')
})

t.test('rotation: a new kid is accepted after one refetch (RFC 7517 §4.5)', async (t) => {
  const { server, verifier, token, clock } = await setup(t)
  await verifier.verify(token(keyA))
  t.equal(server.count, 1)
  server.jwks = jwksOf(keyA, keyB)
  clock.advance(31)
  t.ok(await verifier.verify(token(keyB)), 'new key accepted')
  t.equal(server.count, 2, 'after exactly one refetch')
  t.ok(await verifier.verify(token(keyB)))
  t.ok(await verifier.verify(token(keyA)))
  t.equal(server.count, 2, 'no further fetch')
})

t.test('cooldown: an unknown kid within the cooldown of an unknown-kid refetch is 401 without a fetch', async (t) => {
  const { server, verifier, token, clock } = await setup(t)
  await verifier.verify(token(keyA))
  clock.advance(5)
  t.type(await failure(verifier.verify(token(keyA, { kid: 'random' }))), InvalidTokenError)
  t.equal(server.count, 2, 'the unknown kid refetched once')
  server.jwks = jwksOf(keyA, keyB)
  clock.advance(10)
  const err = await failure(verifier.verify(token(keyB)))
  t.type(err, InvalidTokenError)
  t.equal((err as InvalidTokenError).description, 'unknown signing key')
  t.equal(server.count, 2, 'no fetch within the cooldown')
  clock.advance(21)
  t.ok(await verifier.verify(token(keyB)), 'picked up once the cooldown passed')
  t.equal(server.count, 3)
})

t.test('regression: the initial fetch and scheduled refreshes do not start the unknown-kid cooldown (emergency rotation)', async (t) => {
  const { server, verifier, token, clock, events } = await setup(t, { cacheMaxAge: 100 })
  await verifier.verify(token(keyA))
  t.equal(server.count, 1)
  // Past 80 % of the max-age: the next use starts a background refresh.
  clock.advance(85)
  await verifier.verify(token(keyA))
  // Wait until the refresh is applied (its event), not merely received by
  // the server: a verify in between would share the in-flight fetch.
  await until(() => events.some((e) => e.type === 'jwks_refresh' && e.reason === 'ahead'))
  t.equal(server.count, 2, 'scheduled refresh ran')
  // A key published by `keys rotate --now` right after that refresh.
  server.jwks = jwksOf(keyA, keyB)
  clock.advance(1)
  t.ok(await verifier.verify(token(keyB)), 'new kid accepted at once')
  t.equal(server.count, 3, 'after exactly one refetch')
})

t.test('negative caching: a flood of random kids costs at most one fetch per cooldown', async (t) => {
  const { server, verifier, token, clock } = await setup(t)
  await verifier.verify(token(keyA))
  for (let round = 1; round <= 3; round++) {
    clock.advance(31)
    const before = server.count
    const flood = Array.from({ length: 50 }, (_, i) => failure(verifier.verify(token(keyA, { kid: `random-${round}-${i}` }))))
    const errs = await Promise.all(flood)
    t.ok(errs.every((e) => e instanceof InvalidTokenError), `round ${round}: all 401`)
    for (let i = 0; i < 20; i++) {
      clock.advance(1)
      t.type(await failure(verifier.verify(token(keyA, { kid: `late-${round}-${i}` }))), InvalidTokenError)
    }
    t.equal(server.count - before, 1, `round ${round}: one fetch`)
  }
  t.ok(await verifier.verify(token(keyA)), 'the known key still verifies')
})

t.test('outage: stale keys are served within maxStale, then 503 (fail closed)', async (t) => {
  const { server, verifier, token, clock, events } = await setup(t, { maxStale: 600 })
  await verifier.verify(token(keyA))
  server.mode = 'fail'
  clock.advance(301) // past max-age=300
  t.ok(await verifier.verify(token(keyA)), 'stale key served while the endpoint fails')
  t.equal(server.count, 2, 'a refresh was tried')
  t.ok(events.some((e) => e.type === 'jwks_error' && e.servingStale), 'failure reported, serving stale')
  clock.advance(10)
  t.ok(await verifier.verify(token(keyA)), 'within cooldown: stale, no retry')
  t.equal(server.count, 2)
  clock.advance(600) // 611 s past expiry > maxStale 600
  const err = await failure(verifier.verify(token(keyA)))
  t.type(err, JwksUnavailableError)
  t.match(err, { status: 503, code: 'jwks_unavailable' })
  t.ok(Number((err as JwksUnavailableError).headers['Retry-After']) >= 1, 'Retry-After')
  t.equal(server.count, 3, 'retried once the cooldown passed')
  server.mode = 'ok'
  clock.advance(31)
  t.ok(await verifier.verify(token(keyA)), 'recovers when the endpoint is back')
})

t.test('nothing cached and the endpoint down: 503 with Retry-After, cause kept', async (t) => {
  const { server, verifier, token } = await setup(t)
  server.mode = 'fail'
  const err = (await failure(verifier.verify(token(keyA)))) as JwksUnavailableError
  t.type(err, JwksUnavailableError)
  t.same(err.headers, { 'Retry-After': '30' })
  t.match(String((err.cause as Error).message), /HTTP 500/)
  const again = await failure(verifier.verify(token(keyA)))
  t.type(again, JwksUnavailableError)
  t.equal(server.count, 1, 'failed fetches are retried at most once per cooldown')
})

t.test('timeout: a server that never answers fails after `timeout` seconds', async (t) => {
  const { server, verifier, token } = await setup(t, { timeout: 0.2 })
  server.mode = 'hang'
  const started = process.hrtime.bigint()
  const result = await verifier.warmup()
  t.equal(result.ok, false)
  t.match(result.error?.message, /timed out/)
  t.ok(process.hrtime.bigint() - started < 5_000_000_000n, 'well before the 5 s default')
  t.type(await failure(verifier.verify(token(keyA))), JwksUnavailableError)
})

t.test('RFC 9110 §13.1.2: revalidation with If-None-Match; 304 keeps the keys', async (t) => {
  const { server, verifier, token, clock, events } = await setup(t)
  server.etag = '"v1"'
  await verifier.verify(token(keyA))
  clock.advance(301)
  t.ok(await verifier.verify(token(keyA)))
  t.equal(server.count, 2)
  t.same(server.ifNoneMatch, [undefined, '"v1"'])
  t.ok(events.some((e) => e.type === 'jwks_refresh' && e.notModified), '304 reported')
  clock.advance(200)
  t.ok(await verifier.verify(token(keyA)), 'the 304 renewed the expiry')
  t.equal(server.count, 2)
})

t.test('RFC 9111 §5.2.2.1: max-age counts within [cacheMinAge, cacheMaxAge]', async (t) => {
  const low = await setup(t)
  low.server.cacheControl = 'public, max-age=5'
  await low.verifier.verify(low.token(keyA))
  t.match(low.events[0], { type: 'jwks_refresh', maxAge: 30 }, 'raised to the 30 s floor')
  low.clock.advance(20)
  await low.verifier.verify(low.token(keyA))
  t.equal(low.server.count, 1, 'not refetched at 20 s')

  const high = await setup(t)
  high.server.cacheControl = 'max-age=86400'
  await high.verifier.verify(high.token(keyA))
  t.match(high.events[0], { maxAge: 600 }, 'capped at cacheMaxAge')
  high.clock.advance(601)
  await high.verifier.verify(high.token(keyA))
  t.equal(high.server.count, 2, 'refetched after 600 s')

  const none = await setup(t, { cacheMaxAge: 120 })
  none.server.cacheControl = null
  await none.verifier.verify(none.token(keyA))
  t.match(none.events[0], { maxAge: 120 }, 'no Cache-Control: cacheMaxAge')
})

t.test('background refresh ahead of expiry does not delay verification', async (t) => {
  const { server, verifier, token, clock, events } = await setup(t)
  await verifier.verify(token(keyA))
  clock.advance(250) // past 80 % of 300 s
  t.ok(await verifier.verify(token(keyA)), 'answered from the cache')
  await until(() => events.length >= 2)
  t.equal(server.count, 2, 'refreshed in the background')
  t.match(events[1], { type: 'jwks_refresh', reason: 'ahead' })
})

t.test('size cap: a JWKS over maxJwksBytes is refused', async (t) => {
  const { server, verifier } = await setup(t)
  server.mode = 'big'
  const result = await verifier.warmup()
  t.equal(result.ok, false)
  t.match(result.error?.message, /larger than 262144 bytes/, 'streamed body')
  const declared = await setup(t, { maxJwksBytes: 1024 })
  declared.server.jwks = { ...jwksOf(keyA), padding: 'x'.repeat(2000) }
  const r2 = await declared.verifier.warmup()
  t.match(r2, { ok: false }, 'Content-Length over the cap')
  t.match(r2.error?.message, /larger than 1024 bytes/)
})

t.test('redirects are not followed', async (t) => {
  const { server, verifier, token } = await setup(t)
  server.mode = 'redirect'
  const result = await verifier.warmup()
  t.match(result, { ok: false })
  t.match(result.error?.message, /HTTP 302/)
  t.type(await failure(verifier.verify(token(keyA))), JwksUnavailableError)
})

t.test('a static jwks makes no request at all', async (t) => {
  const server = await startJwksServer(jwksOf(keyA))
  t.teardown(() => server.close())
  const v = createVerifier({ issuer: server.origin, audience: AUDIENCE, jwks: jwksOf(keyA) })
  const tok = signToken(keyA, claims({ iss: server.origin }))
  t.ok(await v.verify(tok))
  t.type(await failure(v.verify(signToken(keyB, claims({ iss: server.origin })))), InvalidTokenError, 'unknown kid: 401')
  t.match(await v.warmup(), { ok: true, source: 'static', keys: 1 })
  t.equal(server.count, 0)
})

t.test('warmup() reports success or failure without throwing; hydrate() preloads', async (t) => {
  const ok = await setup(t, {}, [keyA, keyB])
  t.match(await ok.verifier.warmup(), { ok: true, keys: 2, source: ok.server.url })
  t.ok(await ok.verifier.verify(ok.token(keyB)))
  t.equal(ok.server.count, 1)

  const down = await setup(t)
  down.server.mode = 'fail'
  t.match(await down.verifier.warmup(), { ok: false, keys: 0 })
  down.verifier.hydrate(jwksOf(keyA))
  t.ok(await down.verifier.verify(down.token(keyA)), 'hydrated keys verify')
  t.equal(down.server.count, 1, 'no further request')
  t.throws(() => down.verifier.hydrate({ keys: [] }), TypeError)
})

t.test('events: refreshes and failures reach the hook; a throwing hook changes nothing', async (t) => {
  const server = await startJwksServer(jwksOf(keyA, makeKey('RS256', 'short-hmac', { jwkAlg: 'HS256' })))
  t.teardown(() => server.close())
  const seen: string[] = []
  const v = createVerifier({
    issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url,
    onEvent: (e) => {
      seen.push(e.type)
      throw new Error('logger broke')
    },
  })
  const result = await v.warmup()
  t.match(result, { ok: true, keys: 1 })
  t.same(seen, ['jwks_refresh'])
  t.ok(await v.verify(signToken(keyA)), 'verification unaffected by the hook')
  const asyncHook = createVerifier({
    issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url,
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- an async hook where a void one is expected is the case under test
    onEvent: async () => { throw new Error('async logger broke') },
  })
  t.match(await asyncHook.warmup(), { ok: true }, 'a rejecting async hook is no unhandled rejection')
})

t.test('an unknown kid while the endpoint is down is 503, not 401', async (t) => {
  const { server, verifier, token, clock } = await setup(t)
  await verifier.verify(token(keyA))
  server.mode = 'fail'
  clock.advance(31)
  t.type(await failure(verifier.verify(token(keyB))), JwksUnavailableError)
  t.ok(await verifier.verify(token(keyA)), 'known keys still verify')
})
