// One conformance suite for every store (SQLite, PostgreSQL): called with a
// factory that makes a fresh, empty database and opens connections to it.
// Each test names the behaviour of the storage contract it pins
// (src/store/types/*.ts); nothing here knows which store it runs against.
// Concurrent writers over several connections: fixtures/concurrency.ts.
import type { Test } from 'tap'
import { ConflictError } from '../../src/core/errors.js'
import { concurrencyConformance } from './fixtures/concurrency.js'
import { client, DAY, family, key, opened, POLICY, T0, user, withOwners, type MakeFactory } from './fixtures/records.js'

export { client, family, key, user, type MakeFactory, type StoreFactory } from './fixtures/records.js'

export function storeConformance(t: Test, make: MakeFactory): void {
  t.test('clients: insert, get, list, update keeps what is not given, duplicate id is a ConflictError', async (t) => {
    const { store } = await opened(t, make)
    const pub = client('tc_pub', { secretHash: null, grants: ['authorization_code'], redirectUris: ['com.example.app:/cb', 'http://127.0.0.1/cb'], skipConsent: true })
    await store.clients.insert(client('tc_1'))
    await store.clients.insert(pub)
    t.same(await store.clients.get('tc_pub'), pub, 'a public client round-trips: null secret hash, redirect URIs in order, skip-consent')
    t.equal(await store.clients.get('tc_none'), null)
    await t.rejects(store.clients.insert(client('tc_1')), ConflictError)
    const updated = await store.clients.update('tc_1', { scopes: ['a', 'b'], redirectUris: ['https://x.example/cb'], skipConsent: true }, T0 + 50)
    t.same(updated?.scopes, ['a', 'b'])
    t.equal(updated?.name, 'svc', 'fields not given are kept')
    t.equal(updated?.updatedAt, T0 + 50)
    t.same((await store.clients.get('tc_1'))?.redirectUris, ['https://x.example/cb'])
    t.equal((await store.clients.get('tc_1'))?.skipConsent, true)
    t.equal(await store.clients.update('tc_none', { name: 'x' }, T0), null)
    t.same((await store.clients.list()).map((c) => c.id).sort(), ['tc_1', 'tc_pub'])
    t.same(await store.clients.allScopes(), ['a', 'b', 'read'])
  })

  t.test('clients: secret rotation keeps the previous hash only with a grace period', async (t) => {
    const { store } = await opened(t, make)
    await store.clients.insert(client('tc_1'))
    t.ok(await store.clients.rotateSecret('tc_1', 'new', T0 + 1000, T0 + 60))
    let c = await store.clients.get('tc_1')
    t.equal(c?.secretHash, 'new')
    t.equal(c?.previousSecretHash, '$sha256$salt$digest')
    t.equal(c?.previousSecretExpiresAt, T0 + 1000)
    t.ok(await store.clients.rotateSecret('tc_1', 'newer', null, T0 + 70))
    c = await store.clients.get('tc_1')
    t.equal(c?.previousSecretHash, null, 'no grace: the previous secret is dropped')
    t.equal(await store.clients.rotateSecret('tc_none', 'x', null, T0), false)
  })

  t.test('clients: delete takes the client\'s pending requests, codes and refresh tokens with it', async (t) => {
    const { store } = await opened(t, make)
    await withOwners(store)
    await store.sessions.insertPending({ idHash: 'p1', clientId: 'tc_app', params: '{}', createdAt: T0, expiresAt: T0 + 600_000 }, 100)
    await store.sessions.insertCode({
      hash: 'c1', clientId: 'tc_app', userId: 'tu_john', redirectUri: null, codeChallenge: 'x', scopes: ['read'],
      audience: 'https://api.example', authTime: T0, createdAt: T0, expiresAt: T0 + 60_000, spentAt: null,
    })
    await store.refresh.insertFamily(family('f1', 'tc_app', 'tu_john'), { hash: 'r1', createdAt: T0, expiresAt: T0 + DAY })
    t.equal(await store.clients.delete('tc_app'), true)
    t.equal(await store.clients.delete('tc_app'), false, 'gone already')
    t.equal(await store.sessions.getPending('p1', T0), null, 'pending request gone')
    t.equal(await store.sessions.getCode('c1'), null, 'code gone')
    t.equal(await store.refresh.find('r1'), null, 'refresh token gone')
    t.ok(await store.users.getByUsername('john'), 'the user stays')
  })

  t.test('users: insert, look-up by name and id, list, duplicate name is a ConflictError', async (t) => {
    const { store } = await opened(t, make)
    await store.users.insert(user('tu_1', 'john'))
    await store.users.insert(user('tu_2', 'anna'))
    t.same(await store.users.getByUsername('john'), user('tu_1', 'john'))
    t.same(await store.users.getById('tu_2'), user('tu_2', 'anna'))
    t.equal(await store.users.getByUsername('nobody'), null)
    t.equal(await store.users.getById('tu_none'), null)
    t.same((await store.users.list()).map((u) => u.username), ['anna', 'john'], 'ordered by username')
    await t.rejects(store.users.insert(user('tu_3', 'john')), ConflictError)
  })

  t.test('users: set-password, sign-out and delete end sessions, codes and refresh tokens; set-password clears failed attempts', async (t) => {
    const { store } = await opened(t, make)
    await withOwners(store)
    const hold = async (n: number): Promise<void> => {
      await store.sessions.insertSession({ idHash: `s${n}`, userId: 'tu_john', authTime: T0, createdAt: T0, expiresAt: T0 + DAY })
      await store.sessions.insertCode({
        hash: `c${n}`, clientId: 'tc_app', userId: 'tu_john', redirectUri: null, codeChallenge: 'x', scopes: ['read'],
        audience: 'https://api.example', authTime: T0, createdAt: T0, expiresAt: T0 + 60_000, spentAt: null,
      })
      await store.refresh.insertFamily(family(`f${n}`, 'tc_app', 'tu_john'), { hash: `r${n}`, createdAt: T0, expiresAt: T0 + DAY })
    }
    const gone = async (n: number, what: string): Promise<void> => {
      t.equal(await store.sessions.getSession(`s${n}`, T0), null, `${what}: session ended`)
      t.equal(await store.sessions.getCode(`c${n}`), null, `${what}: code revoked`)
      t.equal(await store.refresh.find(`r${n}`), null, `${what}: refresh token revoked`)
    }
    await hold(1)
    for (let i = 0; i < 3; i++) await store.logins.beginAttempt('key-john', T0, POLICY)
    t.equal(await store.users.setPassword('john', '$argon2id$new', 'key-john', T0 + 5), true)
    t.equal((await store.users.getByUsername('john'))?.passwordHash, '$argon2id$new')
    t.equal((await store.users.getByUsername('john'))?.updatedAt, T0 + 5)
    await gone(1, 'set-password')
    for (let i = 0; i < 10; i++) t.same(await store.logins.beginAttempt('key-john', T0 + 10, POLICY), { allowed: true }, 'the count started again')
    t.equal(await store.users.setPassword('nobody', 'x', 'k', T0), false)

    await hold(2)
    t.equal(await store.users.signOut('john'), true)
    await gone(2, 'sign-out')
    t.ok(await store.users.getByUsername('john'), 'sign-out keeps the user')
    t.equal(await store.users.signOut('nobody'), false)

    await hold(3)
    t.equal(await store.users.delete('john'), true)
    await gone(3, 'delete')
    t.equal(await store.users.delete('john'), false)
  })

  t.test('logins: at most maxFailures attempts are admitted per window, counted before the check', async (t) => {
    const { store, other } = await opened(t, make)
    const second = await other()
    // 50 attempts at once over two connections: exactly 10 admitted, whatever the interleaving.
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? second : store).logins.beginAttempt('k', T0 + i, POLICY)))
    t.equal(results.filter((r) => r.allowed).length, 10, '10 admitted')
    const refused = results.filter((r) => !r.allowed) as Array<{ allowed: false; lockedUntil: number }>
    t.equal(refused.length, 40)
    t.ok(refused.every((r) => r.lockedUntil > T0), 'the refused ones say until when')
    // Locked even after the in-flight ones settle as failures.
    for (let i = 0; i < 10; i++) await store.logins.failAttempt('k', T0 + 100, POLICY)
    t.equal((await second.logins.beginAttempt('k', T0 + 200, POLICY)).allowed, false, 'locked for the other connection too')
  })

  t.test('logins: a success clears the count; the 10th failure locks; the lock ends; windows expire', async (t) => {
    const { store } = await opened(t, make)
    for (let i = 0; i < 9; i++) {
      t.same(await store.logins.beginAttempt('k', T0, POLICY), { allowed: true })
      await store.logins.failAttempt('k', T0, POLICY)
    }
    t.same(await store.logins.beginAttempt('k', T0, POLICY), { allowed: true }, 'the 10th attempt is admitted')
    await store.logins.clear('k')
    for (let i = 0; i < 10; i++) {
      t.same(await store.logins.beginAttempt('k', T0 + 1, POLICY), { allowed: true })
      await store.logins.failAttempt('k', T0 + 1, POLICY)
    }
    const locked = await store.logins.beginAttempt('k', T0 + 2, POLICY)
    t.same(locked, { allowed: false, lockedUntil: T0 + 1 + POLICY.lockMs }, 'the 10th failure locked the key')
    t.same(await store.logins.beginAttempt('k', T0 + 1 + POLICY.lockMs, POLICY), { allowed: true }, 'a new window once the lock is over')

    // Failures spread beyond the window never lock.
    let now = T0 + DAY
    for (let i = 0; i < 30; i++) {
      t.equal((await store.logins.beginAttempt('spread', now, POLICY)).allowed, true)
      await store.logins.failAttempt('spread', now, POLICY)
      now += 2 * 60_000
    }
  })

  t.test('logins: prune deletes records whose window is over and no lock holds', async (t) => {
    const { store } = await opened(t, make)
    await store.logins.beginAttempt('old', T0 - POLICY.windowMs - 1, POLICY)
    await store.logins.beginAttempt('recent', T0 - 1000, POLICY)
    for (let i = 0; i < 10; i++) {
      await store.logins.beginAttempt('locked', T0 - 2000, POLICY)
      await store.logins.failAttempt('locked', T0 - 2000, POLICY)
    }
    t.equal(await store.logins.prune(T0, POLICY), 1, 'only the stale, unlocked record goes')
    t.equal((await store.logins.beginAttempt('locked', T0, POLICY)).allowed, false, 'the lock stays')
    t.equal(await store.logins.prune(T0 + POLICY.lockMs, POLICY), 2, 'the rest go once over')
  })

  t.test('keys: change is a compare-and-swap on the version: of two writers one wins', async (t) => {
    const { store, other } = await opened(t, make)
    const b = await other()
    const seenA = await store.keys.list()
    const seenB = await b.keys.list()
    t.equal(seenA.version, 0)
    t.equal(await store.keys.change(seenA.version, { insert: [key('ka')] }), true, 'first writer wins')
    t.equal(await b.keys.change(seenB.version, { insert: [key('kb')] }), false, 'second writer, on a stale version, writes nothing')
    const set = await b.keys.list()
    t.same(set.keys.map((k) => k.kid), ['ka'])
    t.equal(await b.keys.version(), 1)
    t.equal(await store.keys.change(1, { update: [{ kid: 'ka', retiredAt: T0 + 5, privateKey: 'plain:BB' }] }), true)
    const [k] = (await b.keys.list()).keys
    t.equal(k?.retiredAt, T0 + 5)
    t.equal(k?.privateKey, 'plain:BB')
    t.equal(k?.activatesAt, T0, 'fields not given are kept')
  })

  t.test('keys: a failing change writes nothing; serials keep insertion order', async (t) => {
    const { store } = await opened(t, make)
    await t.rejects(store.keys.change(0, { insert: [key('k1')], update: [{ kid: 'missing', retiredAt: 5 }] }))
    let set = await store.keys.list()
    t.same(set.keys, [], 'the insert was rolled back')
    t.equal(set.version, 0, 'the version was not bumped')
    t.ok(await store.keys.change(0, { insert: [key('k1'), key('k2')] }))
    t.ok(await store.keys.change(1, { insert: [key('k3')] }))
    set = await store.keys.list()
    t.same(set.keys.map((k) => k.kid), ['k1', 'k2', 'k3'], 'oldest first')
    t.ok(set.keys[0]!.serial < set.keys[1]!.serial && set.keys[1]!.serial < set.keys[2]!.serial, 'a higher serial is a newer key')
  })

  t.test('keys: server secrets are inserted once (the first writer\'s value stays) and can be re-sealed', async (t) => {
    const { store } = await opened(t, make)
    t.ok(await store.keys.change(0, { insertSecrets: [{ name: 'refresh', value: 'plain:one', createdAt: T0 }] }))
    t.ok(await store.keys.change(1, { insertSecrets: [{ name: 'refresh', value: 'plain:two', createdAt: T0 }] }))
    let set = await store.keys.list()
    t.same(set.secrets, [{ name: 'refresh', value: 'plain:one', createdAt: T0 }], 'an existing secret is never overwritten by an insert')
    t.ok(await store.keys.change(2, { updateSecrets: [{ name: 'refresh', value: 'aes256gcm.v1:x' }] }))
    set = await store.keys.list()
    t.equal(set.secrets[0]?.value, 'aes256gcm.v1:x')
    await t.rejects(store.keys.change(3, { updateSecrets: [{ name: 'missing', value: 'x' }] }), 'updating a missing secret fails, writing nothing')
    t.equal(await store.keys.version(), 3)
  })

  t.test('sessions: pending requests expire, are deleted, and are capped (oldest go first)', async (t) => {
    const { store } = await opened(t, make)
    await withOwners(store)
    for (let i = 0; i < 5; i++) {
      await store.sessions.insertPending({ idHash: `p${i}`, clientId: 'tc_app', params: `{"n":${i}}`, createdAt: T0 + i, expiresAt: T0 + 600_000 }, 3)
    }
    t.equal(await store.sessions.getPending('p0', T0), null, 'evicted')
    t.equal(await store.sessions.getPending('p1', T0), null, 'evicted')
    t.same(await store.sessions.getPending('p4', T0), { idHash: 'p4', clientId: 'tc_app', params: '{"n":4}', createdAt: T0 + 4, expiresAt: T0 + 600_000 })
    t.equal(await store.sessions.getPending('p2', T0 + 600_000), null, 'expired at expiresAt')
    await store.sessions.deletePending('p3')
    t.equal(await store.sessions.getPending('p3', T0), null, 'deleted')
  })

  t.test('sessions: a session is found with its user until it expires, and can be ended', async (t) => {
    const { store } = await opened(t, make)
    await withOwners(store)
    await store.sessions.insertSession({ idHash: 's1', userId: 'tu_john', authTime: T0 - 5, createdAt: T0, expiresAt: T0 + 1000 })
    t.same(await store.sessions.getSession('s1', T0), {
      session: { idHash: 's1', userId: 'tu_john', authTime: T0 - 5, createdAt: T0, expiresAt: T0 + 1000 }, username: 'john', scopes: ['read'],
    })
    t.equal(await store.sessions.getSession('s1', T0 + 1000), null, 'expired')
    t.equal(await store.sessions.getSession('nope', T0), null)
    await store.sessions.deleteSession('s1')
    t.equal(await store.sessions.getSession('s1', T0), null, 'ended')
  })

  t.test('codes: of concurrent redemptions exactly one spends the code; the refresh family is stored with it', async (t) => {
    const { store, other } = await opened(t, make)
    const second = await other()
    await withOwners(store)
    await store.sessions.insertCode({
      hash: 'c1', clientId: 'tc_app', userId: 'tu_john', redirectUri: 'http://127.0.0.1/cb', codeChallenge: 'chal', scopes: ['read'],
      audience: 'https://api.example', authTime: T0, createdAt: T0, expiresAt: T0 + 60_000, spentAt: null,
    })
    t.same(await store.sessions.getCode('c1'), {
      hash: 'c1', clientId: 'tc_app', userId: 'tu_john', redirectUri: 'http://127.0.0.1/cb', codeChallenge: 'chal', scopes: ['read'],
      audience: 'https://api.example', authTime: T0, createdAt: T0, expiresAt: T0 + 60_000, spentAt: null,
    })
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? second : store).sessions.spendCode('c1', T0 + 10,
      { family: family(`f${i}`, 'tc_app', 'tu_john', { codeHash: 'c1' }), token: { hash: `r${i}`, createdAt: T0 + 10, expiresAt: T0 + DAY } })))
    const spent = results.map((r, i) => [r.outcome, i] as const).filter(([o]) => o === 'spent')
    t.equal(spent.length, 1, 'exactly one redemption spends the code')
    t.ok(results.every((r) => r.outcome === 'spent' || r.outcome === 'replayed'), 'the others see a replay')
    t.equal((await store.sessions.getCode('c1'))?.spentAt, T0 + 10)
    // Every later replay revoked what the code granted: the winner's family is gone.
    const winner = spent[0]![1]
    t.equal(await store.refresh.find(`r${winner}`), null, 'a replay revoked the family granted with the code (RFC 6749 §4.1.2)')
  })

  t.test('codes: a single redemption keeps its family; expired or unknown codes are invalid', async (t) => {
    const { store } = await opened(t, make)
    await withOwners(store)
    const code = (hash: string, expiresAt: number) => ({
      hash, clientId: 'tc_app', userId: 'tu_john', redirectUri: null, codeChallenge: 'x', scopes: ['read'],
      audience: 'https://api.example', authTime: T0, createdAt: T0, expiresAt, spentAt: null,
    })
    await store.sessions.insertCode(code('c1', T0 + 60_000))
    await store.sessions.insertCode(code('c2', T0 + 60_000))
    t.same(await store.sessions.spendCode('c1', T0 + 1, { family: family('f1', 'tc_app', 'tu_john', { codeHash: 'c1' }), token: { hash: 'r1', createdAt: T0, expiresAt: T0 + DAY } }), { outcome: 'spent' })
    t.same((await store.refresh.find('r1'))?.family, family('f1', 'tc_app', 'tu_john', { codeHash: 'c1' }))
    t.same(await store.sessions.spendCode('c2', T0 + 60_000, null), { outcome: 'invalid' }, 'expired at expiresAt')
    t.equal((await store.sessions.getCode('c2'))?.spentAt, null, 'an expired code is not spent')
    t.same(await store.sessions.spendCode('nope', T0, null), { outcome: 'invalid' })
    t.same(await store.sessions.spendCode('c1', T0 + 2, null), { outcome: 'replayed', revokedFamilies: 1 })
    t.equal(await store.refresh.find('r1'), null)
  })

  t.test('sessions: prune deletes expired pending requests and sessions, and codes past their retention', async (t) => {
    const { store } = await opened(t, make)
    await withOwners(store)
    await store.sessions.insertPending({ idHash: 'p', clientId: 'tc_app', params: '{}', createdAt: T0, expiresAt: T0 + 10 }, 10)
    await store.sessions.insertSession({ idHash: 's', userId: 'tu_john', authTime: T0, createdAt: T0, expiresAt: T0 + 10 })
    await store.sessions.insertSession({ idHash: 'live', userId: 'tu_john', authTime: T0, createdAt: T0, expiresAt: T0 + DAY })
    await store.sessions.insertCode({
      hash: 'c', clientId: 'tc_app', userId: 'tu_john', redirectUri: null, codeChallenge: 'x', scopes: [],
      audience: 'https://api.example', authTime: T0, createdAt: T0, expiresAt: T0 + 10, spentAt: T0 + 5,
    })
    t.equal(await store.sessions.prune(T0 + 20, 1000), 2, 'pending request and session; the spent code is kept for replay detection')
    t.ok(await store.sessions.getCode('c'))
    t.equal(await store.sessions.prune(T0 + 1010, 1000), 1, 'the code once its retention is over')
    t.ok(await store.sessions.getSession('live', T0 + 1010), 'live sessions stay')
  })

  t.test('refresh: of concurrent rotations of one token exactly one succeeds', async (t) => {
    const { store, other } = await opened(t, make)
    const second = await other()
    await withOwners(store)
    await store.refresh.insertFamily(family('f1', 'tc_app', 'tu_john'), { hash: 'r0', createdAt: T0, expiresAt: T0 + DAY })
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? second : store).refresh.rotate('r0', T0 + 5, { hash: `r1-${i}`, salt: `s${i}`, createdAt: T0 + 5, expiresAt: T0 + DAY }, 8)))
    const won = results.map((r, i) => [r, i] as const).filter(([r]) => r.outcome === 'rotated')
    t.equal(won.length, 1, 'exactly one rotation')
    const i = won[0]![1]
    const lookup = await store.refresh.find('r0')
    t.equal(lookup?.token.spentAt, T0 + 5)
    t.equal(lookup?.token.successorHash, `r1-${i}`)
    t.equal(lookup?.token.successorSalt, `s${i}`)
    t.equal(lookup?.successor?.hash, `r1-${i}`, 'the lookup carries the successor')
    t.equal(lookup?.successor?.spentAt, null)
    t.equal(lookup?.successor?.generation, 1)
    for (const r of results) {
      if (r.outcome === 'refused') t.equal(r.current?.token.successorHash, `r1-${i}`, 'a refused rotation reports the token as it is now')
    }
    t.equal(await store.refresh.find('r1-' + ((i + 1) % 10)), null, 'no other successor exists')
  })

  t.test('refresh: expired tokens and families do not rotate; old generations are dropped; revoke and prune', async (t) => {
    const { store } = await opened(t, make)
    await withOwners(store)
    await store.refresh.insertFamily(family('f1', 'tc_app', 'tu_john', { expiresAt: T0 + 100_000 }), { hash: 'g0', createdAt: T0, expiresAt: T0 + 50_000 })
    t.equal((await store.refresh.rotate('g0', T0 + 50_000, { hash: 'x', salt: 's', createdAt: T0, expiresAt: T0 + 60_000 }, 2)).outcome, 'refused', 'idle-expired token')
    let prev = 'g0'
    for (let g = 1; g <= 5; g++) {
      const r = await store.refresh.rotate(prev, T0 + g, { hash: `g${g}`, salt: 's', createdAt: T0 + g, expiresAt: T0 + 60_000 }, 2)
      t.equal(r.outcome, 'rotated')
      prev = `g${g}`
    }
    t.equal(await store.refresh.find('g0'), null, 'generation 0 dropped (more than 2 back)')
    t.equal(await store.refresh.find('g2'), null, 'generation 2 dropped')
    t.ok(await store.refresh.find('g3'), 'generation 3 kept')
    t.equal((await store.refresh.find('g5'))?.token.generation, 5)
    t.equal((await store.refresh.rotate('g5', T0 + 100_000, { hash: 'y', salt: 's', createdAt: T0, expiresAt: T0 + 200_000 }, 2)).outcome, 'refused', 'family past its absolute end')

    await store.refresh.insertFamily(family('f2', 'tc_app', 'tu_john'), { hash: 'h0', createdAt: T0, expiresAt: T0 + DAY })
    t.equal(await store.refresh.revokeFamily('f2'), true)
    t.equal(await store.refresh.revokeFamily('f2'), false)
    t.equal(await store.refresh.find('h0'), null, 'revoking a family deletes its tokens')

    await store.refresh.insertFamily(family('f3', 'tc_app', 'tu_john'), { hash: 'i0', createdAt: T0, expiresAt: T0 + DAY })
    t.equal(await store.refresh.prune(T0 + 60_000), 1, 'f1: its live token idled out')
    t.equal(await store.refresh.find('g5'), null)
    t.ok(await store.refresh.find('i0'), 'a live family stays')
    t.equal(await store.refresh.prune(T0 + DAY), 1, 'f3 once its token expired')
  })

  t.test('exportAll / importAll: everything moves; a target holding data is refused, writing nothing', async (t) => {
    const { store } = await opened(t, make)
    await withOwners(store)
    await store.clients.insert(client('tc_svc'))
    t.ok(await store.keys.change(0, { insert: [key('k1'), key('k2', T0 + 5)], insertSecrets: [{ name: 'refresh', value: 'aes256gcm.v1:z', createdAt: T0 }] }))
    await store.sessions.insertSession({ idHash: 's1', userId: 'tu_john', authTime: T0, createdAt: T0, expiresAt: T0 + DAY })
    await store.refresh.insertFamily(family('f1', 'tc_app', 'tu_john'), { hash: 'r0', createdAt: T0, expiresAt: T0 + DAY })
    t.equal((await store.refresh.rotate('r0', T0 + 1, { hash: 'r1', salt: 'salt', createdAt: T0 + 1, expiresAt: T0 + DAY }, 8)).outcome, 'rotated')
    const snapshot = await store.exportAll()
    t.equal(snapshot.clients.length, 2)
    t.equal(snapshot.refreshTokens.length, 2)

    const target = await (await make(t)).open()
    t.teardown(() => target.close())
    await target.importAll(snapshot)
    const copy = await target.exportAll()
    const strip = (s: typeof snapshot) => ({ ...s, keys: s.keys.map(({ serial: _serial, ...k }) => k) })
    t.same(strip(copy), strip(snapshot), 'the copy holds the same records')
    t.same(copy.keys.map((k) => k.kid), ['k1', 'k2'], 'keys keep their order')
    t.ok((await target.keys.version()) > 0, 'the key-set version moved, so running servers reload')
    t.equal((await target.refresh.find('r0'))?.token.successorHash, 'r1', 'refresh tokens keep their chain')

    await t.rejects(target.importAll(snapshot), ConflictError, 'a target holding data is refused')
    t.equal((await target.clients.list()).length, 2, 'nothing was added')
  })

  t.test('ping answers on a usable database', async (t) => {
    const { store } = await opened(t, make)
    await t.resolves(store.ping())
    t.equal(store.created, true, 'a fresh database says it was created')
  })

  concurrencyConformance(t, make)
}
