// The CLI on a PostgreSQL URL (the built bin, as users run it), and
// `db copy` both ways between SQLite and PostgreSQL (DESIGN.md, "Storage"):
// everything moves, encrypted keys keep their ciphertext, a refresh token
// issued before the copy still rotates after it, a target holding data is
// refused with one line, and no message ever shows the database password.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { openIssuer } from '../../src/core/open.js'
import { openStore } from '../../src/store/open.js'
import type { StoreSnapshot } from '../../src/store/types/index.js'
import { postgresForFile } from '../../../../scripts/postgres-cluster.mjs'
import { cli } from '../fixtures/process.js'

const AUDIENCE = 'https://api.example'
const KEK = randomBytes(32).toString('base64url')
const WITH_KEK = { TESSERA_KEY_ENCRYPTION_KEY: KEK }

/** A CLI command expected to fail: its exit code and stderr. */
/** A command (run with --json) that must fail: its exit code, its one stderr line, and the message of that JSON error. */
async function refused(db: string, args: string[], env: Record<string, string> = WITH_KEK): Promise<{ code: number; stderr: string; message: string }> {
  try {
    await cli(db, args, env)
  } catch (err) {
    const e = err as { code?: number; stderr?: string }
    const stderr = e.stderr ?? ''
    let message = ''
    try { message = String((JSON.parse(stderr) as { message?: unknown }).message) } catch { /* not JSON: message stays empty and the test says so */ }
    return { code: e.code ?? -1, stderr, message }
  }
  throw new Error(`tessera-issuer ${args.join(' ')} succeeded`)
}

const oneLine = (s: string) => s.endsWith('\n') && s.trimEnd().split('\n').length === 1

async function snapshotOf(location: string): Promise<StoreSnapshot> {
  const store = await openStore(location)
  try { return await store.exportAll() } finally { await store.close() }
}

/** The records without what each store assigns itself (key serials). */
const comparable = (s: StoreSnapshot) => ({ ...s, keys: s.keys.map(({ serial: _serial, ...k }) => k) })

const cluster = await postgresForFile(t)
if (cluster) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-db-pg-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))

  t.test('db copy SQLite -> PostgreSQL -> SQLite: everything moves, keys keep their ciphertext, refresh tokens keep working', async (t) => {
    const source = join(dir, 'source.db')
    const pgUrl = await cluster.createDatabase()
    const svc = await cli(source, ['client', 'create', '--name', 'svc', '--grant', 'client_credentials', '--grant', 'password', '--grant', 'refresh_token',
      '--scope', 'read', '--audience', AUDIENCE], WITH_KEK)
    await cli(source, ['client', 'create', '--name', 'app', '--public', '--grant', 'authorization_code', '--redirect-uri', 'http://127.0.0.1/cb',
      '--scope', 'read', '--audience', AUDIENCE], WITH_KEK)
    const user = await cli(source, ['user', 'create', '--username', 'gina', '--scope', 'read', '--password-stdin'], WITH_KEK, 'gina-password-1\n')
    await cli(source, ['keys', 'rotate'], WITH_KEK)
    // A refresh token issued on SQLite (the server secret it derives successors with moves too).
    const core = await openIssuer(loadConfig({ TESSERA_DB: source, ...WITH_KEK }))
    const token = await core.refreshTokens.issue((await core.findClient(svc.client_id))!, user.user_id, ['read'], AUDIENCE, null, null)
    await core.close()

    const copied = await cli(source, ['db', 'copy', '--to', pgUrl], WITH_KEK)
    t.same(copied.copied, { clients: 2, users: 1, keys: 2, refresh_tokens: 1, sessions: 0 })
    t.notMatch(JSON.stringify(copied), cluster.password, 'the output never shows the password')
    const [fromSqlite, inPg] = [await snapshotOf(source), await snapshotOf(pgUrl)]
    t.same(comparable(inPg), comparable(fromSqlite), 'PostgreSQL holds the same records')
    t.ok(inPg.keys.every((k) => k.privateKey.startsWith('aes256gcm.v1:')), 'keys still encrypted: the same ciphertext')

    t.same((await cli(pgUrl, ['client', 'list'], WITH_KEK)).clients.map((c: { client_id: string }) => c.client_id).sort(),
      fromSqlite.clients.map((c) => c.id).sort(), 'the CLI on the URL lists the copied clients')
    // client list (keys list shows nothing secret and needs no key: issue 17).
    const noKek = await refused(pgUrl, ['client', 'list'], {})
    t.ok(noKek.code !== 0 && oneLine(noKek.stderr), 'the copy needs the same key encryption key: one line')
    t.match(noKek.stderr, /holds encrypted signing keys/)
    t.notMatch(noKek.stderr, cluster.password, 'naming the URL without its password')

    const onPg = await openIssuer(loadConfig({ TESSERA_DB: pgUrl, ...WITH_KEK }))
    t.teardown(() => onPg.close())
    const client = (await onPg.findClient(svc.client_id))!
    const check = await onPg.refreshTokens.check(token, client, null)
    t.ok(check.ok, 'the refresh token issued on SQLite is valid on PostgreSQL')
    if (check.ok) t.ok((await onPg.refreshTokens.rotate(token, client, check.grant)).ok, 'and rotates there')

    const again = await refused(source, ['db', 'copy', '--to', pgUrl])
    t.equal(again.code, 1)
    t.ok(oneLine(again.stderr), 'a target holding data: one line')
    t.match(again.stderr, /already holds data: db copy needs an empty target/)
    t.notMatch(again.stderr, cluster.password)

    const back = join(dir, 'back.db')
    const copiedBack = await cli(pgUrl, ['db', 'copy', '--to', back], WITH_KEK)
    t.equal(copiedBack.copied.keys, 2)
    t.notMatch(copiedBack.from, cluster.password, 'the source URL is shown without its password')
    t.same(comparable(await snapshotOf(back)), comparable(await snapshotOf(pgUrl)), 'PostgreSQL -> SQLite: the same records')
    const intoFull = await refused(pgUrl, ['db', 'copy', '--to', source])
    t.ok(intoFull.code === 1 && oneLine(intoFull.stderr) && /already holds data/.test(intoFull.stderr), 'a SQLite target holding data: one line')
  })

  t.test('the CLI on a URL: PGPASSWORD, db backup refused, an unreachable database named without its password', async (t) => {
    const url = new URL(await cluster.createDatabase())
    const created = await cli(url.toString(), ['client', 'create', '--name', 'svc', '--grant', 'client_credentials', '--scope', 'read', '--audience', AUDIENCE])
    const noPassword = Object.assign(new URL(url), { password: '' }).toString()
    const listed = await cli(noPassword, ['client', 'list'], { PGPASSWORD: cluster.password })
    t.same(listed.clients.map((c: { client_id: string }) => c.client_id), [created.client_id], 'the password from PGPASSWORD')

    const backup = await refused(url.toString(), ['db', 'backup', join(dir, 'x.db')], {})
    t.ok(oneLine(backup.stderr), 'one line')
    t.equal(backup.message, 'db backup is for SQLite; back up PostgreSQL with pg_dump')

    const down = Object.assign(new URL(url), { port: '1' }).toString()
    for (const args of [['client', 'list'], ['keys', 'list'], ['client', 'create', '--name', 'x', '--grant', 'client_credentials', '--scope', 'read', '--audience', AUDIENCE]]) {
      const r = await refused(down, args, {})
      t.equal(r.code, 1, `${args.join(' ')}: exit 1`)
      t.ok(oneLine(r.stderr), `${args.join(' ')}: one line`)
      t.match(r.message, /^cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\//, 'naming the URL without its password')
    }
  })
}
