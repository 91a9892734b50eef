// The SQLite store: the conformance suite every store runs, and what only a
// file has (creation, permissions, WAL, migrations from an older schema,
// a removed or replaced file).
import t from 'tap'
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { openSqliteStore } from '../../src/store/sqlite/index.js'
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/sqlite/migrations.js'
import { ConfigError, StoreUnavailableError } from '../../src/domain/errors.js'
import { client, storeConformance } from './fixtures/conformance.js'
import { T0 } from './fixtures/records.js'

storeConformance(t, async (t) => {
  const path = join(t.testdir({}), 'tessera.db')
  return { open: async () => openSqliteStore(path) }
})

// The running server opens its store with cacheClients: the same contract, clients served from its copy.
t.test('the conformance suite, with the server\'s copy of the clients (cacheClients)', async (t) => {
  storeConformance(t, async (t) => {
    const path = join(t.testdir({}), 'tessera.db')
    return { open: async () => openSqliteStore(path, { cacheClients: true }) }
  })
})

t.test('the server\'s copy of the clients serves a change by another connection (the CLI, another worker) at its next look-up', async (t) => {
  const path = join(t.testdir({}), 'tessera.db')
  const server = openSqliteStore(path, { cacheClients: true })
  const cli = openSqliteStore(path)
  t.teardown(async () => { await server.close(); await cli.close() })
  t.equal(await server.clients.get('tc_1'), null, 'an empty table: a miss')
  t.same(await server.clients.allScopes(), [])
  await cli.clients.insert(client('tc_1'))
  t.same(await server.clients.get('tc_1'), client('tc_1'), 'an insert')
  await cli.clients.update('tc_1', { name: 'renamed', scopes: ['read', 'write'] }, T0 + 1)
  t.equal((await server.clients.get('tc_1'))?.name, 'renamed', 'an update')
  t.same(await server.clients.allScopes(), ['read', 'write'], 'and the scopes of all clients')
  await cli.clients.rotateSecret('tc_1', '$sha256$new$hash', null, T0 + 2)
  t.equal((await server.clients.get('tc_1'))?.secretHash, '$sha256$new$hash', 'a rotated secret')
  const registered = client('tc_reg', { registration: { addressHash: 'addr', lastUsedAt: null } })
  await cli.registrations.register(registered, { perAddress: 10, addressWindowMs: 3_600_000, maxUnused: 100, unusedLifetimeMs: 86_400_000 })
  t.same(await server.clients.get('tc_reg'), registered, 'a self-registration')
  t.equal(await cli.registrations.prune(T0 + 2 * 86_400_000, { unusedLifetimeMs: 86_400_000, idleLifetimeMs: 30 * 86_400_000 }), 1)
  t.equal(await server.clients.get('tc_reg'), null, 'a pruned registration')
  await cli.clients.delete('tc_1')
  t.equal(await server.clients.get('tc_1'), null, 'a delete')

  await server.clients.insert(client('tc_2'))
  t.ok(await cli.clients.get('tc_2'), 'a write through the copy goes to the table')
  ;(await server.clients.get('tc_2'))!.scopes.push('admin')
  t.same((await server.clients.get('tc_2'))?.scopes, ['read'], 'a caller changing what it was served changes nothing for the next one')
})

t.test('db copy into a file a server has open: the server serves the copied clients', async (t) => {
  const dir = t.testdir({})
  const source = openSqliteStore(join(dir, 'source.db'))
  await source.clients.insert(client('tc_1'))
  const target = openSqliteStore(join(dir, 'target.db'))
  const server = openSqliteStore(join(dir, 'target.db'), { cacheClients: true })
  t.teardown(async () => { await source.close(); await target.close(); await server.close() })
  t.equal(await server.clients.get('tc_1'), null)
  await target.importAll(await source.exportAll())
  t.same(await server.clients.get('tc_1'), client('tc_1'))
})

t.test('creates the file (0600) and its folders (0700), migrates to the current schema version, WAL', async (t) => {
  const dir = t.testdir({})
  const path = join(dir, 'nested', 'deeper', 'tessera.db')
  const store = openSqliteStore(path)
  t.equal(store.created, true)
  await store.close()
  t.ok(existsSync(path), 'file created with its folders')
  t.equal(statSync(path).mode & 0o777, 0o600, 'database file readable by its owner only')
  t.equal(statSync(join(dir, 'nested')).mode & 0o777, 0o700, 'created folders too')
  t.equal(statSync(join(dir, 'nested', 'deeper')).mode & 0o777, 0o700)
  const db = new Database(path, { readonly: true })
  t.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION, 'schema version recorded in user_version')
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal')
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => (r as { name: string }).name)
  t.same(tables.filter((n) => !n.startsWith('sqlite_')), [
    'answered_requests', 'authorization_codes', 'clients', 'consents', 'dpop_proofs', 'limit_counters', 'login_attempts', 'meta', 'one_time_tokens',
    'refresh_families', 'refresh_tokens', 'scope_descriptions', 'server_secrets', 'sessions', 'signing_keys', 'users',
  ])
  db.close()
  const again = openSqliteStore(path)
  t.equal(again.created, false, 'reopening an existing file creates nothing')
  await again.close()
})

t.test('mustExist: a missing file is refused with one line naming it, and nothing is created', async (t) => {
  const path = join(t.testdir({}), 'typo', 'tessera.db')
  t.throws(() => openSqliteStore(path, { mustExist: true }), new ConfigError(`no database at ${path}`))
  t.notOk(existsSync(join(path, '..')), 'not even the folder')
})

t.test('a version 1 database migrates with its clients, users and keys; failure records (plain usernames) are dropped', async (t) => {
  const path = join(t.testdir({}), 'tessera.db')
  const db = new Database(path)
  db.exec(MIGRATIONS[0]!)
  db.pragma('user_version = 1')
  db.prepare(`INSERT INTO clients VALUES ('tc_old', 'old', '["client_credentials"]', '["read"]', '["https://api.example"]', 900,
    '$sha256$s$d', NULL, NULL, 1, 2)`).run()
  db.prepare(`INSERT INTO users VALUES ('tu_old', 'john', '["read"]', '$argon2id$x', 1, 2)`).run()
  db.prepare(`INSERT INTO login_failures VALUES ('john', 3, 1, NULL)`).run()
  db.close()
  const store = openSqliteStore(path)
  t.teardown(() => store.close())
  t.same(await store.clients.get('tc_old'), {
    id: 'tc_old', name: 'old', grants: ['client_credentials'], scopes: ['read'], audiences: ['https://api.example'], ttl: 900,
    secretHash: '$sha256$s$d', previousSecretHash: null, previousSecretExpiresAt: null, redirectUris: [], skipConsent: false, postLogoutRedirectUris: [],
    dpopBoundAccessTokens: false, createdAt: 1, updatedAt: 2, registration: null,
  })
  t.equal((await store.users.getByUsername('john'))?.id, 'tu_old')
  const raw = new Database(path, { readonly: true })
  t.same(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'login_failures'").all(), [], 'no table keeps usernames of failed logins')
  raw.close()
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

t.test('ping fails (StoreUnavailableError) when the file was removed or replaced under the open store', async (t) => {
  const dir = t.testdir({})
  const path = join(dir, 'tessera.db')
  const store = openSqliteStore(path)
  t.teardown(() => store.close())
  await t.resolves(store.ping())
  renameSync(path, join(dir, 'moved.db'))
  await t.rejects(store.ping(), StoreUnavailableError, 'removed')
  writeFileSync(path, '')
  await t.rejects(store.ping(), StoreUnavailableError, 'replaced by another file')
})
