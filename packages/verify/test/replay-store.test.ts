// RFC 9449 §11.1: a proof's jti is accepted once within the window. The
// default store is in memory and bounded; a shared store plugs in through
// dpop.replayStore, and a store that cannot answer fails closed (503).
import t from 'tap'
import { ReplayCheckUnavailableError } from '../src/index.js'
import { MemoryReplayStore } from '../src/replay-store.js'
import { buildVerifier, type VerifiableRequest } from '../src/verifier.js'
import { boundToken, makeProof, proofKey } from './fixtures/dpop.js'
import { AUDIENCE, ISSUER, jwksOf, makeKey, manualClock } from './fixtures/helpers.js'

const issuerKey = makeKey('EdDSA', 'i1')
const client = proofKey('EdDSA')

function request(jti?: string): VerifiableRequest {
  const token = boundToken(issuerKey, client)
  return { method: 'GET', url: 'https://api.example/r', headers: { authorization: `DPoP ${token}`, dpop: makeProof(client, { token, claims: jti === undefined ? {} : { jti } }) } }
}

t.test('the in-memory store: seen once until expiry, then forgotten', async (t) => {
  const clock = manualClock(0)
  const store = new MemoryReplayStore(clock.now, 10)
  t.equal(store.seen('a', 1000), false, 'first time: not seen')
  t.equal(store.seen('a', 1000), true, 'again before expiry: seen')
  clock.advance(1)
  t.equal(store.seen('a', 5000), false, 'after expiry: a new entry')
  t.equal(store.size, 1)
})

t.test('the in-memory store is bounded: full of live entries, it refuses the newcomer (503) and never evicts a live jti', async (t) => {
  const clock = manualClock(0)
  const store = new MemoryReplayStore(clock.now, 3)
  for (const key of ['a', 'b', 'c']) t.equal(store.seen(key, 10_000), false)
  t.throws(() => store.seen('d', 10_000), ReplayCheckUnavailableError, 'full: refused')
  t.equal(store.seen('a', 10_000), true, 'a live entry is still there: its replay is still caught')
  clock.advance(11)
  t.equal(store.seen('d', 20_000), false, 'once entries expire there is room again')
  t.equal(store.size, 1, 'expired entries were dropped')
})

t.test('a full store answers 503 with Retry-After through the verifier', async (t) => {
  const v = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(issuerKey), dpop: { replayStore: new MemoryReplayStore(Date.now, 1) } })
  t.ok(await v.verifyRequest(request()))
  await t.rejects(v.verifyRequest(request()), { code: 'replay_check_unavailable', status: 503, error: 'temporarily_unavailable', headers: { 'Retry-After': '1' } })
})

t.test('dpop.replayStore: seen(key, expiresAt) is asked last, sync or async; true refuses', async (t) => {
  const calls: [string, number][] = []
  const keys = new Set<string>()
  const store = {
    async seen(key: string, expiresAt: number): Promise<boolean> {
      calls.push([key, expiresAt])
      if (keys.has(key)) return true
      keys.add(key)
      return false
    },
  }
  const v = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(issuerKey), dpop: { replayStore: store, maxAge: 30 } })
  const r = request('jti-1')
  t.ok(await v.verifyRequest(r))
  await t.rejects(v.verifyRequest(r), { code: 'invalid_dpop_proof', description: 'DPoP proof replayed' })
  t.equal(calls.length, 2)
  const [key, expiresAt] = calls[0]!
  t.match(key, /^[A-Za-z0-9_-]{43}$/, 'the key: a 43-character base64url hash of the key thumbprint and jti')
  const iat = Math.floor(Date.now() / 1000)
  t.ok(expiresAt >= (iat + 30 + 5) * 1000 - 2000 && expiresAt <= (iat + 30 + 5) * 1000 + 2000, 'expiresAt: ms when the proof leaves the iat window (maxAge + tolerance)')
  const bad = request()
  bad.method = 'POST'
  await t.rejects(v.verifyRequest(bad), { code: 'invalid_dpop_proof' })
  t.equal(calls.length, 2, 'a proof that fails another check never reaches the store')
  const sync = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(issuerKey), dpop: { replayStore: { seen: () => true } } })
  await t.rejects(sync.verifyRequest(request()), { code: 'invalid_dpop_proof', description: 'DPoP proof replayed' }, 'a synchronous store')
})

t.test('a shared store that fails: 503, fail closed, the cause kept for logs', async (t) => {
  const down = new Error('redis down')
  for (const seen of [() => { throw down }, () => Promise.reject(down)]) {
    const v = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(issuerKey), dpop: { replayStore: { seen } } })
    const error = await v.verifyRequest(request()).then(() => null, (e: unknown) => e)
    t.type(error, ReplayCheckUnavailableError)
    t.match(error, { status: 503, cause: down })
    t.notMatch(JSON.stringify(error), /redis/, 'never in the body')
  }
})
