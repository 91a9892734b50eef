// Scenario 2: a protected route over HTTP, autocannon on loopback. Each
// server runs in its own child process; the figure that matters is
// requests per server CPU-second (steadier than req/s on a shared machine).
import { fileURLToPath } from 'node:url'
import { AUDIENCE, ISSUER, accessToken, makeKey } from '../lib/keys.mjs'
import { startJwksServer } from '../lib/jwks-server.mjs'
import { cannon, measure, summariseSamples } from '../lib/load.mjs'
import { startServer } from '../lib/proc.mjs'
import { ratioSummary, shuffled } from '../lib/stats.mjs'

const SCRIPT = fileURLToPath(new URL('../servers/protected.mjs', import.meta.url))

export const SERVERS = [
  { name: 'fastify-hello', label: 'Fastify hello (floor)', protected: false },
  { name: 'fastify-tessera', label: 'Fastify + @tessera/verify', protected: true },
  { name: 'fastify-jwt', label: 'Fastify + @fastify/jwt (static public key)', protected: true },
  { name: 'fastify-jwt-jwks', label: 'Fastify + @fastify/jwt (JWKS key callback, get-jwks recipe)', protected: true },
  { name: 'express-hello', label: 'Express hello (floor)', protected: false },
  { name: 'express-tessera', label: 'Express + @tessera/verify', protected: true },
  { name: 'express-bearer', label: 'Express + express-oauth2-jwt-bearer', protected: true },
  { name: 'hono-hello', label: 'Hono on Node hello (floor)', protected: false },
  { name: 'hono-tessera', label: 'Hono + @tessera/verify/hono', protected: true },
  { name: 'hono-jwk', label: 'Hono + hono/jwk (jwks_uri, fetched per request)', protected: true },
  { name: 'hono-jwk-keys', label: 'Hono + hono/jwk (keys from the JWKS, fetched once)', protected: true },
]

/** A protected server must accept the token and refuse a missing or tampered one. */
async function sanity(server, token) {
  const get = (headers) => fetch(server.url, { headers }).then(async (r) => { await r.arrayBuffer(); return r.status })
  const okStatus = await get({ authorization: `Bearer ${token}` })
  if (okStatus !== 200) throw new Error(`valid token answered ${okStatus}`)
  const bad = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`
  const [none, tampered] = [await get({}), await get({ authorization: `Bearer ${bad}` })]
  if (none !== 401 || tampered !== 401) throw new Error(`no token answered ${none}, tampered ${tampered} (want 401)`)
}

export async function run({ rounds, durationS, connections = 10, algs = ['RS256', 'ES256'], log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = []
  const keys = Object.fromEntries(algs.map((alg) => [alg, makeKey(alg)]))
  const jwks = await startJwksServer(Object.values(keys).map((k) => k.publicJwk))
  try {
    for (const alg of algs) {
      const token = accessToken(keys[alg], { ttl: 7200 })
      const ready = []
      for (const s of SERVERS) {
        let server
        try {
          server = await startServer({ name: `${s.name}-${alg}`, script: SCRIPT, args: [s.name, alg, jwks.uri, ISSUER, AUDIENCE] })
          if (s.protected) await sanity(server, token)
          // Warm-up: JIT, the verifier's JWKS fetch and key import, connection setup.
          await cannon({ url: server.url, headers: { authorization: `Bearer ${token}` }, connections, duration: Math.max(1, Math.round(durationS / 2)) })
          ready.push({ ...s, server, samples: [] })
        } catch (err) {
          await server?.stop()
          notes.push(`http ${alg} ${s.label}: not measured (${err.message})`)
          rows.push({ alg, name: s.name, label: s.label, unavailable: err.message })
        }
      }
      try {
        for (let r = 0; r < rounds; r++) {
          for (const s of shuffled(ready)) {
            const m = await measure(s.server, { url: s.server.url, headers: { authorization: `Bearer ${token}` }, connections, duration: durationS })
            if (m.non2xx || m.errors) notes.push(`http ${alg} ${s.label} round ${r + 1}: ${m.non2xx} non-2xx, ${m.errors} errors`)
            s.samples.push(m)
          }
          log(`http ${alg} round ${r + 1}/${rounds}`)
        }
      } finally {
        for (const s of ready) await s.server.stop()
      }
      const per = {}
      for (const s of ready) {
        per[s.name] = s.samples
        rows.push(summariseSamples(alg, s.name, s.label, s.samples))
      }
      const add = (id, label, a, b, metric, target) => {
        if (!per[a] || !per[b]) return
        const field = metric === 'req/CPU-s' ? 'reqPerCpuSec' : 'reqPerSec'
        ratios.push({ id: `http.${alg}.${id}`, scenario: 'http', alg, label, metric, ...ratioSummary(per[a].map((m) => m[field]), per[b].map((m) => m[field])), target })
      }
      add('fastify-tessera/fastify-jwt-jwks', 'Fastify + Tessera / Fastify + @fastify/jwt (JWKS key callback)', 'fastify-tessera', 'fastify-jwt-jwks', 'req/CPU-s', alg === 'RS256' ? 2.0 : 1.5)
      add('fastify-tessera/fastify-jwt', 'Fastify + Tessera / Fastify + @fastify/jwt (static key)', 'fastify-tessera', 'fastify-jwt', 'req/CPU-s', alg === 'RS256' ? 2.0 : 1.5)
      add('express-tessera/express-bearer', 'Express + Tessera / Express + express-oauth2-jwt-bearer', 'express-tessera', 'express-bearer', 'req/CPU-s', alg === 'RS256' ? 1.8 : undefined)
      // hono/jwk is measured in two configurations too; the target stands against each.
      add('hono-tessera/hono-jwk', 'Hono + Tessera / Hono + hono/jwk (jwks_uri)', 'hono-tessera', 'hono-jwk', 'req/CPU-s', 1.3)
      add('hono-tessera/hono-jwk-keys', 'Hono + Tessera / Hono + hono/jwk (keys fetched once)', 'hono-tessera', 'hono-jwk-keys', 'req/CPU-s', 1.3)
      add('hono-tessera/hono-hello', 'Hono + Tessera / Hono hello', 'hono-tessera', 'hono-hello', 'req/CPU-s')
      add('fastify-tessera/fastify-hello', 'Fastify + Tessera / Fastify hello', 'fastify-tessera', 'fastify-hello', 'req/CPU-s')
      add('express-tessera/express-hello', 'Express + Tessera / Express hello', 'express-tessera', 'express-hello', 'req/CPU-s')
      add('fastify-tessera/fastify-jwt.rps', 'Fastify + Tessera / Fastify + @fastify/jwt (static key)', 'fastify-tessera', 'fastify-jwt', 'req/s')
      add('express-tessera/express-bearer.rps', 'Express + Tessera / Express + express-oauth2-jwt-bearer', 'express-tessera', 'express-bearer', 'req/s')
    }
  } finally {
    await jwks.close()
  }
  return { rows, ratios, notes }
}
