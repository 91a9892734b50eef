// Scenario 3c: client_credentials with DPoP (RFC 9449) beside the same
// grant without, on one @tessera/issuer server (SQLite), interleaved
// rounds, per server CPU-second. A DPoP request costs the issuer the proof
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
  if (again.status !== 400) throw new Error('a replayed proof was accepted')
}

export async function run({ rounds, durationS, connections = 10, algs = ['ES256'], log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = ['DPoP proofs: ES256, made by the load generator before each window (not in the server CPU); each sent once.']
  for (const alg of algs) {
    const issuer = await startIssuer('tessera', alg)
    try {
      const meta = await (await fetch(`${issuer.origin}/.well-known/oauth-authorization-server`)).json()
      const maker = proofMaker(meta.token_endpoint)
      await sanity(issuer, maker)
      const load = { url: issuer.tokenUrl, ...issuer.request, connections, duration: durationS }
      const bearer = { name: 'tessera-bearer', label: '@tessera/issuer client_credentials, Bearer', samples: [] }
      const dpop = { name: 'tessera-dpop', label: '@tessera/issuer client_credentials with DPoP', samples: [] }
      for (let r = 0; r < rounds; r++) {
        for (const c of shuffled([bearer, dpop])) {
          if (c === bearer) {
            c.samples.push(await measure(issuer.server, load))
            continue
          }
          const proofs = Array.from({ length: PROOFS_PER_SECOND * durationS }, maker.make)
          const m = await measureDpop(issuer.server, load, proofs)
          if (m.non2xx || m.errors || m.exhausted) notes.push(`issue-dpop ${alg} round ${r + 1}: ${m.non2xx} non-2xx, ${m.errors} errors, ${m.exhausted} without a proof left`)
          c.samples.push(m)
        }
        log(`issue-dpop ${alg} round ${r + 1}/${rounds}`)
      }
      for (const c of [bearer, dpop]) rows.push(summariseSamples(alg, c.name, c.label, c.samples))
      ratios.push({
        id: `issue-dpop.${alg}.dpop/bearer`, scenario: 'issue-dpop', alg, label: 'client_credentials with DPoP / Bearer, same server',
        metric: 'req/CPU-s', ...ratioSummary(dpop.samples.map((m) => m.reqPerCpuSec), bearer.samples.map((m) => m.reqPerCpuSec)),
      })
    } catch (err) {
      notes.push(`issue-dpop ${alg}: not measured (${err.message})`)
    } finally {
      await issuer.server.stop()
    }
  }
  return { rows, ratios, notes }
}
