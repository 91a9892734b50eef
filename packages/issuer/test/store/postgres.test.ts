// The PostgreSQL store against a real, throwaway cluster: the conformance
// suite every store runs, and what only a server database has (processes
// migrating one empty database at once, the servers' copy of the clients,
// the database going away and coming back). The fault tests stop the
// cluster, so they come last.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import pg from 'pg'
import { ConfigError, StoreUnavailableError } from '../../src/domain/errors.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/postgres/migrations.js'
import type { IssuerStore } from '../../src/store/types/index.js'
import { postgresForFile, type Cluster } from '../../../../scripts/postgres-cluster.mjs'
import { within } from '../../../../scripts/wait.mjs'
import { storeConformance } from './fixtures/conformance.js'
import { client } from './fixtures/records.js'

const cluster = await postgresForFile(t)
if (cluster) {
  storeConformance(t, async () => {
    const url = await cluster.createDatabase()
    return { open: () => openPostgresStore(url) }
  })
  serverDatabaseTests(cluster)
}

async function raw(url: string, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try { return await c.query(text) } finally { await c.end() }
}

/** How `op` fails: the error and how long it took. */
async function failure(op: () => Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now()
  try { await op() } catch (err) { return { err, ms: Date.now() - started } }
  throw new Error('expected a failure')
}

function serverDatabaseTests(cluster: Cluster): void {
  const open = async (t: Test, url: string, cacheClients = false): Promise<IssuerStore> => {
    const store = await openPostgresStore(url, { cacheClients })
    t.teardown(() => store.close())
    return store
  }

  t.test('processes starting at once on an empty database all come up; one of them created the tables', async (t) => {
    const url = await cluster.createDatabase()
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(url)))
    t.teardown(() => Promise.all(stores.map((s) => s.close())))
    t.equal(stores.filter((s) => s.created).length, 1, 'exactly one open migrated from version 0')
    t.same((await raw(url, 'SELECT version FROM schema_version')).rows, [{ version: SCHEMA_VERSION }], 'one version row')
    await Promise.all(stores.map((s) => s.ping()))
    const again = await open(t, url)
    t.equal(again.created, false, 'reopening creates nothing')
  })

  t.test('a version 1 database migrates with its clients, users and keys; failure records (plain usernames) are dropped', async (t) => {
    const url = await cluster.createDatabase()
    await raw(url, `CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1); ${MIGRATIONS[0]}
      INSERT INTO clients VALUES ('tc_old', 'old', '{client_credentials}', '{read}', '{https://api.example}', 900, '$sha256$s$d', NULL, NULL, 1, 2);
      INSERT INTO users VALUES ('tu_old', 'john', '{read}', '$argon2id$x', 1, 2);
      INSERT INTO login_failures VALUES ('john', 3, 1, NULL);`)
    const store = await open(t, url)
    t.equal(store.created, false)
    t.same(await store.clients.get('tc_old'), {
      id: 'tc_old', name: 'old', grants: ['client_credentials'], scopes: ['read'], audiences: ['https://api.example'], ttl: 900,
      secretHash: '$sha256$s$d', previousSecretHash: null, previousSecretExpiresAt: null, redirectUris: [], skipConsent: false, postLogoutRedirectUris: [],
      dpopBoundAccessTokens: false, createdAt: 1, updatedAt: 2, registration: null,
    })
    t.equal((await store.users.getByUsername('john'))?.id, 'tu_old')
    t.same((await raw(url, "SELECT to_regclass('login_failures') AS t")).rows, [{ t: null }], 'no table keeps usernames of failed logins')
  })

  t.test('a database from a newer version is refused with one line', async (t) => {
    const url = await cluster.createDatabase()
    await raw(url, `CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (${SCHEMA_VERSION + 1})`)
    const { err } = await failure(() => openPostgresStore(url))
    t.ok(err instanceof ConfigError, 'ConfigError')
    t.match((err as Error).message, /^[^\n]*newer than this issuer supports[^\n]*$/, 'one line')
  })

  t.test('a database that cannot be used is one ConfigError line naming the URL without its password', async (t) => {
    const good = new URL(await cluster.createDatabase())
    const cases: Array<[string, URL]> = [
      ['nothing listens', Object.assign(new URL(good), { port: '1' })],
      ['wrong password', Object.assign(new URL(good), { password: 'wrong-secret' })],
      ['no such database', Object.assign(new URL(good), { pathname: '/missing' })],
    ]
    for (const [what, url] of cases) {
      for (const mustExist of [false, true]) {
        const { err, ms } = await failure(() => openPostgresStore(url.toString(), { mustExist }))
        t.ok(err instanceof ConfigError, `${what}: ConfigError`)
        const message = (err as Error).message
        t.match(message, /^cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/\w+: [^\n]+$/, `${what}: one line naming the URL`)
        t.notMatch(message, url.password, `${what}: never the password`)
        t.ok(ms < 3000, `${what}: answered in ${ms} ms`)
      }
    }
  })

  t.test('location hides the password; backup refuses: pg_dump is the backup', async (t) => {
    const url = await cluster.createDatabase()
    const store = await open(t, url)
    t.equal(store.kind, 'postgres')
    t.equal(store.location, url.replace(`:${cluster.password}@`, ':***@'))
    await t.rejects(store.backup('/tmp/x.db'), new ConfigError('db backup is for SQLite; back up PostgreSQL with pg_dump'))
  })

  t.test('the server\'s copy of the clients picks up a change by another connection within the poll', async (t) => {
    const url = await cluster.createDatabase()
    const cli = await open(t, url)
    const server = await open(t, url, true)
    t.equal(await server.clients.get('tc_1'), null)
    await cli.clients.insert(client('tc_1', { scopes: ['read', 'write'] }))
    const seen = await within(2000, 'insert seen', async () => (await server.clients.get('tc_1')) !== null)
    t.pass(`an insert is served after ${seen} ms`)
    t.same(await server.clients.allScopes(), ['read', 'write'])
    await cli.clients.update('tc_1', { name: 'renamed' }, Date.now())
    await within(2000, 'update seen', async () => (await server.clients.get('tc_1'))?.name === 'renamed')
    await cli.clients.delete('tc_1')
    const gone = await within(2000, 'delete seen', async () => (await server.clients.get('tc_1')) === null)
    t.pass(`a delete is served after ${gone} ms`)
    await server.clients.insert(client('tc_2'))
    t.ok(await server.clients.get('tc_2'), 'a write through the copy is seen by its own process at once')
    ;(await server.clients.get('tc_2'))!.scopes.push('admin')
    t.same((await server.clients.get('tc_2'))?.scopes, ['read'], 'a caller changing what it was served changes nothing for the next one')
  })

  faultTests(cluster, open)
}

type Opener = (t: Test, url: string, cacheClients?: boolean) => Promise<IssuerStore>

/** The pids of the cluster's postmaster and its children (we started them): for freezing it with SIGSTOP. */
function clusterPids(cluster: Cluster): number[] {
  const postmaster = Number(readFileSync(join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0])
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  return [postmaster, ...children]
}

function faultTests(cluster: Cluster, open: Opener): void {
  t.test('a database that stops answering (frozen) fails within a few seconds, never a hang, and serves again when it answers', async (t) => {
    const url = await cluster.createDatabase()
    const store = await open(t, url)
    await store.users.list()
    const pids = clusterPids(cluster)
    for (const pid of pids) process.kill(pid, 'SIGSTOP')
    try {
      for (const [what, op] of [['a read', () => store.users.list()], ['ping', () => store.ping()]] as const) {
        const { err, ms } = await failure(op)
        t.ok(err instanceof StoreUnavailableError, `${what}: StoreUnavailableError (${(err as Error).message})`)
        t.ok(ms < 4000, `${what}: after ${ms} ms`)
      }
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGCONT')
    }
    const back = await within(5000, 'served again', async () => store.ping().then(() => true, () => false))
    t.pass(`served again ${back} ms after the database answers`)
  })

  t.test('a stopped database: StoreUnavailableError within a few seconds; everything serves again by itself once it restarts', async (t) => {
    const url = await cluster.createDatabase()
    const store = await open(t, url)
    const server = await open(t, url, true)
    await store.clients.insert(client('tc_1'))
    await within(2000, 'mirror loaded', async () => (await server.clients.get('tc_1')) !== null)
    await cluster.stop('fast')
    let restarted = false
    t.teardown(async () => { if (!restarted) await cluster.start() })
    const ops: Array<[string, () => Promise<unknown>]> = [
      ['a user look-up', () => store.users.getByUsername('john')],
      ['the failed-login counter', () => store.logins.beginAttempt('k', Date.now(), { maxFailures: 10, windowMs: 60_000, lockMs: 60_000 })],
      ['the key-set version', () => store.keys.version()],
      ['ping', () => store.ping()],
    ]
    for (const [what, op] of ops) {
      const { err, ms } = await failure(op)
      t.ok(err instanceof StoreUnavailableError, `${what}: StoreUnavailableError`)
      t.ok(ms < 3000, `${what}: after ${ms} ms`)
    }
    // The server's copy answers from memory (no round trip) until it is too old to be trusted.
    t.ok(await server.clients.get('tc_1'), 'the copy still answers right after the stop')
    const stale = await within(6000, 'copy refused', async () => server.clients.get('tc_1').then(() => false, (err) => err instanceof StoreUnavailableError))
    t.ok(stale <= 5000, `the copy is refused ${stale} ms after the stop (DESIGN: changes seen within 5 s)`)

    await cluster.start()
    restarted = true
    const back = await within(5000, 'served again', async () => store.ping().then(() => true, () => false))
    t.pass(`ping succeeds ${back} ms after the restart`)
    await within(3000, 'copy served again', async () => server.clients.get('tc_1').then((c) => c !== null, () => false))
    t.ok(await store.users.list(), 'reads work again')
  })
}
