// The core's checks behind the token endpoint: client authentication
// (RFC 6749 §2.3.1) and the password grant's user check (§4.3).
import t from 'tap'
import argon2 from 'argon2'
import { openIssuer } from '../../src/core/open.js'
import { openAdmin } from '../../src/core/admin/open-admin.js'
import { BusyError } from '../../src/domain/errors.js'
import { manualClock, testConfig, SECOND } from './fixtures/setup.js'

t.test('client authentication: right secret, wrong secret, unknown client, deleted client', async (t) => {
  const config = testConfig(t, { maxTtl: 600 })
  const clock = manualClock()
  const core = await openIssuer(config, { clock: clock.now })
  const admin = await openAdmin(config, { clock: clock.now })
  t.teardown(async () => { await core.close(); await admin.close() })
  const created = await admin.clients.create({
    name: 'svc', grants: ['client_credentials'], scopes: ['read write'], audiences: ['https://api.example'], ttl: '600',
  })
  const client = created.client
  const secret = created.secret!
  const found = await core.authenticateClient(client.id, secret)
  t.same(found, {
    id: client.id, name: 'svc', grants: ['client_credentials'], scopes: ['read', 'write'], audiences: ['https://api.example'], ttl: 600,
    public: false, redirectUris: [], skipConsent: false, dpopBoundAccessTokens: false, registered: false, postLogoutRedirectUris: [],
  })
  t.equal(await core.authenticateClient(client.id, secret.slice(0, -1)), null, 'wrong secret')
  t.equal(await core.authenticateClient('tc_unknown', secret), null, 'unknown client')
  t.equal(await core.authenticateClient('x'.repeat(10_000), secret), null, 'absurd id')
  t.equal(await core.authenticateClient(client.id, ''), null, 'empty secret')

  const capped = await openIssuer({ ...config, maxTtl: 300 }, { clock: clock.now })
  t.teardown(() => capped.close())
  t.equal((await capped.authenticateClient(client.id, secret))?.ttl, 300, 'the lifetime is capped by TESSERA_MAX_TTL')

  await admin.clients.update(client.id, { scopes: ['read'] })
  t.same((await core.authenticateClient(client.id, secret))?.scopes, ['read'], 'changes by the CLI are seen at once')
  t.same(await core.scopesSupported(), ['read'])
  await admin.clients.delete(client.id)
  t.equal(await core.authenticateClient(client.id, secret), null, 'a deleted client is refused')
})

t.test('rotate-secret with --grace: the previous secret works until the grace period ends', async (t) => {
  const config = testConfig(t)
  const clock = manualClock()
  const core = await openIssuer(config, { clock: clock.now })
  const admin = await openAdmin(config, { clock: clock.now })
  t.teardown(async () => { await core.close(); await admin.close() })
  const { client, secret: firstSecret } = await admin.clients.create({
    name: 'svc', grants: ['client_credentials'], scopes: ['read'], audiences: ['https://api.example'],
  })
  const first = firstSecret!
  const { secret: second } = await admin.clients.rotateSecret(client.id, '60')
  t.ok(await core.authenticateClient(client.id, second), 'the new secret works')
  t.ok(await core.authenticateClient(client.id, first), 'the previous one too, during the grace period')
  clock.advance(60 * SECOND - 1)
  t.ok(await core.authenticateClient(client.id, first))
  clock.advance(1)
  t.equal(await core.authenticateClient(client.id, first), null, 'not after it')
  const { secret: third } = await admin.clients.rotateSecret(client.id)
  t.equal(await core.authenticateClient(client.id, second), null, 'default grace 0: invalid at once')
  t.ok(await core.authenticateClient(client.id, third))
})

t.test('a client whose secret hash is argon2id (imported) authenticates', async (t) => {
  const config = testConfig(t)
  const core = await openIssuer(config)
  const admin = await openAdmin(config)
  t.teardown(async () => { await core.close(); await admin.close() })
  const now = Date.now()
  await admin.store.clients.insert({
    id: 'tc_imported', name: 'legacy', grants: ['client_credentials'], scopes: ['read'], audiences: ['https://api.example'], ttl: 900,
    secretHash: await argon2.hash('old-secret', { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 }), previousSecretHash: null, previousSecretExpiresAt: null,
    redirectUris: [], skipConsent: false, dpopBoundAccessTokens: false, postLogoutRedirectUris: [], createdAt: now, updatedAt: now, registration: null,
  })
  t.equal((await core.authenticateClient('tc_imported', 'old-secret'))?.id, 'tc_imported')
  t.equal(await core.authenticateClient('tc_imported', 'other'), null)
})

t.test('user check: right password, wrong password, unknown user; usernames are case-insensitive', async (t) => {
  const config = testConfig(t)
  const core = await openIssuer(config)
  const admin = await openAdmin(config)
  t.teardown(async () => { await core.close(); await admin.close() })
  const user = await admin.users.create({ username: 'John', scopes: ['read'], password: 'abcd' })
  t.equal(user.username, 'john')
  t.match(user.id, /^tu_/)
  t.same(await core.checkUserPassword('JOHN', 'abcd'), { ok: true, user: { id: user.id, username: 'john', scopes: ['read'] } })
  t.same(await core.checkUserPassword('john', 'abce'), { ok: false, reason: 'invalid_grant' })
  t.same(await core.checkUserPassword('mary', 'abcd'), { ok: false, reason: 'invalid_grant' }, 'unknown user: the same answer')
  await admin.users.setPassword('JOHN', 'efgh')
  t.same(await core.checkUserPassword('john', 'abcd'), { ok: false, reason: 'invalid_grant' }, 'the old password stops working')
  t.equal((await core.checkUserPassword('john', 'efgh')).ok, true)
  await admin.users.delete('john')
  t.same(await core.checkUserPassword('john', 'efgh'), { ok: false, reason: 'invalid_grant' }, 'a deleted user is refused')
})

t.test('admission control: password checks beyond the in-flight and queue bounds get BusyError', async (t) => {
  const config = testConfig(t)
  const core = await openIssuer(config, { admission: { maxInFlight: 1, maxQueued: 1 } })
  t.teardown(() => core.close())
  const results = await Promise.allSettled([1, 2, 3, 4].map((i) => core.checkUserPassword(`user${i}`, 'x')))
  const busy = results.filter((r) => r.status === 'rejected' && r.reason instanceof BusyError)
  const answered = results.filter((r) => r.status === 'fulfilled')
  t.equal(answered.length, 2, 'one running and one queued are answered')
  t.equal(busy.length, 2, 'the rest are refused at once')
  t.ok(busy.every((r) => r.status === 'rejected' && (r.reason as BusyError).retryAfter >= 1), 'with a Retry-After')
})

t.test('an attempt counts toward its username once admitted; one refused by admission control counts nothing (DESIGN.md "Operations")', async (t) => {
  const config = testConfig(t)
  const core = await openIssuer(config, { admission: { maxInFlight: 1, maxQueued: 0 } })
  const admin = await openAdmin(config)
  t.teardown(async () => { await core.close(); await admin.close() })
  await admin.users.create({ username: 'dana', password: 'right-password', scopes: [] })
  // Eleven at once for one username, one place on the machine: one admitted, ten refused.
  const results = await Promise.allSettled(Array.from({ length: 11 }, () => core.checkUserPassword('dana', 'wrong')))
  t.equal(results.filter((r) => r.status === 'rejected' && r.reason instanceof BusyError).length, 10, 'ten refused at once')
  // Had the refused ones counted, the username would be locked now (10 failures).
  t.match(await core.checkUserPassword('dana', 'right-password'), { ok: true }, 'one failure counted, not eleven: not locked')
})

t.test('health: ok with a usable database and a signing key', async (t) => {
  const core = await openIssuer(testConfig(t))
  t.same(await core.health(), { ok: true })
  await core.close()
})
