#!/usr/bin/env node
// Statements per refresh_token request on PostgreSQL, counted by the
// database: the issuer (`serve` through its CLI) on a throwaway cluster
// started with pg_stat_statements, N refreshes one after another (each
// presenting the successor the previous answer carried), then every
// statement the issuer's connections ran meanwhile with its number of
// calls. Each call is one round trip (BEGIN and COMMIT included). The
// server's own background statements (polls of keys and clients, about
// one a second) are listed too, so the per-refresh figure counts only the
// statements whose calls are a multiple of N. Printed only.
//   node bench/refresh-round-trips.mjs [--refreshes 500]
import { parseArgs } from 'node:util'
import { createRequire } from 'node:module'
import { startIssuer } from './lib/issuers.mjs'
import { stopPostgres, usePostgresSettings } from './lib/postgres.mjs'
import { removeTempDirs } from './lib/tmp.mjs'

const { values } = parseArgs({ options: { refreshes: { type: 'string', default: '500' } } })
const N = Number(values.refreshes)
const require = createRequire(import.meta.url)
const pg = require('pg')

async function main() {
  usePostgresSettings({ shared_preload_libraries: 'pg_stat_statements' }) // track = top: statements sent by a client, not those run by triggers
  const issuer = await startIssuer('tessera', 'ES256', { refresh: true, store: 'postgres' })
  const stats = new pg.Client({ connectionString: issuer.db })
  await stats.connect()
  try {
    await stats.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
    let token = JSON.parse(await (await fetch(issuer.tokenUrl, issuer.passwordRequest)).text()).refresh_token
    const refresh = async () => {
      const res = await fetch(issuer.tokenUrl, { method: 'POST', headers: issuer.request.headers, body: `grant_type=refresh_token&refresh_token=${token}` })
      const body = await res.json()
      if (res.status !== 200) throw new Error(`refresh answered ${res.status} ${JSON.stringify(body)}`)
      token = body.refresh_token
    }
    for (let i = 0; i < 20; i++) await refresh() // warm-up: connections opened, statements prepared
    await stats.query('SELECT pg_stat_statements_reset()')
    for (let i = 0; i < N; i++) await refresh()
    const { rows } = await stats.query(`SELECT calls::int AS calls, regexp_replace(query, '\\s+', ' ', 'g') AS query FROM pg_stat_statements s
      JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() AND s.userid = (SELECT oid FROM pg_roles WHERE rolname = current_user)
      AND query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC`)
    let perRefresh = 0
    for (const r of rows) {
      const mark = r.calls >= N && r.calls % N === 0
      if (mark) perRefresh += r.calls / N
      console.log(`${String(r.calls).padStart(6)}${mark ? ' *' : '  '} ${r.query.slice(0, 150)}`)
    }
    console.log(`${N} refreshes on PostgreSQL: ${perRefresh} statements (round trips) per refresh (* above)`)
  } finally {
    await stats.end()
    await issuer.server.stop()
  }
}

try {
  await main()
} finally {
  removeTempDirs()
  await stopPostgres()
}
