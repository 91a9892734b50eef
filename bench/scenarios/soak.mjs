// The soak (issue 24): `serve` (one process, ES256) under steady mixed load
// for `minutes` on SQLite, then on PostgreSQL (a throwaway cluster):
// client_credentials, refresh_token with rotation, authorization code
// redemption and the JWKS, at a fixed rate (bench/lib/soak-load.mjs). What
// is judged, per store:
// A warm-up of a tenth of the run (10–30 s) comes first, not measured.
//   - no error: every answer as expected (200, or 303 for the authorize GET);
//   - RSS flat in the second half: the median RSS of the last tenth of the
//     run minus the median of the tenth before half-way, < 16 MiB;
//   - database growth in the second half bounded by live data
//     (lib/store-size.mjs dbGrowth: growth beyond what the growth of live
//     data explains at the half-way density), < 1 MiB;
//   - p99 stable: per minute (per sixth of the run in runs under six
//     minutes), the highest p99 of the second half over the median p99 of
//     the first half, < 2.
import { startIssuer } from '../lib/issuers.mjs'
import { codeFlow } from '../lib/codes.mjs'
import { httpClient } from '../lib/http-client.mjs'
import { mixedLoad } from '../lib/soak-load.mjs'
import { percentile, median } from '../lib/stats.mjs'
import { dbGrowth, storeSampler } from '../lib/store-size.mjs'

const MiB = 1024 * 1024
const POOL = 16

/** The median of the samples whose time is in [from, to) (seconds), or of the nearest one. */
function medianIn(samples, from, to, key) {
  const inside = samples.filter((s) => s.t >= from && s.t < to).map((s) => s[key])
  if (inside.length) return median(inside)
  return samples.reduce((best, s) => (Math.abs(s.t - from) < Math.abs(best.t - from) ? s : best))[key]
}

async function soakOne(store, { minutes, rate, log }) {
  const seconds = minutes * 60
  const bucketS = Math.min(60, seconds / 6)
  const issuer = await startIssuer('tessera', 'ES256', { refresh: true, codeClient: true, store })
  const client = httpClient(issuer.origin, 40)
  const sampler = await storeSampler(issuer.db)
  try {
    const flow = await codeFlow(client, issuer)
    const pool = []
    for (let i = 0; i < POOL; i++) {
      const res = await client.request('POST', '/oauth2/token', issuer.passwordRequest.headers, issuer.passwordRequest.body)
      const token = JSON.parse(res.body).refresh_token
      if (!token) throw new Error(`password grant gave no refresh token: ${res.status}`)
      pool.push(token)
    }
    // Warm-up, not measured: the JIT, the pools and the caches settle (a tenth of the run, 10 to 30 s).
    const warmS = Math.min(30, Math.max(10, seconds / 10))
    await mixedLoad({ client, issuer, flow, pool, rate, seconds: warmS, bucketS: warmS })
    const samples = []
    const sampleEvery = Math.max(1, Math.min(5, seconds / 60))
    let nextSample = 0
    let half = null
    const take = async (t) => ({ t, rss: issuer.server.rssFromProc(), db: (await sampler.size()).bytes })
    const cpuBefore = await issuer.server.usage()
    const load = await mixedLoad({
      client, issuer, flow, pool, rate, seconds, bucketS,
      onTick: async (t) => {
        if (t >= nextSample) { nextSample += sampleEvery; samples.push(await take(t)) }
        if (!half && t >= seconds / 2) {
          const size = await sampler.size()
          half = { t, size: size.bytes, dataSize: size.dataBytes, live: await sampler.live() }
          log(`soak ${store}: half-way, ${(half.size / MiB).toFixed(2)} MiB, live ${(half.live / MiB).toFixed(2)} MiB`)
        }
      },
    })
    const endSize = await sampler.size()
    const end = { t: seconds, size: endSize.bytes, dataSize: endSize.dataBytes, live: await sampler.live() }
    samples.push(await take(seconds))
    const cpuAfter = await issuer.server.usage()
    const sizeDetail = endSize.detail

    const tenth = seconds / 10
    const rssHalf = medianIn(samples, seconds / 2 - tenth, seconds / 2, 'rss')
    const rssEnd = medianIn(samples, seconds - tenth, seconds + 1, 'rss')
    const growth = dbGrowth(half, end)
    const p99 = load.buckets.map((b) => percentile(b.all, 99))
    const firstHalf = p99.slice(0, Math.floor(p99.length / 2))
    const secondHalf = p99.slice(Math.floor(p99.length / 2))
    const kinds = {}
    for (const b of load.buckets) for (const [k, v] of Object.entries(b.byKind)) (kinds[k] ??= []).push(...v)
    const requests = Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, v.length]))
    const total = Object.values(requests).reduce((a, b) => a + b, 0)
    return {
      store,
      label: `@tessera/issuer serve on ${store === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ES256, ${minutes} min at ${rate} operations/s`,
      minutes, rate, bucketS, requests, total,
      errors: load.errors.length, firstErrors: load.errors.slice(0, 5), late: load.late, poolEmpty: load.stats.poolEmpty,
      reqPerSec: total / seconds,
      reqPerCpuSec: total / ((cpuAfter.cpuUs - cpuBefore.cpuUs) / 1e6),
      rssStartMiB: samples[0].rss / MiB, rssHalfMiB: rssHalf / MiB, rssEndMiB: rssEnd / MiB, rssGrowthMiB: (rssEnd - rssHalf) / MiB,
      warmS,
      db: { halfMiB: half.size / MiB, endMiB: end.size / MiB, liveHalfMiB: half.live / MiB, liveEndMiB: end.live / MiB,
        grownMiB: growth.grown / MiB, explainedMiB: growth.explained / MiB, unexplainedMiB: growth.unexplained / MiB,
        density: growth.density, startMiB: samples[0].db / MiB, detail: sizeDetail },
      p99PerBucketMs: p99,
      p99Drift: Math.max(...secondHalf) / median(firstHalf),
      p99ByKindMs: Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, percentile(v, 99)])),
      timeline: samples.map((s) => ({ t: Math.round(s.t), rssMiB: s.rss / MiB, dbMiB: s.db / MiB })),
    }
  } finally {
    client.close()
    await sampler.close()
    await issuer.server.stop()
  }
}

export async function run({ minutes, rate, stores = ['sqlite', 'postgres'], log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = [
    `Mix per ten operations: 4 client_credentials, 3 refresh_token (a pool of ${POOL} families from the password grant, each answer's successor put back), 1 authorization code minted by GET /oauth2/authorize in a signed-in session then redeemed (confidential client, HTTP Basic, PKCE), 2 GET /.well-known/jwks.json; open loop at a fixed rate, at most 32 operations in flight.`,
    'RSS growth: median RSS (from /proc) over the last tenth of the run minus the median over the tenth before half-way. Database growth explained by live data: at half-way the store held D bytes per byte of live data (SQLite: the database file over the size of `VACUUM INTO` a fresh file; PostgreSQL: pg_total_relation_size of the issuer\'s tables over the sum of pg_column_size of their live tuples); live data growing by L in the second half explains L times D; the rest of the growth is unexplained (on SQLite the WAL\'s growth counts entirely). Live data grows while codes are kept for replay detection (an hour past their use) and families accumulate up to their per-user bound.',
    'p99 drift: per minute (per sixth of the run in runs under six minutes), every request of the mix, the highest p99 of the second half over the median p99 of the first half.',
  ]
  for (const store of stores) {
    log(`soak ${store}: ${minutes} min at ${rate} operations/s`)
    try {
      const r = await soakOne(store, { minutes, rate, log })
      rows.push(r)
      if (r.errors) notes.push(`soak ${store}: ${r.errors} errors, first: ${r.firstErrors.join(' | ')}`)
      if (r.late) notes.push(`soak ${store}: ${r.late} operations late (32 in flight) and skipped`)
      const one = (id, label, metric, value, targetMax) => ratios.push({ id: `soak.${store}.${id}`, scenario: 'soak', label, metric, median: value, min: value, max: value, n: 1, targetMax })
      const name = store === 'postgres' ? 'PostgreSQL' : 'SQLite'
      one('errors', `soak on ${name}: errors`, 'count', r.errors, 1)
      one('rss-growth', `soak on ${name}: RSS growth, second half`, 'MiB', r.rssGrowthMiB, 16)
      one('db-unexplained', `soak on ${name}: database growth beyond live data, second half`, 'MiB', r.db.unexplainedMiB, 1)
      one('p99-drift', `soak on ${name}: highest p99 of the second half / median p99 of the first`, 'x', r.p99Drift, 2)
    } catch (err) {
      notes.push(`soak ${store}: not measured (${err.message})`)
      rows.push({ store, label: `@tessera/issuer serve on ${store}`, unavailable: err.message })
    }
  }
  return { rows, ratios, notes }
}
