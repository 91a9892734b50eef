// `serve --workers 2` (DESIGN.md "Operations"): two full issuers on one port
// (port 0 made to work), one ready line, metrics summed across workers, a
// dead worker restarted, SIGTERM draining every worker, then exit 0.
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { alive, createClient, scrape, startServer, stop, tokenOnNewConnection, until, type ServerProcess } from '../fixtures/process.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-workers-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const db = join(dir, 'tessera.db')

type Line = { level?: number; msg?: string; pid?: number; url?: string; workers?: number; metrics?: string }
const entries = (s: ServerProcess): Line[] => s.lines.filter((l): l is Line => typeof l === 'object' && l !== null)
const workerPids = (s: ServerProcess): Set<number> =>
  new Set(entries(s).filter((l) => l.msg === 'token request').map((l) => l.pid!).filter((pid) => pid !== s.child.pid))

const server = await startServer(db, {}, ['--workers', '2', '--metrics-port', '0'])
t.teardown(async () => {
  // Whatever happened above: no process of this test outlives it.
  const pids = workerPids(server)
  await stop(server)
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL')
})
const client = await createClient(db)

t.test('serve --workers 2 on port 0: one ready line with url and workers once both listen; both serve tokens', async (t) => {
  const ready = entries(server).filter((l) => typeof l.url === 'string')
  t.equal(ready.length, 1, 'one ready line')
  t.match(ready[0], { level: 30, workers: 2, pid: server.child.pid, metrics: /^http:\/\/127\.0\.0\.1:\d+\/metrics$/ })
  const statuses = []
  for (let i = 0; i < 6; i++) statuses.push(await tokenOnNewConnection(server.url, client.client_id, client.client_secret))
  t.same(statuses, [200, 200, 200, 200, 200, 200])
  t.equal(await tokenOnNewConnection(server.url, client.client_id, 'wrong'), 401)
  await until(() => workerPids(server).size === 2, 5000, 'token lines from two workers') // logs flush within a second
  t.equal(workerPids(server).size, 2, 'requests were served by two worker processes')
})

t.test('/metrics on the metrics port sums the token requests of both workers', async (t) => {
  const metrics = entries(server).find((l) => l.metrics)!.metrics!
  const s = await scrape(metrics)
  t.equal(s.get('tessera_token_requests_total{grant_type="client_credentials",outcome="ok"}'), 6)
  t.equal(s.get('tessera_token_requests_total{grant_type="client_credentials",outcome="invalid_client"}'), 1)
  t.equal(s.get('tessera_token_request_duration_seconds_count{grant_type="client_credentials"}'), 7)
  t.equal(s.get('tessera_published_keys'), 1, 'a gauge the same in every worker is not doubled')
  t.equal((await fetch(`${server.url}/metrics`)).status, 404, 'not on the public port')
})

t.test('a worker that dies is restarted, the port keeps answering, and no counter goes backwards (DESIGN.md "Operations")', async (t) => {
  const metrics = entries(server).find((l) => l.metrics)!.metrics!
  const OK = 'tessera_token_requests_total{grant_type="client_credentials",outcome="ok"}'
  const COUNT = 'tessera_token_request_duration_seconds_count{grant_type="client_credentials"}'
  const before = await scrape(metrics)
  const [victim] = workerPids(server)
  process.kill(victim!, 'SIGKILL')
  await until(() => !alive(victim!), 5000, 'the worker to die')
  const meanwhile = await scrape(metrics)
  t.equal(meanwhile.get(OK), before.get(OK), 'the dead worker\'s counts stay in the sum')
  await until(() => entries(server).some((l) => l.msg === 'worker restarted and listening'), 15_000, 'the restarted worker')
  t.ok(entries(server).some((l) => l.msg === 'worker exited: restarting it'), 'the exit is logged, with its backoff')
  for (let i = 0; i < 4; i++) t.equal(await tokenOnNewConnection(server.url, client.client_id, client.client_secret), 200)
  const after = await scrape(metrics)
  t.equal(after.get(OK), before.get(OK)! + 4, 'the restarted worker\'s counts add to what the dead one had')
  t.equal(after.get(COUNT), before.get(COUNT)! + 4, 'histograms too')
  t.equal(after.get('tessera_published_keys'), 1, 'gauges are the live workers\' only')
})

t.test('SIGTERM to the primary drains every worker (an in-flight request finishes), then exit 0', async (t) => {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }).toString()
  const answer = await new Promise<number>((resolve, reject) => {
    const req = request(`${server.url}/oauth2/token`, {
      method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)) })
    req.on('error', reject)
    req.write(body.slice(0, -1)) // in flight: the worker waits for the last byte
    setTimeout(() => {
      server.child.kill('SIGTERM')
      setTimeout(() => req.end(body.slice(-1)), 300)
    }, 300)
  })
  t.equal(answer, 200, 'the in-flight request completes')
  t.equal(await server.exited, 0, 'the primary exits 0')
  await until(() => [...workerPids(server)].every((pid) => !alive(pid)), 5000, 'the workers to exit')
  t.ok(server.stdout().includes('every worker finishes its in-flight requests'))
})
