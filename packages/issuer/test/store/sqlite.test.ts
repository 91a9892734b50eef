import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { openSqliteStore } from '../../src/store/sqlite.js'
import { SCHEMA_VERSION } from '../../src/store/migrations.js'
import { ConfigError, ConflictError } from '../../src/core/errors.js'
import type { ClientRecord, NewKeyRecord } from '../../src/store/types.js'

const client = (id: string): ClientRecord => ({
  id, name: 'svc', grants: ['client_credentials'], scopes: ['read'], audiences: ['https://api.example'], ttl: 900,
  secretHash: '$sha256$salt$digest', previousSecretHash: null, previousSecretExpiresAt: null, createdAt: 1, updatedAt: 1,
})

const key = (kid: string, createdAt: number): NewKeyRecord => ({
  kid, alg: 'ES256', publicJwk: '{}', privateKey: 'plain:AA', createdAt, activatesAt: createdAt, retiredAt: null, removedAt: null,
})

t.test('creates the file and its folder, migrates to the current schema version, WAL', async (t) => {
  const path = join(t.testdir({}), 'nested', 'deeper', 'tessera.db')
  const store = openSqliteStore(path)
  await store.close()
  t.ok(existsSync(path), 'file created with its folders')
  const db = new Database(path, { readonly: true })
  t.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION, 'schema version recorded in user_version')
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal')
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => (r as { name: string }).name)
  t.same(tables.filter((n) => !n.startsWith('sqlite_')), ['clients', 'login_failures', 'meta', 'signing_keys', 'users'])
  db.close()
})

t.test('reopening keeps the data and does not migrate twice', async (t) => {
  const path = join(t.testdir({}), 'tessera.db')
  const a = openSqliteStore(path)
  await a.insertClient(client('tc_1'))
  t.ok(await a.changeKeys(0, { insert: [key('k1', 10)] }))
  await a.close()
  const b = openSqliteStore(path)
  t.equal((await b.getClient('tc_1'))?.name, 'svc')
  const set = await b.listKeys()
  t.equal(set.version, 1)
  t.same(set.keys.map((k) => k.kid), ['k1'])
  await b.close()
})

t.test('a database from a newer version is refused with one line', async (t) => {
  const path = join(t.testdir({}), 'tessera.db')
  const db = new Database(path)
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
  db.close()
  let err: unknown
  try { openSqliteStore(path) } catch (e) { err = e }
  t.ok(err instanceof ConfigError, 'ConfigError')
  t.match((err as Error).message, /^[^\n]*newer than this issuer supports[^\n]*$/, 'one line')
})

t.test('a duplicate client id or username is a ConflictError', async (t) => {
  const store = openSqliteStore(join(t.testdir({}), 'tessera.db'))
  t.teardown(() => store.close())
  await store.insertClient(client('tc_1'))
  await t.rejects(store.insertClient(client('tc_1')), ConflictError)
  const user = { id: 'tu_1', username: 'john', scopes: [], passwordHash: 'x', createdAt: 1, updatedAt: 1 }
  await store.insertUser(user)
  await t.rejects(store.insertUser({ ...user, id: 'tu_2' }), ConflictError)
})

t.test('changeKeys is a compare-and-swap on the key-set version: one of two writers wins', async (t) => {
  const path = join(t.testdir({}), 'tessera.db')
  const a = openSqliteStore(path)
  const b = openSqliteStore(path)
  t.teardown(async () => { await a.close(); await b.close() })
  const seenA = await a.listKeys()
  const seenB = await b.listKeys()
  t.equal(await a.changeKeys(seenA.version, { insert: [key('ka', 1)] }), true, 'first writer wins')
  t.equal(await b.changeKeys(seenB.version, { insert: [key('kb', 1)] }), false, 'second writer, on a stale version, writes nothing')
  t.same((await b.listKeys()).keys.map((k) => k.kid), ['ka'])
  t.equal(await b.keysVersion(), 1)
})

t.test('a failing key change writes nothing (one transaction)', async (t) => {
  const store = openSqliteStore(join(t.testdir({}), 'tessera.db'))
  t.teardown(() => store.close())
  await t.rejects(store.changeKeys(0, { insert: [key('k1', 1)], update: [{ kid: 'missing', retiredAt: 5 }] }))
  const set = await store.listKeys()
  t.same(set.keys, [], 'the insert was rolled back')
  t.equal(set.version, 0, 'the version was not bumped')
})

t.test('client update and secret rotation', async (t) => {
  const store = openSqliteStore(join(t.testdir({}), 'tessera.db'))
  t.teardown(() => store.close())
  await store.insertClient(client('tc_1'))
  const updated = await store.updateClient('tc_1', { scopes: ['a', 'b'] }, 50)
  t.same(updated?.scopes, ['a', 'b'])
  t.equal(updated?.name, 'svc', 'fields not given are kept')
  t.equal(await store.updateClient('tc_none', { name: 'x' }, 50), null)
  t.ok(await store.rotateClientSecret('tc_1', 'new', 1000, 60))
  let c = await store.getClient('tc_1')
  t.equal(c?.secretHash, 'new')
  t.equal(c?.previousSecretHash, '$sha256$salt$digest')
  t.equal(c?.previousSecretExpiresAt, 1000)
  t.ok(await store.rotateClientSecret('tc_1', 'newer', null, 70))
  c = await store.getClient('tc_1')
  t.equal(c?.previousSecretHash, null, 'no grace: the previous secret is dropped')
  t.same(await store.allClientScopes(), ['a', 'b'])
})
