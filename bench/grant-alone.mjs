#!/usr/bin/env node
// One grant alone against one @tessera/issuer: server CPU per request, and
// with --profile DIR a .cpuprofile of that grant only. The refresh
// scenario's profile mixes refresh and client_credentials windows of one
// server; this one tells them apart (bench/PROFILES.md, round 4).
//
//   node bench/grant-alone.mjs refresh_token [--store postgres] [--seconds 8] [--profile DIR]
//   node bench/grant-alone.mjs client_credentials [--profile DIR]
//   node bench/profile-summary.mjs DIR --per signOneShot --inclusive packages/issuer
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { measure } from './lib/load.mjs'
import { stopPostgres } from './lib/postgres.mjs'
import { removeTempDirs } from './lib/tmp.mjs'
import { measureChained, startTessera } from './scenarios/refresh.mjs'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { store: { type: 'string', default: 'sqlite' }, seconds: { type: 'string', default: '8' }, connections: { type: 'string', default: '10' }, profile: { type: 'string' } },
})
const grant = positionals[0]
if (!['refresh_token', 'client_credentials'].includes(grant) || !['sqlite', 'postgres'].includes(values.store)) {
  console.error('usage: node bench/grant-alone.mjs refresh_token|client_credentials [--store sqlite|postgres] [--seconds N] [--connections N] [--profile DIR]')
  process.exit(2)
}
// Read by lib/proc.mjs when the server starts: the child runs under --cpu-prof.
if (values.profile) process.env.BENCH_PROFILE_DIR = resolve(values.profile)

const connections = Number(values.connections)
const duration = Number(values.seconds)
const issuer = await startTessera('ES256', values.store)
try {
  const m = grant === 'refresh_token'
    ? await measureChained(issuer.server, { url: issuer.tokenUrl, authorization: issuer.authorization, pool: await issuer.mint(connections * 2), connections, duration })
    : await measure(issuer.server, { url: issuer.tokenUrl, ...issuer.cc, connections, duration })
  const refused = m.non2xx + m.errors + (m.failures ?? 0)
  console.log(`${grant} on ${values.store === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ES256: ${m.ok} answered 200${refused ? `, ${refused} not` : ''}; ` +
    `${Math.round(m.reqPerSec)} req/s, ${Math.round(m.reqPerCpuSec)} per server CPU-s (${(1e6 / m.reqPerCpuSec).toFixed(0)} µs of CPU each), p99 ${m.p99Ms} ms`)
  if (refused) process.exitCode = 1
} finally {
  await issuer.server.stop()
  removeTempDirs()
  await stopPostgres()
}
