// Scenario 6: the refresh_token grant with rotation (RFC 6749 §6, RFC 9700
// §4.14.2). @tessera/issuer's refresh grant (one write transaction per
// request: the token spent, its successor stored) against Tessera's own
// client_credentials on the same server, and against oidc-provider's
// refresh grant with rotation, and the same refresh grant on PostgreSQL,
// same run, interleaved rounds. Every request
// presents an unspent token: each connection takes a token from a pool and
// puts back the successor the answer carries, so no request is a retry.
import autocannon from 'autocannon'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { AUDIENCE, makeKey } from '../lib/keys.mjs'
import { startIssuer } from '../lib/issuers.mjs'
import { measure, summariseSamples } from '../lib/load.mjs'
import { startServer } from '../lib/proc.mjs'
import { ratioSummary, shuffled } from '../lib/stats.mjs'
import { tempDir } from '../lib/tmp.mjs'

const OIDC = fileURLToPath(new URL('../servers/refresh-oidc.mjs', import.meta.url))
const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`
const FORM = 'application/x-www-form-urlencoded'

/** autocannon over a pool of refresh tokens: each answer's successor goes back into the pool. */
function chained({ url, authorization, pool, connections, duration }) {
  const state = { failures: 0, empty: 0 }
  return new Promise((resolve, reject) => {
    autocannon({
      url, connections, duration, pipelining: 1,
      requests: [{
        method: 'POST',
        setupRequest(req, context) {
          const token = pool.pop()
          if (token === undefined) { state.empty++; return req }
          context.token = token
          return { ...req, headers: { authorization, 'content-type': FORM }, body: `grant_type=refresh_token&refresh_token=${token}` }
        },
        onResponse(status, body) {
          if (status !== 200) { state.failures++; return }
          try { pool.push(JSON.parse(body).refresh_token) } catch { state.failures++ }
        },
      }],
    }, (err, result) => (err ? reject(err) : resolve({ result, ...state })))
  })
}

/** One measured window of chained refreshes against `server`, like load.mjs measure(). */
export async function measureChained(server, load) {
  const before = await server.usage()
  const { result, failures, empty } = await chained(load)
  const after = await server.usage()
  const ok = result['2xx']
  const cpuSeconds = (after.cpuUs - before.cpuUs) / 1e6
  return {
    ok, non2xx: result.non2xx + empty, errors: result.errors + result.timeouts, failures,
    reqPerSec: ok / result.duration, p50Ms: result.latency.p50, p99Ms: result.latency.p99,
    cpuSeconds, reqPerCpuSec: cpuSeconds > 0 ? ok / cpuSeconds : NaN, rss: after.rss,
  }
}

export async function startTessera(alg, store = 'sqlite') {
  const issuer = await startIssuer('tessera', alg, { refresh: true, store })
  const mint = async (n) => {
    const tokens = []
    for (let i = 0; i < n; i++) {
      const res = await fetch(issuer.tokenUrl, issuer.passwordRequest)
      const body = await res.json()
      if (!body.refresh_token) throw new Error(`password grant gave no refresh token: ${res.status} ${JSON.stringify(body).slice(0, 200)}`)
      tokens.push(body.refresh_token)
    }
    return tokens
  }
  return { server: issuer.server, tokenUrl: issuer.tokenUrl, authorization: issuer.request.headers.authorization, mint, cc: issuer.request }
}

async function startOidc(alg) {
  const clientId = `bench-client-${randomBytes(4).toString('hex')}`
  const clientSecret = randomBytes(32).toString('base64url')
  const key = makeKey(alg)
  const server = await startServer({
    name: `refresh-oidc-${alg}`,
    script: OIDC,
    env: { BENCH_ALG: alg, BENCH_CLIENT_ID: clientId, BENCH_CLIENT_SECRET: clientSecret, BENCH_PRIVATE_JWK: JSON.stringify(key.privateJwk), BENCH_AUDIENCE: AUDIENCE, BENCH_DB_DIR: tempDir('db') },
  })
  const mint = async (n) => {
    const tokens = await server.call({ mint: n })
    if (!Array.isArray(tokens)) throw new Error(`oidc-provider could not mint refresh tokens: ${tokens?.error}`)
    return tokens
  }
  return { server, tokenUrl: server.url, authorization: basic(clientId, clientSecret), mint }
}

/**
 * Before timing: a rotation answers a new token and a JWT, and once its
 * successor has been used the spent token is refused (a replay; Tessera's
 * reuse grace covers only a spent token whose successor is still unused).
 */
async function sanity(s) {
  const [token] = await s.mint(1)
  const send = (t) => fetch(s.tokenUrl, { method: 'POST', headers: { authorization: s.authorization, 'content-type': FORM }, body: `grant_type=refresh_token&refresh_token=${t}` })
  const first = await (await send(token)).json()
  if (typeof first.refresh_token !== 'string' || first.refresh_token === token) throw new Error(`no rotation: ${JSON.stringify(first).slice(0, 200)}`)
  if (typeof first.access_token !== 'string' || first.access_token.split('.').length !== 3) throw new Error('no JWT access token')
  const second = await (await send(first.refresh_token)).json()
  if (typeof second.refresh_token !== 'string') throw new Error(`the successor did not rotate: ${JSON.stringify(second).slice(0, 200)}`)
  const replay = await send(token)
  await replay.arrayBuffer()
  if (replay.status === 200) throw new Error('a spent refresh token was accepted again')
}

export async function run({ rounds, durationS, connections = 10, algs = ['ES256'], log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = [
    'Pool of refresh tokens per round: twice the connections, freshly minted (Tessera: password grant; oidc-provider: a Grant and a RefreshToken saved through its models, as a code grant leaves them).',
    'The PostgreSQL row counts the issuer process\'s CPU only; the database server\'s own CPU for the writes is not in it.',
  ]
  for (const alg of algs) {
    const candidates = []
    for (const [name, label, start] of [
      ['tessera', '@tessera/issuer refresh_token', (a) => startTessera(a)],
      ['tessera-pg', '@tessera/issuer refresh_token on PostgreSQL', (a) => startTessera(a, 'postgres')],
      ['oidc-provider', 'oidc-provider refresh_token (rotation)', startOidc],
    ]) {
      let s
      try {
        s = await start(alg)
        await sanity(s)
        candidates.push({ name, label, s, samples: [] })
      } catch (err) {
        await s?.server.stop()
        notes.push(`refresh ${alg} ${label}: not measured (${err.message})`)
        rows.push({ alg, name, label, unavailable: err.message })
      }
    }
    const tessera = candidates.find((c) => c.name === 'tessera')
    const cc = tessera ? { name: 'tessera-cc', label: '@tessera/issuer client_credentials (same server)', samples: [] } : null
    try {
      for (let r = 0; r < rounds; r++) {
        for (const c of shuffled([...candidates, ...(cc ? [cc] : [])])) {
          if (c === cc) {
            c.samples.push(await measure(tessera.s.server, { url: tessera.s.tokenUrl, ...tessera.s.cc, connections, duration: durationS }))
            continue
          }
          const pool = await c.s.mint(connections * 2)
          const m = await measureChained(c.s.server, { url: c.s.tokenUrl, authorization: c.s.authorization, pool, connections, duration: durationS })
          if (m.non2xx || m.errors || m.failures) notes.push(`refresh ${alg} ${c.label} round ${r + 1}: ${m.non2xx} non-2xx, ${m.errors} errors`)
          c.samples.push(m)
        }
        log(`refresh ${alg} round ${r + 1}/${rounds}`)
      }
    } finally {
      for (const c of candidates) await c.s.server.stop()
    }
    const per = {}
    for (const c of [...candidates, ...(cc ? [cc] : [])]) {
      per[c.name] = c.samples
      rows.push(summariseSamples(alg, c.name, c.label, c.samples))
    }
    const add = (id, label, a, b, target) => {
      if (!per[a] || !per[b]) return
      ratios.push({ id: `refresh.${alg}.${id}`, scenario: 'refresh', alg, label, metric: 'req/CPU-s', ...ratioSummary(per[a].map((m) => m.reqPerCpuSec), per[b].map((m) => m.reqPerCpuSec)), target })
    }
    add('tessera/tessera-cc', 'refresh_token / client_credentials (@tessera/issuer)', 'tessera', 'tessera-cc', 0.7)
    add('tessera/oidc-provider', '@tessera/issuer refresh / oidc-provider refresh', 'tessera', 'oidc-provider', 1.5)
    add('tessera-pg/tessera', '@tessera/issuer refresh on PostgreSQL / on SQLite', 'tessera-pg', 'tessera', 0.6)
  }
  return { rows, ratios, notes }
}
