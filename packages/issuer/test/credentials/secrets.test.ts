import t from 'tap'
import argon2 from 'argon2'
import { hashClientSecret, verifyClientSecret, verifyFastSecret, DUMMY_SECRET_HASH } from '../../src/credentials/secrets.js'
import { constantTimeEqual, digestsEqual } from '../../src/credentials/constant-time.js'
import { newClientId, newClientSecret, newUserId, CLIENT_ID_PREFIX, USER_ID_PREFIX } from '../../src/credentials/ids.js'
import { normaliseUsername } from '../../src/credentials/usernames.js'
import { ARGON2_OPTIONS, hashPassword, verifyArgon2 } from '../../src/credentials/passwords.js'

t.test('client secrets are stored under a salted, self-describing $sha256$ hash', async (t) => {
  const secret = newClientSecret()
  const hash = hashClientSecret(secret)
  t.match(hash, /^\$sha256\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
  t.notOk(hash.includes(secret), 'the secret is not in the hash')
  t.not(hashClientSecret(secret), hash, 'a fresh salt each time')
  t.ok(await verifyClientSecret(hash, secret))
  t.notOk(await verifyClientSecret(hash, secret + 'x'))
  t.notOk(await verifyClientSecret(hash, ''))
  t.notOk(verifyFastSecret('$sha256$broken', secret), 'a malformed hash never matches')
  t.notOk(verifyFastSecret(DUMMY_SECRET_HASH, secret), 'the dummy hash matches no secret')
})

t.test('an argon2id-hashed (imported) secret verifies too', async (t) => {
  const hash = await argon2.hash('imported-secret', { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 })
  t.match(hash, /^\$argon2id\$/)
  t.ok(await verifyClientSecret(hash, 'imported-secret'))
  t.notOk(await verifyClientSecret(hash, 'other'))
})

t.test('user passwords: argon2id at no less than the OWASP minimum (m=19 MiB, t=2, p=1)', async (t) => {
  t.ok(ARGON2_OPTIONS.memoryCost >= 19456 && ARGON2_OPTIONS.timeCost >= 2 && ARGON2_OPTIONS.parallelism >= 1)
  const hash = await hashPassword('abcd')
  t.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  t.ok(await verifyArgon2(hash, 'abcd'))
  t.notOk(await verifyArgon2(hash, 'abce'))
  t.notOk(await verifyArgon2('not a hash', 'abcd'), 'a broken hash is a mismatch, not a crash')
})

t.test('constantTimeEqual compares whatever the lengths', async (t) => {
  t.ok(constantTimeEqual('abc', 'abc'))
  t.notOk(constantTimeEqual('abc', 'abd'))
  t.notOk(constantTimeEqual('abc', 'abcd'), 'different lengths do not throw, just differ')
  t.notOk(constantTimeEqual('', 'a'))
  t.ok(constantTimeEqual(Buffer.from('xyz'), 'xyz'))
})

t.test('ids: disjoint prefixes, URL-safe, never a leading "-"; secrets carry 256 bits', async (t) => {
  const formSafe = (s: string): boolean => new URLSearchParams([['v', s]]).toString() === `v=${s}`
  const samples = Array.from({ length: 200 }, () => ({ c: newClientId(), u: newUserId(), s: newClientSecret() }))
  t.ok(samples.every(({ c, u }) => c.startsWith(CLIENT_ID_PREFIX) && u.startsWith(USER_ID_PREFIX)), 'prefixed ids')
  t.ok(samples.every(({ c, u, s }) => formSafe(c) && formSafe(u) && formSafe(s)), 'form-encoding leaves them unchanged')
  t.ok(samples.every(({ s }) => Buffer.from(s, 'base64url').length === 32), 'secrets carry 256 bits')
  t.equal(new Set(samples.map(({ s }) => s)).size, samples.length, 'no repeats')
  t.not(CLIENT_ID_PREFIX, USER_ID_PREFIX)
  t.notOk(CLIENT_ID_PREFIX.startsWith('-'))
})

t.test('usernames normalise to NFC lower case', async (t) => {
  t.equal(normaliseUsername('John'), 'john')
  t.equal(normaliseUsername('JOSE\u0301'), 'jos\u00e9', 'decomposed accent composes (NFC), then lower case')
  t.equal(normaliseUsername('jos\u00e9'), normaliseUsername('JOSE\u0301'))
})

t.test('digestsEqual: equal digests only; another length or one differing byte never matches', async (t) => {
  const a = Buffer.alloc(32, 7)
  t.ok(digestsEqual(a, Buffer.alloc(32, 7)))
  const b = Buffer.alloc(32, 7)
  b[31] = 8
  t.notOk(digestsEqual(a, b))
  t.notOk(digestsEqual(a, a.subarray(0, 31)))
  t.notOk(digestsEqual(a, Buffer.alloc(0)))
})
