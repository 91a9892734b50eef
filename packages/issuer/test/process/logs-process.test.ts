// The log of a running issuer, as an operator collects it (DESIGN.md,
// "Operations": pino JSON lines at TESSERA_LOG_LEVEL): every line `serve
// --workers 2` writes, on stdout and on stderr, is one JSON object; request
// ids never repeat across workers; at `debug` each request says its route,
// status and time. Errors of the background key work are log lines too
// (here a key the server cannot open; a database outage in
// test/postgres-faults.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { alive, cli, createClient, startServer, stop, tokenOnNewConnection, until } from '../fixtures/process.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-logs-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const db = join(dir, 'tessera.db')

type Line = { level?: number; msg?: string; pid?: number; reqId?: string; route?: string; method?: string; status?: number; duration_ms?: number; err?: { message?: string } }

const server = await startServer(db, { TESSERA_LOG_LEVEL: 'debug' }, ['--workers', '2'])
const entries = (): Line[] => server.lines.filter((l): l is Line => typeof l === 'object' && l !== null)
const workerPids = (): Set<number> => new Set(entries().map((l) => l.pid!).filter((pid) => pid !== server.child.pid))
t.teardown(async () => {
  const pids = workerPids()
  await stop(server)
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL')
})
const client = await createClient(db)

// Requests spread over both workers (one connection each), a 404, the health check.
for (let i = 0; i < 10; i++) await tokenOnNewConnection(server.url, client.client_id, i % 5 === 0 ? 'wrong' : client.client_secret)
await fetch(`${server.url}/no/such/path?secret=x`)
await fetch(`${server.url}/healthz`)
await until(() => new Set(entries().filter((l) => l.msg === 'token request').map((l) => l.pid)).size === 2, 15_000, 'token lines from both workers')
// An operator's mistake the background work meets: a key added by the CLI with a
// key encryption key the server (started without one) cannot open.
await cli(db, ['keys', 'rotate'], { TESSERA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') })
await until(() => new Set(entries().filter((l) => l.msg === 'background key work failed').map((l) => l.pid)).size === 2, 30_000,
  'both workers report the key they cannot load')
t.equal(await stop(server), 0, 'stopped cleanly')

t.test('every line on stdout and stderr is one pino JSON object, background failures included', async (t) => {
  const all = [...server.stdout().split('\n'), ...server.stderr().split('\n')].filter((l) => l !== '')
  const notJson = all.filter((l) => {
    try { return typeof JSON.parse(l) !== 'object' } catch { return true }
  })
  t.same(notJson, [], 'no plain-text line')
  t.equal(server.stderr(), '', 'nothing on stderr: the log is stdout')
  const failed = entries().filter((l) => l.msg === 'background key work failed')
  t.ok(failed.length >= 2, 'one line per worker')
  for (const line of failed) {
    t.equal(line.level, 50, 'at error')
    t.match(line.err?.message, /encrypted signing keys|key encryption key/, 'saying what failed')
  }
})

t.test('request ids are unique across the workers', async (t) => {
  const tokenLines = entries().filter((l) => l.msg === 'token request')
  t.equal(tokenLines.length, 10)
  t.equal(new Set(tokenLines.map((l) => l.pid)).size, 2, 'served by two workers')
  const ids = entries().filter((l) => typeof l.reqId === 'string').map((l) => `${l.pid} ${l.reqId}`)
  const byRequest = new Map<string, Set<number>>()
  for (const l of entries()) if (typeof l.reqId === 'string') byRequest.set(l.reqId, (byRequest.get(l.reqId) ?? new Set()).add(l.pid!))
  t.ok(ids.length >= 12, `${ids.length} lines carry a reqId`)
  t.same([...byRequest].filter(([, pids]) => pids.size > 1).map(([id]) => id), [], 'no reqId appears in two processes')
  t.equal(new Set(tokenLines.map((l) => l.reqId)).size, 10, 'each token request its own id')
})

t.test('TESSERA_LOG_LEVEL=debug: one line per request with its route, method, status and time, never the query', async (t) => {
  const done = entries().filter((l) => l.msg === 'request done')
  const token = done.filter((l) => l.route === '/oauth2/token')
  t.equal(token.length, 10, 'one per token request')
  t.same(token.map((l) => l.status).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 401, 401])
  t.ok(token.every((l) => l.level === 20 && l.method === 'POST' && typeof l.duration_ms === 'number' && typeof l.reqId === 'string'))
  t.match(done.find((l) => l.route === '/healthz'), { status: 200, method: 'GET' })
  t.match(done.find((l) => l.status === 404), { route: '(no route)' })
  t.notOk(server.stdout().includes('secret=x'), 'the query string is never logged')
})
