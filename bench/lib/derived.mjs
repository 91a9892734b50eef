// Figures derived across scenarios: per-request server CPU of each HTTP
// stack against the framework's floor plus the verify floor, which bounds
// the ratio any verifier could reach against a given peer.

const us = (perSec) => (Number.isFinite(perSec) && perSec > 0 ? 1e6 / perSec : NaN)
const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : '–')
const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : '–')

export function ceilings(scenarios) {
  return [...httpCeilings(scenarios), ...issueCeilings(scenarios)]
}

/** Issuance: the floor route against oidc-provider bounds what "≥ 0.9x the floor" implies against it. */
function issueCeilings({ issue }) {
  if (!issue) return []
  const out = []
  for (const alg of ['ES256', 'RS256']) {
    const get = (name) => issue.rows.find((r) => r.alg === alg && r.name === name && r.reqPerCpuSec)?.reqPerCpuSec.median
    const [floor, oidc, ours] = [get('floor'), get('oidc-provider'), get('tessera')]
    if (!Number.isFinite(floor) || !Number.isFinite(oidc)) continue
    const perReq = (v) => (Number.isFinite(v) ? `${f1(1e6 / v)} µs` : '–')
    out.push(`${alg} issuance: server CPU per token: floor route ${perReq(floor)}, @tessera/issuer ${perReq(ours)}, oidc-provider ${perReq(oidc)}; the floor itself runs at ${f2(floor / oidc)}x oidc-provider, so an issuer at exactly 0.9x the floor would be at ${f2((0.9 * floor) / oidc)}x oidc-provider.`)
  }
  return out
}

function httpCeilings(scenarios) {
  const http = scenarios.http
  const verify = scenarios.verify
  if (!http || !verify) return []
  const out = []
  for (const alg of ['RS256', 'ES256']) {
    const vrow = verify.rows.find((r) => r.alg === alg && r.name === 'floor' && r.opsPerCpuSec)
    if (!vrow) continue
    // CPU per verification of the floor, as the servers' figures are CPU per request.
    const floorUs = us(vrow.opsPerCpuSec.median)
    const get = (name) => us(http.rows.find((r) => r.alg === alg && r.name === name && r.reqPerCpuSec)?.reqPerCpuSec.median)
    for (const [fw, ours, peers] of [
      ['Fastify', 'fastify-tessera', [['fastify-jwt', '@fastify/jwt (static key)'], ['fastify-jwt-jwks', '@fastify/jwt (JWKS callback)']]],
      ['Express', 'express-tessera', [['express-bearer', 'express-oauth2-jwt-bearer']]],
      ['Hono', 'hono-tessera', [['hono-jwk', 'hono/jwk (jwks_uri)'], ['hono-jwk-keys', 'hono/jwk (keys fetched once)']]],
    ]) {
      const hello = get(`${fw.toLowerCase()}-hello`)
      const tessera = get(ours)
      if (!Number.isFinite(hello)) continue
      const best = hello + floorUs
      const parts = [`${alg} ${fw}: server CPU per request: hello ${f1(hello)} µs; verify floor ${f1(floorUs)} µs (scenario 1), so hello + floor = ${f1(best)} µs`]
      if (Number.isFinite(tessera)) parts.push(`@tessera/verify ${f1(tessera)} µs (adds ${f1(tessera - hello)} µs over hello, ${f2((tessera - hello) / floorUs)}x the verify floor)`)
      for (const [name, label] of peers) {
        const peer = get(name)
        if (Number.isFinite(peer)) parts.push(`${label} ${f1(peer)} µs (adds ${f1(peer - hello)} µs): no verifier can exceed ${f2(peer / best)}x against it`)
      }
      out.push(`${parts.join('; ')} (the verify floor is the in-process figure; inside a busy server the same crypto.verify costs somewhat more, so true ceilings are a little lower).`)
    }
  }
  return out
}
