// `serve` as one process, for operations (issue 12): metrics on their own
// port after real requests, TESSERA_LOG_LEVEL, the start-up warnings, and
// `db backup` of a live WAL database while the server runs.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import t from 'tap'
import { BIN, cleanEnv, cli, createClient, scrape, startServer, stop, token, until, type ServerProcess } from '../fixtures/process.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-ops-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const exec = promisify(execFile)

type Line = { level?: number; msg?: string; metrics?: string }
const entries = (s: ServerProcess): Line[] => s.lines.filter((l): l is Line => typeof l === 'object' && l !== null)
const warnings = (s: ServerProcess): string[] => entries(s).filter((l) => l.level === 40).map((l) => String(l.msg))

t.test('TESSERA_METRICS_PORT: /metrics on its own port counts the real requests of a single process', async (t) => {
  const db = join(dir, 'metrics.db')
  const server = await startServer(db, { TESSERA_METRICS_PORT: '0' })
  t.teardown(() => stop(server))
  const client = await createClient(db)
  for (let i = 0; i < 3; i++) t.equal((await token(server.url, client.client_id, client.client_secret)).status, 200)
  t.equal((await token(server.url, client.client_id, 'wrong')).status, 401)
  t.equal((await token(server.url, 'tc_unknownunknownunknow', 'x')).status, 401)
  const metrics = entries(server).find((l) => l.metrics)?.metrics
  t.match(metrics, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/, 'the ready line says where')
  t.not(new URL(metrics!).port, new URL(server.url).port, 'apart from the public port')
  const s = await scrape(metrics!)
  t.equal(s.get('tessera_token_requests_total{grant_type="client_credentials",outcome="ok"}'), 3)
  t.equal(s.get('tessera_token_requests_total{grant_type="client_credentials",outcome="invalid_client"}'), 2)
  t.equal(s.get('tessera_token_request_duration_seconds_count{grant_type="client_credentials"}'), 5)
  t.equal(s.get('tessera_argon2_in_flight'), 0)
  t.equal(s.get('tessera_database_errors_total'), 0)
  t.equal(s.get('tessera_published_keys'), 1)
  t.ok(s.get('tessera_signing_key_age_seconds')! >= 0)
  t.equal((await fetch(metrics!.replace('/metrics', '/other'))).status, 404)
})

t.test('TESSERA_LOG_LEVEL=warn: no token request lines; info: one per request', async (t) => {
  const db = join(dir, 'levels.db')
  const client = await createClient(db)
  const info = await startServer(db)
  await token(info.url, client.client_id, client.client_secret)
  await stop(info) // flushes the buffered lines
  t.equal(entries(info).filter((l) => l.msg === 'token request').length, 1)

  // At warn the ready line (info) is not written either: find the server by its port.
  const probe = createServer()
  const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)))
  await new Promise((resolve) => probe.close(resolve))
  const quiet = execFile(process.execPath, [BIN, 'serve', '--db', db, '--port', String(port), '--log-level', 'warn'], { env: cleanEnv() })
  let out = ''
  quiet.stdout!.on('data', (d) => { out += d })
  const exited = new Promise((resolve) => quiet.on('exit', resolve))
  t.teardown(() => { quiet.kill('SIGKILL') })
  const url = `http://127.0.0.1:${port}`
  await until(async () => (await fetch(`${url}/healthz`).catch(() => null))?.status === 200, 15_000, 'the quiet server')
  await token(url, client.client_id, client.client_secret)
  quiet.kill('SIGTERM')
  t.equal(await exited, 0)
  t.notMatch(out, /token request|"level":30/, 'no info lines')
  t.match(out, /"level":40.*unencrypted/, 'warnings still are')
})

t.test('serve without a key encryption key logs one warning that private keys are stored unencrypted; with one, none', async (t) => {
  const plain = await startServer(join(dir, 'plain.db'))
  await stop(plain)
  t.equal(warnings(plain).filter((w) => /unencrypted/.test(w)).length, 1)
  const kek = randomBytes(32).toString('base64url')
  const encrypted = await startServer(join(dir, 'encrypted.db'), { TESSERA_KEY_ENCRYPTION_KEY: kek })
  await stop(encrypted)
  t.same(warnings(encrypted), [])
})

t.test('--host 0.0.0.0 warns while the issuer is still a loopback origin; an https issuer silences it', async (t) => {
  const db = join(dir, 'public.db')
  const open = await startServer(db, { TESSERA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') }, ['--host', '0.0.0.0'])
  await stop(open)
  t.match(warnings(open), [/listening on 0\.0\.0\.0 .* the issuer is http:\/\/localhost:\d+, a loopback origin: .*TESSERA_ISSUER/])
  const proxied = await startServer(join(dir, 'proxied.db'), { TESSERA_ISSUER: 'https://issuer.example' }, ['--host', '0.0.0.0'])
  await stop(proxied)
  t.notOk(warnings(proxied).some((w) => /loopback origin/.test(w)))
})

t.test('db backup of a live WAL database while serve runs has the clients and keys; a plain cp of the file misses them', async (t) => {
  const db = join(dir, 'live.db')
  const server = await startServer(db)
  t.teardown(() => stop(server))
  const ids = []
  for (let i = 0; i < 3; i++) ids.push((await createClient(db)).client_id)
  const copy = join(dir, 'cp.db')
  copyFileSync(db, copy) // what a careless backup does: the main file alone, not its -wal
  const backup = join(dir, 'backup', 'live-backup.db')
  const res = await exec(process.execPath, [BIN, 'db', 'backup', backup, '--db', db, '--json'], { env: cleanEnv() })
  t.same(JSON.parse(res.stdout).backup, backup)
  const count = (file: string, table: string): number => {
    const d = new Database(file, { readonly: true, fileMustExist: true })
    try { return (d.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n } catch { return 0 } finally { d.close() }
  }
  t.equal(count(backup, 'clients'), 3, 'the backup has every client')
  t.ok(count(backup, 'signing_keys') >= 1, 'and the signing key')
  t.ok(count(copy, 'clients') < 3, 'the copy of the main file alone lacks rows still in the WAL')
  const listed = await cli(backup, ['client', 'list'])
  t.same(listed.clients.map((c: { client_id: string }) => c.client_id).sort(), ids.sort(), 'the backup works as a database')
})
