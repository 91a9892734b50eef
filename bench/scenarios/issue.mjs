// Scenario 3: client_credentials issuance (RFC 6749 §4.4). The floor route,
// @tessera/issuer through its CLI on SQLite and on PostgreSQL, oidc-provider
// and @node-oauth/oauth2-server, each in its own process, interleaved
// rounds. The PostgreSQL server's own CPU is not in "server CPU-s" (the
// issuer answers client look-ups from memory and polls the database once a
// second); pgbench's select-only rate on the same cluster is noted as the
// database's ceiling.
import { measure, summariseSamples } from '../lib/load.mjs'
import { ISSUERS, startIssuer } from '../lib/issuers.mjs'
import { ratioSummary, shuffled } from '../lib/stats.mjs'
import { cannon } from '../lib/load.mjs'
import { pgbenchSelectOnly, postgresStarted } from '../lib/postgres.mjs'

/** The service must issue an RFC 9068 token of the right alg and refuse a wrong secret. */
export async function sanity(issuer, alg) {
  const res = await fetch(issuer.tokenUrl, issuer.request)
  const body = await res.json().catch(() => ({}))
  if (res.status !== 200 || typeof body.access_token !== 'string') throw new Error(`token request answered ${res.status} ${JSON.stringify(body).slice(0, 200)}`)
  const [h, p] = body.access_token.split('.')
  const header = JSON.parse(Buffer.from(h, 'base64url'))
  const claims = JSON.parse(Buffer.from(p, 'base64url'))
  if (header.alg !== alg) throw new Error(`token signed with ${header.alg}, want ${alg}`)
  for (const c of ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id']) {
    if (claims[c] === undefined) throw new Error(`token lacks claim ${c}`)
  }
  const wrong = { ...issuer.request, headers: { ...issuer.request.headers, authorization: `Basic ${Buffer.from('nobody:wrong').toString('base64')}` } }
  const bad = await fetch(issuer.tokenUrl, wrong)
  await bad.arrayBuffer()
  if (bad.status === 200) throw new Error('accepted a wrong client secret')
  return { header, claims }
}

export async function run({ rounds, durationS, connections = 10, algs = ['ES256', 'RS256'], log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = []
  for (const alg of algs) {
    const ready = []
    for (const s of ISSUERS) {
      let issuer
      try {
        issuer = await startIssuer(s.name, alg)
        const { header, claims } = await sanity(issuer, alg)
        if (s.name === 'oidc-provider' && header.typ?.toLowerCase() !== 'at+jwt') notes.push(`oidc-provider ${alg}: token typ ${header.typ}`)
        if (claims.scope === undefined) notes.push(`${s.label} ${alg}: token has no scope claim`)
        await cannon({ url: issuer.tokenUrl, ...issuer.request, connections, duration: Math.max(1, Math.round(durationS / 2)) })
        ready.push({ ...s, issuer, samples: [] })
      } catch (err) {
        await issuer?.server.stop()
        notes.push(`issue ${alg} ${s.label}: not measured (${err.message})`)
        rows.push({ alg, name: s.name, label: s.label, unavailable: err.message })
      }
    }
    try {
      for (let r = 0; r < rounds; r++) {
        for (const s of shuffled(ready)) {
          const m = await measure(s.issuer.server, { url: s.issuer.tokenUrl, ...s.issuer.request, connections, duration: durationS })
          if (m.non2xx || m.errors) notes.push(`issue ${alg} ${s.label} round ${r + 1}: ${m.non2xx} non-2xx, ${m.errors} errors`)
          s.samples.push(m)
        }
        log(`issue ${alg} round ${r + 1}/${rounds}`)
      }
    } finally {
      for (const s of ready) await s.issuer.server.stop()
    }
    const per = {}
    for (const s of ready) {
      per[s.name] = s.samples
      rows.push(summariseSamples(alg, s.name, s.label, s.samples))
    }
    const add = (id, label, a, b, target, metric = 'req/CPU-s') => {
      if (!per[a] || !per[b]) return
      const figure = metric === 'req/s' ? (m) => m.reqPerSec : (m) => m.reqPerCpuSec
      ratios.push({ id: `issue.${alg}.${id}`, scenario: 'issue', alg, label, metric, ...ratioSummary(per[a].map(figure), per[b].map(figure)), target })
    }
    add('tessera/floor', '@tessera/issuer / floor route', 'tessera', 'floor', 0.9)
    add('tessera-pg/tessera', '@tessera/issuer on PostgreSQL / on SQLite', 'tessera-pg', 'tessera', 0.9)
    add('tessera/oidc-provider', '@tessera/issuer / oidc-provider', 'tessera', 'oidc-provider', 1.6)
    // The target is against the fair variant (clients in SQLite, as ours); the in-memory model is shown beside.
    add('tessera/oauth2-server-sqlite', '@tessera/issuer / @node-oauth/oauth2-server, model on SQLite', 'tessera', 'oauth2-server-sqlite', 1.0)
    add('tessera/oauth2-server', '@tessera/issuer / @node-oauth/oauth2-server, in-memory model', 'tessera', 'oauth2-server')
    add('floor/oidc-provider', 'floor route / oidc-provider', 'floor', 'oidc-provider')
    // Several processes: tokens per second against the one-process floor (the
    // point of workers), and per CPU-second of all the processes (their cost).
    for (const multi of ready.filter((s) => s.workers)) {
      add(`${multi.name}/floor`, `${multi.label} / floor route, tokens/s`, multi.name, 'floor', 1.0, 'req/s')
      add(`${multi.name}/floor.cpu`, `${multi.label} / floor route`, multi.name, 'floor', 0.9)
      add(`${multi.name}/tessera`, `${multi.label} / @tessera/issuer (1 process), tokens/s`, multi.name, 'tessera', undefined, 'req/s')
    }
  }
  if (postgresStarted()) {
    try {
      const pg = await pgbenchSelectOnly({ durationS })
      notes.push(`PostgreSQL ceiling on the same cluster: pgbench -S (select-only, ${pg.connections} clients, ${pg.threads} threads, ${durationS} s, pgbench on the same cores): ${Math.round(pg.tps)} transactions/s`)
    } catch (err) {
      notes.push(`pgbench -S: not measured (${err.message})`)
    }
  }
  return { rows, ratios, notes }
}
