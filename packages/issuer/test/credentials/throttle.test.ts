// Failed-login throttle (DESIGN.md "Token endpoint"): per normalised
// username, existing or not, in the database.
import t from 'tap'
import { openIssuer, type OpenedIssuer } from '../../src/core/open.js'
import { openAdmin } from '../../src/core/admin/open-admin.js'
import { openSqliteStore } from '../../src/store/sqlite.js'
import { LOGIN_THROTTLE } from '../../src/credentials/throttle.js'
import type { IssuerStore } from '../../src/store/types.js'
import type { IssuerConfig } from '../../src/core/types.js'
import { manualClock, testConfig, MINUTE } from '../core/fixtures/setup.js'

async function withUser(config: IssuerConfig, clock: () => number): Promise<void> {
  const admin = await openAdmin(config, { clock })
  await admin.users.create({ username: 'John', scopes: ['read'], password: 'right-password' })
  await admin.close()
}

/** A store that counts user look-ups (each one precedes an argon2 computation). */
function countingStore(path: string): { store: IssuerStore; lookups: () => number } {
  const inner = openSqliteStore(path)
  let lookups = 0
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (prop === 'getUserByUsername') {
        return (...args: [string]) => { lookups++; return target.getUserByUsername(...args) }
      }
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { store, lookups: () => lookups }
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
  const still = await core.checkUserPassword('john', 'right-password')
  t.same(still, { ok: false, reason: 'locked', retryAfter: 1 })
  clock.advance(1000)
  t.equal((await core.checkUserPassword('john', 'right-password')).ok, true, 'unlocked after the lock period')
})

t.test('failures spread beyond the 15-minute window do not lock', async (t) => {
  const store = openSqliteStore(testConfig(t).dbPath)
  t.teardown(() => store.close())
  let now = 0
  for (let i = 0; i < 30; i++) {
    const state = await store.recordLoginFailure('john', now, LOGIN_THROTTLE)
    t.equal(state.lockedUntil, null)
    now += 2 * MINUTE // 8 failures per window at most
  }
})

t.test('an unknown username is throttled the same way', async (t) => {
  const config = testConfig(t)
  const clock = manualClock()
  const core = await openIssuer(config, { clock: clock.now })
  t.teardown(() => core.close())
  for (let i = 0; i < 10; i++) t.same(await core.checkUserPassword('nobody', 'x'), { ok: false, reason: 'invalid_grant' })
  const outcome = await core.checkUserPassword('Nobody', 'x')
  t.equal(outcome.ok === false && outcome.reason, 'locked')
})

t.test('the lock survives a restart and is shared by processes on one file', async (t) => {
  const config = testConfig(t)
  const a = openSqliteStore(config.dbPath)
  const b = openSqliteStore(config.dbPath)
  const now = Date.parse('2030-01-01T00:00:00Z')
  for (let i = 0; i < 5; i++) await a.recordLoginFailure('john', now + i, LOGIN_THROTTLE)
  for (let i = 0; i < 4; i++) t.equal((await b.recordLoginFailure('john', now + 10 + i, LOGIN_THROTTLE)).lockedUntil, null)
  const tenth = await b.recordLoginFailure('john', now + 20, LOGIN_THROTTLE)
  t.equal(tenth.lockedUntil, now + 20 + LOGIN_THROTTLE.lockMs, 'the 10th failure, counted across two connections, locks')
  t.equal((await a.loginLockState('john', now + 30)).lockedUntil, tenth.lockedUntil, 'the other connection sees the lock')
  await a.close()
  await b.close()

  const clock = manualClock(now + 60)
  await withUser(config, clock.now)
  const core = await openIssuer(config, { clock: clock.now })
  t.teardown(() => core.close())
  const outcome = await core.checkUserPassword('john', 'right-password')
  t.equal(outcome.ok === false && outcome.reason, 'locked', 'still locked after reopening the file')
})

t.test('stale failure records are pruned; live ones and locks are kept', async (t) => {
  const store = openSqliteStore(testConfig(t).dbPath)
  t.teardown(() => store.close())
  const now = Date.parse('2030-01-01T00:00:00Z')
  await store.recordLoginFailure('old', now - LOGIN_THROTTLE.windowMs - 1, LOGIN_THROTTLE)
  await store.recordLoginFailure('recent', now - 1000, LOGIN_THROTTLE)
  for (let i = 0; i < 10; i++) await store.recordLoginFailure('locked', now - 2000, LOGIN_THROTTLE)
  t.equal(await store.pruneLoginFailures(now, LOGIN_THROTTLE), 1, 'only the stale, unlocked record goes')
  t.not((await store.loginLockState('locked', now)).lockedUntil, null, 'the lock stays')
  t.equal(await store.pruneLoginFailures(now + LOGIN_THROTTLE.lockMs, LOGIN_THROTTLE), 2, 'the rest go once over')
})
