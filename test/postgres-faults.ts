// The database going away under load and coming back (DESIGN.md: a
// database error is 503 temporarily_unavailable with Retry-After, never a
// 500 and never a hang; /healthz says 503 while the database cannot be
// used). A real `serve` process on a throwaway PostgreSQL cluster, token
// requests from several workers (client_credentials, answered from the
// server's copy of the clients, and the password grant, which writes the
// failed-login counter), `pg_ctl stop -m fast` in the middle, then start
// again: service must resume by itself. The timings are printed.
import t from 'tap'
import { postgresForFile } from '../scripts/postgres-cluster.mjs'
import { sleep } from '../scripts/wait.mjs'
import { AUDIENCE, cli, startIssuer, tokenRequest, type ClientCredentials } from './fixtures/harness.js'

/** A request answered in longer than this counts as a hang. */
const HANG_MS = 5000

const cluster = await postgresForFile(t)
if (cluster) {
  t.test('the database stopped under load and started again: 503 with Retry-After within seconds, /healthz 503, then 200s by themselves', async (t) => {
    const db = await cluster.createDatabase()
    const issuer = await startIssuer(t, db)
    const tokenUrl = `${issuer.url}/oauth2/token`
    const client = await cli<ClientCredentials>(db, ['client', 'create', '--name', 'svc', '--grant', 'client_credentials', '--grant', 'password',
      '--scope', 'read', '--audience', AUDIENCE])
    await cli(db, ['user', 'create', '--username', 'frank', '--scope', 'read', '--password-stdin'], 'frank-password-1\n')
    const grants = {
      client_credentials: { grant_type: 'client_credentials' },
      password: { grant_type: 'password', username: 'frank', password: 'frank-password-1' },
    }
    const health = async () => (await fetch(`${issuer.url}/healthz`)).status

    // Every answer, with when it came and how long it took.
    const answers: Array<{ grant: string; at: number; ms: number; status: number; retryAfter: string | null; error?: string }> = []
    let stop = false
    const worker = async (grant: keyof typeof grants) => {
      while (!stop) {
        const started = Date.now()
        const res = await fetch(tokenUrl, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams(grants[grant]),
          signal: AbortSignal.timeout(15_000),
        }).catch(() => null)
        const body = res ? await res.json().catch(() => ({})) as { error?: string } : { error: 'no answer' }
        answers.push({ grant, at: started, ms: Date.now() - started, status: res?.status ?? 0, retryAfter: res?.headers.get('retry-after') ?? null, error: body.error })
        await sleep(20)
      }
    }
    // A client made by the CLI reaches the server's copy of the clients within its poll (DESIGN.md: within 5 s).
    let first = 0
    for (const until = Date.now() + 5000; Date.now() < until && first !== 200; await sleep(100)) {
      first = (await tokenRequest(tokenUrl, client, grants.client_credentials)).status
    }
    t.equal(first, 200, 'served before the stop')
    const workers = (['client_credentials', 'client_credentials', 'password'] as const).map(worker)
    let restarted = false
    t.teardown(async () => {
      stop = true
      if (!restarted) await cluster.start()
    })
    await sleep(1000)

    const stoppedAt = Date.now()
    await cluster.stop('fast')
    const unavailable = (grant: string) => answers.find((a) => a.grant === grant && a.at >= stoppedAt && a.status === 503)
    while (!(unavailable('client_credentials') && unavailable('password')) && Date.now() - stoppedAt < 10_000) await sleep(50)
    let healthDown = 0
    while (Date.now() - stoppedAt < 10_000 && (healthDown = await health()) !== 503) await sleep(100)
    const firstDown = { client_credentials: unavailable('client_credentials'), password: unavailable('password') }
    await sleep(1000)

    const startedAt = Date.now()
    await cluster.start()
    restarted = true
    let healthUp = 0
    while (Date.now() - startedAt < 10_000 && (healthUp = await health()) !== 200) await sleep(100)
    const healthUpMs = Date.now() - startedAt
    const ok = (grant: string) => answers.find((a) => a.grant === grant && a.at >= startedAt && a.status === 200)
    while (!(ok('client_credentials') && ok('password')) && Date.now() - startedAt < 10_000) await sleep(50)
    await sleep(500)
    stop = true
    await Promise.all(workers)

    const down = answers.filter((a) => a.at >= stoppedAt && a.at < startedAt)
    for (const grant of Object.keys(grants)) {
      const first = firstDown[grant as keyof typeof firstDown]
      t.ok(first, `${grant}: 503 while the database is down`)
      if (first) {
        t.ok(first.at + first.ms - stoppedAt <= 6000, `${grant}: the first 503 ${first.at + first.ms - stoppedAt} ms after the stop`)
        t.equal(first.error, 'temporarily_unavailable')
        t.ok(Number(first.retryAfter) >= 1, `with Retry-After: ${first.retryAfter}`)
      }
      const back = ok(grant)
      t.ok(back, `${grant}: 200 again after the restart, by itself (${back ? back.at + back.ms - startedAt : '-'} ms after the start)`)
    }
    t.equal(healthDown, 503, '/healthz says 503 while the database is down')
    t.equal(healthUp, 200, `/healthz says 200 again ${healthUpMs} ms after the start`)
    t.same(down.filter((a) => ![200, 503].includes(a.status)).map((a) => `${a.grant} ${a.status} ${a.error}`), [],
      'while down, every answer is a 200 (a client known less than the staleness bound ago) or a 503: never a 500, never no answer')
    t.ok(down.filter((a) => a.status === 503).every((a) => a.error === 'temporarily_unavailable' && Number(a.retryAfter) >= 1), 'every 503 is temporarily_unavailable with Retry-After')
    const slowest = Math.max(...answers.map((a) => a.ms))
    t.ok(slowest < HANG_MS, `no request hangs: the slowest answered in ${slowest} ms`)
    t.same(answers.filter((a) => a.status === 500), [], 'no 500 at all')
    t.comment(`faults: stop -> first 503 client_credentials ${firstDown.client_credentials ? firstDown.client_credentials.at + firstDown.client_credentials.ms - stoppedAt : '-'} ms, ` +
      `password ${firstDown.password ? firstDown.password.at + firstDown.password.ms - stoppedAt : '-'} ms; start -> /healthz 200 ${healthUpMs} ms; ` +
      `${answers.length} answers, ${down.length} while down, slowest ${slowest} ms`)
  })
  t.test('what an outage serves (README, "When the database goes away"): /healthz and the password grant 503 at once; client_credentials from cached clients for at most 4 s; the JWKS throughout', async (t) => {
    const db = await cluster.createDatabase()
    const issuer = await startIssuer(t, db)
    const tokenUrl = `${issuer.url}/oauth2/token`
    const client = await cli<ClientCredentials>(db, ['client', 'create', '--name', 'svc', '--grant', 'client_credentials', '--grant', 'password',
      '--scope', 'read', '--audience', AUDIENCE])
    await cli(db, ['user', 'create', '--username', 'frank', '--scope', 'read', '--password-stdin'], 'frank-password-1\n')
    const password = { grant_type: 'password', username: 'frank', password: 'frank-password-1' }
    const status = async (path: string) => (await fetch(`${issuer.url}${path}`)).status
    let first = 0
    for (const until = Date.now() + 10_000; Date.now() < until && first !== 200; await sleep(100)) {
      first = (await tokenRequest(tokenUrl, client, { grant_type: 'client_credentials' })).status
    }
    t.equal(first, 200, 'the client is served before the stop')
    t.equal(await status('/healthz'), 200)
    let restarted = false
    t.teardown(async () => { if (!restarted) await cluster.start() })

    await cluster.stop('fast')
    // From here no read of the database can succeed: every bound below is counted from this instant.
    const stopped = performance.now()
    const health = await fetch(`${issuer.url}/healthz`)
    t.equal(health.status, 503, '/healthz: 503 at the first check after the stop')
    t.same(await health.json(), { status: 'unavailable', reason: 'database unavailable' })
    const pw = await tokenRequest(tokenUrl, client, password)
    t.equal(pw.status, 503, 'the password grant: 503 at once (it counts the attempt in the database)')
    t.equal(pw.body.error, 'temporarily_unavailable')

    // client_credentials: served from the copy of the clients while it was confirmed within 4 s, then 503.
    const answers: Array<{ after: number; status: number; error?: string }> = []
    let jwksAlways200 = true
    while (performance.now() - stopped < 7000) {
      const after = performance.now() - stopped
      const res = await tokenRequest(tokenUrl, client, { grant_type: 'client_credentials' })
      answers.push({ after, status: res.status, error: res.body.error })
      if (await status('/.well-known/jwks.json') !== 200) jwksAlways200 = false
      await sleep(100)
    }
    const lastOk = Math.max(-1, ...answers.filter((a) => a.status === 200).map((a) => a.after))
    t.same(answers.filter((a) => a.status !== 200 && a.status !== 503), [], 'every answer a 200 or a 503')
    t.ok(answers.filter((a) => a.status === 503).every((a) => a.error === 'temporarily_unavailable'), 'every 503 is temporarily_unavailable')
    t.same(answers.filter((a) => a.status === 200 && a.after > 4000), [], 'no client_credentials token for a request sent more than 4 s after the stop')
    t.ok(answers.some((a) => a.status === 503), 'client_credentials: 503 once the copy is older than 4 s')
    t.ok(jwksAlways200, 'the JWKS: 200 throughout (keys in memory, APIs keep verifying)')
    t.equal(await status('/healthz'), 503, '/healthz still 503')

    await cluster.start()
    restarted = true
    let back = 0
    for (const until = Date.now() + 15_000; Date.now() < until && back !== 200; await sleep(100)) {
      back = (await tokenRequest(tokenUrl, client, password)).status
    }
    t.equal(back, 200, 'the password grant serves again by itself')
    t.equal(await status('/healthz'), 200, '/healthz 200 again')
    await sleep(1500) // the log is flushed at least every second
    const lines = issuer.output().split('\n').filter((l) => l !== '')
    t.same(lines.filter((l) => { try { return typeof JSON.parse(l) !== 'object' } catch { return true } }), [],
      'every line the issuer wrote through the outage is one JSON object (DESIGN.md, "Operations")')
    t.ok(lines.map((l) => JSON.parse(l) as { level?: number; msg?: string }).some((l) => l.level === 50 && l.msg === 'background key work failed'),
      'the failed background key work is an error line of the log, not plain text on stderr')
    t.comment(`outage: last cached client_credentials 200 ${lastOk < 0 ? 'none' : `${Math.round(lastOk)} ms`} after the stop`)
  })
}
