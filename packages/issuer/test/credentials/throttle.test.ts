// The failed-login throttle as the core applies it (DESIGN.md, "Token
// endpoint"): per normalised username, existing or not, in the database,
// counted before the password is checked. The store's own rules are in
// test/store/conformance.ts.
import t from 'tap'
import { openIssuer, type OpenedIssuer } from '../../src/core/open.js'
import { openAdmin } from '../../src/core/admin/open-admin.js'
import { openSqliteStore } from '../../src/store/sqlite/index.js'
import { LOGIN_THROTTLE, usernameKey } from '../../src/credentials/throttle.js'
import type { IssuerStore, UserRecord, UserStore } from '../../src/store/types/index.js'
import type { IssuerConfig } from '../../src/config.js'
import { manualClock, testConfig, MINUTE } from '../core/fixtures/setup.js'
import { delegate } from '../fixtures/delegate.js'
import Database from 'better-sqlite3'

async function withUser(config: IssuerConfig, clock: () => number): Promise<void> {
  const admin = await openAdmin(config, { clock })
  await admin.users.create({ username: 'John', scopes: ['read'], password: 'right-password' })
  await admin.close()
}

/**
 * A store that counts the reads of a user's password hash: each one is an
 * argon2 computation. (The user is looked up before the throttle since
 * DESIGN.md "Accounts" counts failures per account, so a look-up no longer
 * stands for a computation.)
 */
function countingStore(path: string): { store: IssuerStore; lookups: () => number } {
  const inner = openSqliteStore(path)
  let lookups = 0
  const counted = (record: UserRecord | null): UserRecord | null => record === null ? null : new Proxy(record, {
    get: (target, key, receiver) => { if (key === 'passwordHash') lookups++; return Reflect.get(target, key, receiver) },
  })
  const users = delegate<UserStore>(inner.users, {
    getByUsername: async (name: string) => counted(await inner.users.getByUsername(name)),
  })
  return { store: delegate<IssuerStore>(inner, { users }), lookups: () => lookups }
}

t.test('10 failures within 15 minutes lock the username, even against the right password, before any hashing', async (t) => {
  const config = testConfig(t)
  const clock = manualClock()
  await withUser(config, clock.now)
  const { store, lookups } = countingStore(config.dbPath)
  const core: OpenedIssuer = await openIssuer(config, { clock: clock.now, store })
  t.teardown(() => core.close())

  for (let i = 1; i <= 9; i++) {
    t.same(await core.checkUserPassword('john', `wrong-${i}`), { ok: false, reason: 'invalid_grant' })
    clock.advance(MINUTE)
  }
  t.equal((await core.checkUserPassword('JOHN', 'right-password')).ok, true, 'the right password still works after 9 failures (the name is case-insensitive)')
  // A success clears the count: 10 more failures are needed.
  for (let i = 1; i <= 10; i++) await core.checkUserPassword('John', 'wrong')
  const before = lookups()
  const locked = await core.checkUserPassword('john', 'right-password')
  t.same(locked, { ok: false, reason: 'locked', retryAfter: LOGIN_THROTTLE.lockMs / 1000 }, 'locked, with a Retry-After in seconds')
  t.equal(lookups(), before, 'refused before any user look-up or hashing')

  clock.advance(LOGIN_THROTTLE.lockMs - 1000)
  t.same(await core.checkUserPassword('john', 'right-password'), { ok: false, reason: 'locked', retryAfter: 1 })
  clock.advance(1000)
  t.equal((await core.checkUserPassword('john', 'right-password')).ok, true, 'unlocked after the lock period')
})

for (const parallel of [50, 200]) {
  t.test(`${parallel} parallel guesses for one username: at most 10 passwords checked, the right one refused once the bound is reached`, async (t) => {
    const config = testConfig(t)
    const clock = manualClock()
    await withUser(config, clock.now)
    const { store, lookups } = countingStore(config.dbPath)
    const core = await openIssuer(config, { clock: clock.now, store, admission: { maxInFlight: 2, maxQueued: 1000 } })
    t.teardown(() => core.close())
    // The right password is at position 40: in flight with the others, it must not get through.
    const guesses = Array.from({ length: parallel }, (_, i) => (i === 39 ? 'right-password' : `wrong-${i}`))
    const outcomes = await Promise.all(guesses.map((g) => core.checkUserPassword('john', g)))
    t.ok(lookups() <= 10, `${lookups()} passwords checked (at most 10)`)
    t.equal(outcomes[39]!.ok, false, 'the right password, beyond the bound, is refused')
    t.equal(outcomes.filter((o) => !o.ok && o.reason === 'locked').length, parallel - lookups(), 'every attempt beyond the bound is answered locked')
  })
}

t.test('an unknown username is throttled the same way', async (t) => {
  const config = testConfig(t)
  const clock = manualClock()
  const core = await openIssuer(config, { clock: clock.now })
  t.teardown(() => core.close())
  for (let i = 0; i < 10; i++) t.same(await core.checkUserPassword('nobody', 'x'), { ok: false, reason: 'invalid_grant' })
  const outcome = await core.checkUserPassword('Nobody', 'x')
  t.equal(outcome.ok === false && outcome.reason, 'locked')
})

t.test('the lock survives a restart', async (t) => {
  const config = testConfig(t)
  const clock = manualClock()
  await withUser(config, clock.now)
  const first = await openIssuer(config, { clock: clock.now })
  for (let i = 0; i < 10; i++) await first.checkUserPassword('john', 'wrong')
  await first.close()
  const core = await openIssuer(config, { clock: clock.now })
  t.teardown(() => core.close())
  const outcome = await core.checkUserPassword('john', 'right-password')
  t.equal(outcome.ok === false && outcome.reason, 'locked', 'still locked after reopening the file')
})

t.test('failure records hold a fixed-size hash of the normalised username, never the name', async (t) => {
  const config = testConfig(t)
  const core = await openIssuer(config)
  t.teardown(() => core.close())
  const long = 'A'.repeat(200) + '\u00e9'
  await core.checkUserPassword(long, 'x')
  await core.checkUserPassword('bob', 'x')
  const db = new Database(config.dbPath, { readonly: true })
  t.teardown(() => db.close())
  const keys = db.prepare('SELECT username_key FROM login_attempts ORDER BY username_key').all().map((r) => (r as { username_key: string }).username_key)
  t.same(keys.sort(), [usernameKey(long.normalize('NFC').toLowerCase()), usernameKey('bob')].sort())
  t.ok(keys.every((k) => /^[A-Za-z0-9_-]{43}$/.test(k)), 'each key is 43 characters whatever the name')
})

t.test('a username over 256 characters is invalid_grant with nothing hashed, counted or stored; 1,000 of them leave the database small', async (t) => {
  const config = testConfig(t)
  const { store, lookups } = countingStore(config.dbPath)
  const core = await openIssuer(config, { store })
  t.teardown(() => core.close())
  let refused = 0
  for (let i = 0; i < 1000; i++) {
    const outcome = await core.checkUserPassword(`${i}-` + 'x'.repeat(16 * 1024), 'x')
    if (!outcome.ok && outcome.reason === 'invalid_grant') refused++
  }
  t.equal(refused, 1000, 'every one is invalid_grant')
  t.equal(lookups(), 0, 'no look-up, so no argon2')
  const db = new Database(config.dbPath, { readonly: true })
  t.teardown(() => db.close())
  t.equal((db.prepare('SELECT count(*) AS n FROM login_attempts').get() as { n: number }).n, 0, 'nothing counted or stored')
})
