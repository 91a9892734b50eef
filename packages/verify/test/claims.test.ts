// Claim checks of RFC 9068 §4 and RFC 7519 §4.1, through verify().
import t, { type Test } from 'tap'
import { InvalidTokenError } from '../src/index.js'
import { buildVerifier } from '../src/verifier.js'
import { AUDIENCE, claims, ISSUER, jwksOf, makeKey, manualClock, signToken } from './fixtures/helpers.js'

const key = makeKey('ES256', 'k1')
const clock = manualClock(1_800_000_000_000)
const now = 1_800_000_000
const v = buildVerifier({ issuer: ISSUER, audience: [AUDIENCE, 'https://other.example'], jwks: jwksOf(key) }, { now: clock.now })

async function reason(tt: Test, payload: Record<string, unknown>, expected: string): Promise<void> {
  const err = await v.verify(signToken(key, payload)).then(() => null, (e: unknown) => e)
  tt.type(err, InvalidTokenError)
  tt.equal((err as InvalidTokenError).description, expected, expected)
}

t.test('RFC 9068 §4 step 5: iss must match exactly', async (t) => {
  await reason(t, claims({ iss: ISSUER + '/' }, now), 'unexpected issuer')
  await reason(t, claims({ iss: ISSUER.toUpperCase() }, now), 'unexpected issuer')
  await reason(t, claims({ iss: undefined }, now), 'unexpected issuer')
})

t.test('unexpected issuer and audience carry expected and actual in cause, for logs; never in the body', async (t) => {
  const iss = await v.verify(signToken(key, claims({ iss: 'https://evil.example' }, now))).then(() => null, (e: unknown) => e as InvalidTokenError)
  t.same(iss?.cause, { claim: 'iss', expected: ISSUER, actual: 'https://evil.example' })
  t.same(iss?.body, { error: 'invalid_token', error_description: 'unexpected issuer' })
  t.notMatch(JSON.stringify(iss), /evil/, 'JSON.stringify(err) is the body only')
  const aud = await v.verify(signToken(key, claims({ aud: ['https://x.example'] }, now))).then(() => null, (e: unknown) => e as InvalidTokenError)
  t.same(aud?.cause, { claim: 'aud', expected: [AUDIENCE, 'https://other.example'], actual: ['https://x.example'] })
  t.notMatch(JSON.stringify(aud), /x\.example/)
})

t.test('RFC 9068 §4 step 6: aud (string or array) must contain one configured audience', async (t) => {
  t.ok(await v.verify(signToken(key, claims({ aud: 'https://other.example' }, now))), 'second audience')
  t.ok(await v.verify(signToken(key, claims({ aud: ['https://x.example', AUDIENCE] }, now))), 'array containing it')
  await reason(t, claims({ aud: 'https://x.example' }, now), 'unexpected audience')
  await reason(t, claims({ aud: ['https://x.example'] }, now), 'unexpected audience')
  await reason(t, claims({ aud: undefined }, now), 'unexpected audience')
  await reason(t, claims({ aud: { 0: AUDIENCE } }, now), 'unexpected audience')
})

t.test('RFC 7519 §4.1.4: exp is required and rejected when exp <= now - tolerance', async (t) => {
  await reason(t, claims({ exp: undefined }, now), 'missing exp')
  await reason(t, claims({ exp: String(now + 60) }, now), 'missing exp')
  await reason(t, claims({ exp: now - 5, iat: now - 100 }, now), 'token expired')
  t.ok(await v.verify(signToken(key, claims({ exp: now - 4, iat: now - 100 }, now))), 'within the default 5 s tolerance')
})

t.test('RFC 7519 §4.1.5: nbf in the future (beyond tolerance) is rejected', async (t) => {
  await reason(t, claims({ nbf: now + 6 }, now), 'token not yet valid')
  t.ok(await v.verify(signToken(key, claims({ nbf: now + 5 }, now))), 'nbf within tolerance')
  await reason(t, claims({ nbf: 'soon' }, now), 'malformed nbf')
})

t.test('RFC 9068 §2.2: iat is required and may not be in the future', async (t) => {
  await reason(t, claims({ iat: undefined }, now), 'missing iat')
  await reason(t, claims({ iat: now + 60 }, now), 'token issued in the future')
})

t.test('RFC 9068 §2.2: sub, client_id and jti are required (client_id/jti not with typ: false)', async (t) => {
  await reason(t, claims({ sub: undefined }, now), 'missing sub')
  await reason(t, claims({ sub: '' }, now), 'missing sub')
  await reason(t, claims({ client_id: undefined }, now), 'missing client_id')
  await reason(t, claims({ jti: undefined }, now), 'missing jti')
  await reason(t, claims({ scope: ['read'] }, now), 'malformed scope')
})

t.test('clockTolerance option widens the window', async (t) => {
  const lax = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), clockTolerance: 60 }, { now: clock.now })
  t.ok(await lax.verify(signToken(key, claims({ exp: now - 30, iat: now - 100 }, now))))
  const strict = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), clockTolerance: 0 }, { now: clock.now })
  const err = await strict.verify(signToken(key, claims({ exp: now, iat: now - 100 }, now))).catch((e: InvalidTokenError) => e)
  t.equal((err as InvalidTokenError).description, 'token expired', 'exp == now is expired')
})
