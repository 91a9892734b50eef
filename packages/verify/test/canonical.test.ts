// RFC 7515 §2 (base64url without padding) and §7.1: one signed token has
// exactly one accepted spelling. Every respelling that Node's lenient
// decoder reads as the same bytes is refused with invalid_token, in each
// segment, for each algorithm, and a verified-token cache holding the
// canonical spelling is never hit by another.
import t from 'tap'
import { createVerifier, InvalidTokenError } from '../src/index.js'
import { AUDIENCE, ISSUER, jwksOf, makeKey } from './fixtures/helpers.js'
import { malleated } from './fixtures/malleate.js'

const keys = [makeKey('RS256', 'rsa'), makeKey('PS256', 'pss'), makeKey('ES256', 'ec'), makeKey('EdDSA', 'ed')]

for (const key of keys) {
  t.test(`RFC 7515 §2: ${key.alg}: each non-canonical spelling of each segment is invalid_token`, async (t) => {
    const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(...keys) })
    const { token, variants } = malleated(key)
    t.ok(await verifier.verify(token), 'the canonical spelling verifies')
    t.equal(variants.length, 30, 'ten respellings of each of the three segments')
    for (const v of variants) {
      const err = await verifier.verify(v.token).then(() => null, (e: unknown) => e)
      t.type(err, InvalidTokenError, `${v.segment}, ${v.kind}`)
      t.match(err, { code: 'invalid_token', status: 401, description: 'malformed token' })
    }
  })
}

t.test('verified-token cache: only the canonical spelling is ever served from it', async (t) => {
  const key = keys[2]!
  const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), tokenCache: 100 })
  const { token, variants } = malleated(key)
  const first = await verifier.verify(token)
  t.equal(await verifier.verify(token), first, 'the canonical spelling is cached (same claims object)')
  for (const v of variants) {
    await t.rejects(verifier.verify(v.token), { code: 'invalid_token' }, `${v.segment}, ${v.kind}: not a cache hit`)
  }
  t.equal(await verifier.verify(token), first, 'the canonical spelling is still served from the cache')
})
