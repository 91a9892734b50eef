// DESIGN.md "Operations": admission control of argon2 is the machine's, not
// one per core in each worker: with N workers each admits ⌊cores ÷ N⌋ (at
// least 1) and queues ⌈64 ÷ N⌉. `serve --workers 2` under a burst of
// parallel password grants: the argon2 computations in flight across the
// machine (the metrics gauge, summed over the workers, sampled while the
// burst runs) never exceed the cores, and none is refused. The burst is
// as large as one worker alone admits (⌊cores ÷ 2⌋ running + 32 queued):
// the cluster hands a connection to whichever worker is free first, so on a
// loaded machine one worker can get most of them (a CI run once gave one
// worker 34 of 60), and a larger burst could be refused by design.
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { machineShare } from '../../src/credentials/admission.js'
import { createClient, scrape, startServer, stop } from '../fixtures/process.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-argon2-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const db = join(dir, 'tessera.db')
const client = await createClient(db, ['--grant', 'password'])
const server = await startServer(db, {}, ['--workers', '2', '--metrics-port', '0'])
t.teardown(async () => { await stop(server) })
const metrics = (server.lines.find((l) => typeof l === 'object' && l !== null && 'metrics' in l) as { metrics: string }).metrics

/**
 * A password grant on a connection of its own (so the cluster's round robin
 * spreads them). Each names a username of its own (unknown: checked against
 * the dummy hash, the same argon2 cost), so that no per-username lock stops
 * one before its computation.
 */
function passwordGrant(_: unknown, i: number): Promise<number> {
  const body = new URLSearchParams({
    grant_type: 'password', username: `guest-${i}`, password: 'a guess', client_id: client.client_id, client_secret: client.client_secret,
  }).toString()
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/oauth2/token`, {
      method: 'POST', agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), connection: 'close' },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)) })
    req.on('error', reject)
    req.end(body)
  })
}

const cores = availableParallelism()
// One worker's share of the machine's bound (test/credentials/admission.test.ts checks the formula).
const share = machineShare(2, cores)
const burst = share.maxInFlight + share.maxQueued

t.test(`${burst} parallel password grants on --workers 2: argon2 in flight across the machine never exceeds the cores`, async (t) => {
  let peak = 0
  let samples = 0
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      const s = await scrape(metrics)
      peak = Math.max(peak, s.get('tessera_argon2_in_flight') ?? 0)
      samples++
    }
  })()
  const statuses = await Promise.all(Array.from({ length: burst }, passwordGrant))
  sampling = false
  await sampler
  const counts = statuses.reduce((m, s) => m.set(s, (m.get(s) ?? 0) + 1), new Map<number, number>())
  t.comment(`argon2 peak in flight across the machine: ${peak} (${samples} samples, ${cores} cores); answers ${JSON.stringify([...counts])}`)
  t.equal(counts.get(400), burst, `all ${burst} admitted and checked, however the cluster spread them (invalid_grant: unknown users)`)
  t.ok(peak >= 1, 'the gauge saw the computations')
  t.ok(peak <= cores, `at most one computation per core on the machine (peak ${peak}, ${cores} cores)`)
  const after = await scrape(metrics)
  t.equal(after.get('tessera_argon2_refused_total'), 0, 'none refused')
})
