// Scenario 3c: client_credentials with DPoP (RFC 9449) beside the same
// grant without, on one @tessera/issuer server (SQLite), and the same pair
// on oidc-provider (its DPoP on, as by default), interleaved rounds, per
// server CPU-second. A DPoP request costs the issuer the proof
// checks (header, a signature verification under the proof's key, the
// claims) and one insert of the proof's jti hash into the store, on top of
// the bearer path. Every request carries a proof never sent before: the
// proofs (ES256, fresh jti and iat) are made before each window by the
// load generator, so their signing is not in the server's CPU.
import autocannon from 'autocannon'
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { startIssuer } from '../lib/issuers.mjs'
import { measure, summariseSamples } from '../lib/load.mjs'
import { ratioSummary, shuffled } from '../lib/stats.mjs'

/** Proofs per second of the window made ahead: above any rate one server reaches on loopback here. */
const PROOFS_PER_SECOND = 8000

function proofMaker(htu) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = publicKey.export({ format: 'jwk' })
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const header = b64({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } })
  const jkt = createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url')
  const make = () => {
    const input = `${header}.${b64({ jti: randomBytes(16).toString('base64url'), htm: 'POST', htu, iat: Math.floor(Date.now() / 1000) })}`
    return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`
  }
  return { make, jkt }
}

/** autocannon where each request takes the next unsent proof; none left: the request goes without (counted apart). */
function withProofs({ url, method, headers, body, connections, duration }, proofs) {
  const state = { exhausted: 0 }
  return new Promise((resolve, reject) => {
    autocannon({
      url, connections, duration, pipelining: 1,
      requests: [{
        method, body,
        setupRequest(req) {
          const dpop = proofs.pop()
          if (dpop === undefined) { state.exhausted++; return { ...req, headers: { ...headers, dpop: 'exhausted' } } }
          return { ...req, headers: { ...headers, dpop } }
        },
      }],
    }, (err, result) => (err ? reject(err) : resolve({ result, ...state })))
  })
}

async function measureDpop(server, load, proofs) {
  const before = await server.usage()
  const { result, exhausted } = await withProofs(load, proofs)
  const after = await server.usage()
  const ok = result['2xx']
  const cpuSeconds = (after.cpuUs - before.cpuUs) / 1e6
  return {
    ok, non2xx: result.non2xx, errors: result.errors + result.timeouts, exhausted,
    reqPerSec: ok / result.duration, p50Ms: result.latency.p50, p99Ms: result.latency.p99,
    cpuSeconds, reqPerCpuSec: cpuSeconds > 0 ? ok / cpuSeconds : NaN, rss: after.rss,
  }
}

/** Before timing: a proof gives token_type DPoP and cnf.jkt of its key; the same proof again is refused. */
async function sanity(issuer, maker) {
  const dpop = maker.make()
  const send = () => fetch(issuer.tokenUrl, { ...issuer.request, headers: { ...issuer.request.headers, dpop } })
  const body = await (await send()).json()
  if (body.token_type !== 'DPoP') throw new Error(`no DPoP token: ${JSON.stringify(body).slice(0, 200)}`)
  const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url'))
  if (claims.cnf?.jkt !== maker.jkt) throw new Error('the token is not bound to the proof key')
  const again = await send()
  await again.arrayBuffer()
  if (again.status < 400) throw new Error('a replayed proof was accepted')
}

/** Each server's two candidates (Bearer, DPoP) with what they need; the proofs' htu is the server's token endpoint. */
async function prepare(name, alg, notes) {
  const issuer = await startIssuer(name, alg)
  try {
    const tokenEndpoint = name === 'tessera'
      ? (await (await fetch(`${issuer.origin}/.well-known/oauth-authorization-server`)).json()).token_endpoint
      : issuer.tokenUrl
    const maker = proofMaker(tokenEndpoint)
    await sanity(issuer, maker)
    const label = name === 'tessera' ? '@tessera/issuer' : 'oidc-provider'
    return [
      { name: `${name}-bearer`, label: `${label} client_credentials, Bearer`, issuer, samples: [] },
      { name: `${name}-dpop`, label: `${label} client_credentials with DPoP`, issuer, maker, samples: [] },
    ]
  } catch (err) {
    await issuer.server.stop()
    notes.push(`issue-dpop ${alg} ${name}: not measured (${err.message})`)
    return []
  }
}

export async function run({ rounds, durationS, connections = 10, algs = ['ES256'], log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = [
    'DPoP proofs: ES256, made by the load generator before each window (not in the server CPU); each sent once.',
    'oidc-provider: DPoP as its defaults have it (on, no nonce, its own in-memory replay check of the proof\'s jti); @tessera/issuer stores each proof\'s jti in its database (DESIGN.md: replays refused across processes).',
  ]
  for (const alg of algs) {
    const candidates = [...await prepare('tessera', alg, notes), ...await prepare('oidc-provider', alg, notes)]
    try {
      for (let r = 0; r < rounds; r++) {
        for (const c of shuffled(candidates)) {
          const load = { url: c.issuer.tokenUrl, ...c.issuer.request, connections, duration: durationS }
          if (!c.maker) {
            c.samples.push(await measure(c.issuer.server, load))
            continue
          }
          const proofs = Array.from({ length: PROOFS_PER_SECOND * durationS }, c.maker.make)
          const m = await measureDpop(c.issuer.server, load, proofs)
          if (m.non2xx || m.errors || m.exhausted) notes.push(`issue-dpop ${alg} ${c.label} round ${r + 1}: ${m.non2xx} non-2xx, ${m.errors} errors, ${m.exhausted} without a proof left`)
          c.samples.push(m)
        }
        log(`issue-dpop ${alg} round ${r + 1}/${rounds}`)
      }
    } finally {
      for (const c of candidates) if (c.maker) await c.issuer.server.stop()
    }
    const per = Object.fromEntries(candidates.map((c) => [c.name, c.samples]))
    for (const c of candidates) rows.push(summariseSamples(alg, c.name, c.label, c.samples))
    const add = (id, label, a, b) => {
      if (!per[a] || !per[b]) return
      ratios.push({ id: `issue-dpop.${alg}.${id}`, scenario: 'issue-dpop', alg, label, metric: 'req/CPU-s', ...ratioSummary(per[a].map((m) => m.reqPerCpuSec), per[b].map((m) => m.reqPerCpuSec)) })
    }
    add('dpop/bearer', 'client_credentials with DPoP / Bearer, same server (@tessera/issuer)', 'tessera-dpop', 'tessera-bearer')
    add('oidc-dpop/oidc-bearer', 'client_credentials with DPoP / Bearer, same server (oidc-provider)', 'oidc-provider-dpop', 'oidc-provider-bearer')
    add('tessera-dpop/oidc-dpop', '@tessera/issuer / oidc-provider, client_credentials with DPoP', 'tessera-dpop', 'oidc-provider-dpop')
  }
  return { rows, ratios, notes }
}
