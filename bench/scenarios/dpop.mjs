// Scenario 6: DPoP (RFC 9449) verification. In process: @tessera/verify's
// verifyRequest on a DPoP-bound token with its proof, against the DPoP
// floor (lib/dpop.mjs: both JWTs parsed, two crypto.verify with KeyObjects
// cached by JWK thumbprint, the hashes and the claim checks). Over HTTP:
// Express + @tessera/verify against Express + express-oauth2-jwt-bearer
// with its DPoP support on, in requests per server CPU-second. Every proof
// is fresh (its own jti), as clients send them: the pools are made before
// each timed window, never during it.
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { AUDIENCE, ISSUER, makeKey } from '../lib/keys.mjs'
import { boundToken, createFloorDpopVerifier, makeProof, makeProofKey, makeProofs } from '../lib/dpop.mjs'
import { startJwksServer } from '../lib/jwks-server.mjs'
import { timedLoop } from '../lib/loop.mjs'
import { startServer } from '../lib/proc.mjs'
import { ratioSummary, shuffled, summary } from '../lib/stats.mjs'

const SCRIPT = fileURLToPath(new URL('../servers/protected.mjs', import.meta.url))
const HTU = 'https://api.example/r'
/** Upper bound of in-process DPoP verifications a second, to size the proof pools. */
const MAX_RATE = 30_000

const CANDIDATES = [
  { name: 'floor', label: 'DPoP floor (2 JWTs, 2 crypto.verify, thumbprint-cached KeyObject, hashes, claims)', sync: true, make: async (issuerKey) => {
    const v = createFloorDpopVerifier({ key: issuerKey })
    return (r) => v(r.token, r.proof, 'GET', HTU, 'read')
  } },
  { name: 'tessera', label: '@tessera/verify verifyRequest (DPoP)', sync: false, make: async (issuerKey) => {
    const { createVerifier } = await import('@tessera/verify')
    // A verifier per window: its replay store starts empty, as the pool's proofs are all new to it.
    const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [issuerKey.publicJwk] }, tokenCache: 0 })
    return (r) => v.verifyRequest(r.request, { scopes: ['read'] })
  } },
]

function pool(issuerKey, proofKey, n) {
  const token = boundToken(issuerKey, proofKey, { scope: 'read' })
  return makeProofs(proofKey, n, 'GET', HTU, token).map((proof) => ({
    token, proof, request: { method: 'GET', url: HTU, headers: { authorization: `DPoP ${token}`, dpop: proof } },
  }))
}

/** Each candidate accepts a good request and refuses a proof for another token; Tessera also a replay. */
async function sanity(c, issuerKey, proofKey) {
  const [good] = pool(issuerKey, proofKey, 1)
  const fn = await c.make(issuerKey)
  await fn(good)
  const other = boundToken(issuerKey, proofKey, { scope: 'read' })
  const wrongAth = { ...good, proof: makeProof(proofKey, 'GET', HTU, other) }
  wrongAth.request = { ...good.request, headers: { ...good.request.headers, dpop: wrongAth.proof } }
  let accepted = false
  try { await fn(wrongAth); accepted = true } catch { /* refused, as it must be */ }
  if (accepted) throw new Error('accepted a proof made for another token')
}

async function inProcess({ rounds, durationMs, algs, log, rows, ratios, notes }) {
  for (const alg of algs) {
    const issuerKey = makeKey(alg)
    const proofKey = makeProofKey(alg)
    const size = Math.ceil((durationMs / 1000) * MAX_RATE) + 500
    const ready = []
    for (const c of CANDIDATES) {
      try {
        await sanity(c, issuerKey, proofKey)
        await timedLoop(await c.make(issuerKey), pool(issuerKey, proofKey, 2000), { durationMs: Math.min(200, durationMs), sync: c.sync })
        ready.push({ ...c, samples: [] })
      } catch (err) {
        notes.push(`dpop ${alg} ${c.label}: not measured (${err.message})`)
        rows.push({ kind: 'verify', alg, name: c.name, label: c.label, unavailable: err.message })
      }
    }
    for (let r = 0; r < rounds; r++) {
      const requests = pool(issuerKey, proofKey, size)
      for (const c of shuffled(ready)) {
        const sample = await timedLoop(await c.make(issuerKey), requests, { durationMs, sync: c.sync })
        if (sample.ops >= size) notes.push(`dpop ${alg} ${c.label}: the proof pool was exhausted (raise MAX_RATE)`)
        c.samples.push(sample)
      }
      log(`dpop verify ${alg} round ${r + 1}/${rounds}`)
    }
    const by = (name, field) => ready.find((c) => c.name === name)?.samples.map((s) => s[field])
    for (const c of ready) {
      rows.push({
        kind: 'verify', alg, name: c.name, label: c.label,
        opsPerSec: summary(c.samples.map((s) => s.opsPerSec)), opsPerCpuSec: summary(c.samples.map((s) => s.opsPerCpuSec)),
        p50Us: summary(c.samples.map((s) => s.p50Us)), p99Us: summary(c.samples.map((s) => s.p99Us)),
      })
    }
    if (by('tessera', 'opsPerSec') && by('floor', 'opsPerSec')) {
      ratios.push({ id: `dpop.${alg}.tessera/floor`, scenario: 'dpop', alg, label: '@tessera/verify DPoP / DPoP floor', metric: 'ops/s', ...ratioSummary(by('tessera', 'opsPerSec'), by('floor', 'opsPerSec')), target: 0.9 })
      ratios.push({ id: `dpop.${alg}.tessera/floor.cpu`, scenario: 'dpop', alg, label: '@tessera/verify DPoP / DPoP floor', metric: 'ops/CPU-s', ...ratioSummary(by('tessera', 'opsPerCpuSec'), by('floor', 'opsPerCpuSec')) })
    }
  }
}

const SERVERS = [
  { name: 'express-tessera-dpop', label: 'Express + @tessera/verify (DPoP)' },
  { name: 'express-bearer-dpop', label: 'Express + express-oauth2-jwt-bearer (dpop.enabled)' },
]

/** `amount` requests, each with the next proof of `proofs`: a fresh jti every time. */
function load(url, token, proofs, connections) {
  let i = 0
  return new Promise((resolve, reject) => {
    autocannon({
      url, connections, pipelining: 1, amount: proofs.length,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, headers: { authorization: `DPoP ${token}`, dpop: proofs[i++ % proofs.length] } }) }],
    }, (err, result) => (err ? reject(err) : resolve(result)))
  })
}

async function measure(server, token, proofs, connections) {
  const before = await server.usage()
  const result = await load(server.url, token, proofs, connections)
  const after = await server.usage()
  const cpuSeconds = (after.cpuUs - before.cpuUs) / 1e6
  const ok = result['2xx']
  return { ok, non2xx: result.non2xx, errors: result.errors + result.timeouts, reqPerSec: ok / result.duration, p99Ms: result.latency.p99, cpuSeconds, reqPerCpuSec: cpuSeconds > 0 ? ok / cpuSeconds : NaN }
}

async function overHttp({ rounds, durationS, connections = 10, log, rows, ratios, notes }) {
  const alg = 'ES256'
  const issuerKey = makeKey(alg)
  const proofKey = makeProofKey(alg)
  const jwks = await startJwksServer([issuerKey.publicJwk])
  // Requests a window: enough for about durationS at a few thousand a second.
  const amount = Math.max(500, Math.round(durationS * 2500))
  const ready = []
  try {
    for (const s of SERVERS) {
      let server
      try {
        server = await startServer({ name: `${s.name}-${alg}`, script: SCRIPT, args: [s.name, alg, jwks.uri, ISSUER, AUDIENCE] })
        const token = boundToken(issuerKey, proofKey, { scope: 'read' })
        const get = (headers) => fetch(server.url, { headers }).then(async (r) => { await r.arrayBuffer(); return r.status })
        const good = await get({ authorization: `DPoP ${token}`, dpop: makeProof(proofKey, 'GET', server.url, token) })
        const forged = await get({ authorization: `DPoP ${token}`, dpop: makeProof(proofKey, 'GET', 'http://elsewhere.example/r', token) })
        const asBearer = await get({ authorization: `Bearer ${token}` })
        // A wrong htu is 401 here and 400 at express-oauth2-jwt-bearer: either refuses.
        if (good !== 200 || (forged !== 400 && forged !== 401) || asBearer !== 401) throw new Error(`sanity: good ${good}, wrong htu ${forged}, as bearer ${asBearer}`)
        await measure(server, token, makeProofs(proofKey, Math.round(amount / 2), 'GET', server.url, token), connections) // warm-up
        ready.push({ ...s, server, token, samples: [] })
      } catch (err) {
        await server?.stop()
        notes.push(`dpop http ${s.label}: not measured (${err.message})`)
        rows.push({ kind: 'http', alg, name: s.name, label: s.label, unavailable: err.message })
      }
    }
    for (let r = 0; r < rounds; r++) {
      for (const s of shuffled(ready)) {
        const m = await measure(s.server, s.token, makeProofs(proofKey, amount, 'GET', s.server.url, s.token), connections)
        if (m.non2xx || m.errors) notes.push(`dpop http ${s.label} round ${r + 1}: ${m.non2xx} non-2xx, ${m.errors} errors`)
        s.samples.push(m)
      }
      log(`dpop http round ${r + 1}/${rounds}`)
    }
  } finally {
    for (const s of ready) await s.server.stop()
    await jwks.close()
  }
  const per = Object.fromEntries(ready.map((s) => [s.name, s.samples]))
  for (const s of ready) {
    rows.push({ kind: 'http', alg, name: s.name, label: s.label, reqPerSec: summary(s.samples.map((m) => m.reqPerSec)), reqPerCpuSec: summary(s.samples.map((m) => m.reqPerCpuSec)), p99Ms: summary(s.samples.map((m) => m.p99Ms)) })
  }
  if (per['express-tessera-dpop'] && per['express-bearer-dpop']) {
    const [a, b] = [per['express-tessera-dpop'], per['express-bearer-dpop']]
    ratios.push({ id: `dpop.${alg}.express-tessera/express-bearer`, scenario: 'dpop', alg, label: 'Express + Tessera DPoP / Express + express-oauth2-jwt-bearer DPoP', metric: 'req/CPU-s', ...ratioSummary(a.map((m) => m.reqPerCpuSec), b.map((m) => m.reqPerCpuSec)) })
    ratios.push({ id: `dpop.${alg}.express-tessera/express-bearer.rps`, scenario: 'dpop', alg, label: 'Express + Tessera DPoP / Express + express-oauth2-jwt-bearer DPoP', metric: 'req/s', ...ratioSummary(a.map((m) => m.reqPerSec), b.map((m) => m.reqPerSec)) })
  }
}

export async function run({ rounds, durationMs, durationS, algs = ['ES256', 'EdDSA'], log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = []
  await inProcess({ rounds, durationMs, algs, log, rows, ratios, notes })
  await overHttp({ rounds, durationS, log, rows, ratios, notes })
  return { rows, ratios, notes }
}
