// Scenario 1: verify in process. Every candidate checks signature, typ,
// iss, aud, exp, iat, the RFC 9068 §2.2 claims and the scope `read`, on the
// same RFC 9068 tokens, interleaved in shuffled order, several rounds.
import { createRequire } from 'node:module'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { JwtVerifier } from 'aws-jwt-verify'
import { ALGS, AUDIENCE, ISSUER, accessToken, makeKey, signJwt } from '../lib/keys.mjs'
import { createFloorVerifier } from '../lib/floor-verify.mjs'
import { timedLoop } from '../lib/loop.mjs'
import { ratioSummary, shuffled, summary } from '../lib/stats.mjs'
import { TOKEN_CACHE_ENTRIES, tesseraVerifyOptions } from '../lib/tessera.mjs'

const require = createRequire(import.meta.url)
const { createVerifier: fastJwtVerifier } = require('fast-jwt')

const REQUIRED = ['exp', 'iat', 'sub', 'client_id', 'jti']
const hasScope = (claims, scope) => typeof claims.scope === 'string' && claims.scope.split(' ').includes(scope)

function fastJwt(key, cache) {
  const verify = fastJwtVerifier({
    key: key.publicPem,
    algorithms: [key.alg],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    checkTyp: 'at+jwt',
    requiredClaims: REQUIRED,
    clockTolerance: 5000,
    cache,
  })
  return (token) => {
    const claims = verify(token)
    if (!hasScope(claims, 'read')) throw new Error('insufficient_scope')
    return claims
  }
}

/** The candidates: name, whether the call is synchronous, and a factory per key. */
export const CANDIDATES = [
  { name: 'floor', label: 'floor (split + crypto.verify + claims)', sync: true, make: async (key) => {
    const v = createFloorVerifier({ key, issuer: ISSUER, audience: AUDIENCE })
    return (token) => v(token, 'read')
  } },
  { name: 'tessera', label: '@tessera/verify', sync: false, make: async (key) => {
    const { createVerifier } = await import('@tessera/verify')
    const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.publicJwk] }, ...tesseraVerifyOptions({ cache: false }) })
    return (token) => v.verify(token, { scopes: ['read'] })
  } },
  { name: 'fast-jwt', label: 'fast-jwt (no cache)', sync: true, make: async (key) => fastJwt(key, false) },
  { name: 'jose', label: 'jose jwtVerify (local JWKS)', sync: false, make: async (key) => {
    const jwks = createLocalJWKSet({ keys: [key.publicJwk] })
    const options = { issuer: ISSUER, audience: AUDIENCE, typ: 'at+jwt', algorithms: [key.alg], requiredClaims: REQUIRED, clockTolerance: 5 }
    return async (token) => {
      const { payload } = await jwtVerify(token, jwks, options)
      if (!hasScope(payload, 'read')) throw new Error('insufficient_scope')
      return payload
    }
  } },
  { name: 'aws-jwt-verify', label: 'aws-jwt-verify (hydrated, verifySync)', sync: true, make: async (key) => {
    const v = JwtVerifier.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: `${ISSUER}/.well-known/jwks.json`,
      scope: 'read',
      graceSeconds: 5,
      customJwtCheck: ({ header, payload }) => {
        if (typeof header.typ !== 'string' || header.typ.toLowerCase().replace(/^application\//, '') !== 'at+jwt') throw new Error('typ')
        for (const c of REQUIRED) if (payload[c] === undefined) throw new Error(`missing ${c}`)
      },
    })
    v.cacheJwks({ keys: [key.publicJwk] })
    return (token) => v.verifySync(token)
  } },
]

export const CACHE_CANDIDATES = [
  { name: 'tessera-cache', label: '@tessera/verify (verified-token cache)', sync: false, make: async (key) => {
    const opts = tesseraVerifyOptions({ cache: true })
    const { createVerifier } = await import('@tessera/verify')
    const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.publicJwk] }, ...opts })
    return (token) => v.verify(token, { scopes: ['read'] })
  } },
  { name: 'fast-jwt-cache', label: 'fast-jwt (cache 1000)', sync: true, make: async (key) => fastJwt(key, TOKEN_CACHE_ENTRIES) },
]

/**
 * Checks that a candidate does its full work: it accepts the valid token
 * and rejects a tampered signature and a wrong audience. A verifier that
 * skipped a check would look fast for the wrong reason.
 */
async function sanity(fn, key, tokens) {
  await fn(tokens[0])
  const [h, p, s] = tokens[0].split('.')
  const tampered = `${h}.${p}.${s.slice(0, -6)}${s.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`
  const wrongAud = signJwt(key, { ...JSON.parse(Buffer.from(p, 'base64url')), aud: 'https://other.example' })
  for (const [what, bad] of [['tampered signature', tampered], ['wrong audience', wrongAud]]) {
    let accepted = false
    try { await fn(bad); accepted = true } catch { /* rejected, as it must be */ }
    if (accepted) throw new Error(`accepted a token with a ${what}`)
  }
}

export async function run({ rounds, durationMs, algs = ALGS, log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = []
  for (const alg of algs) {
    const key = makeKey(alg)
    // A pool of distinct valid tokens, cycled: no candidate sees one token only.
    const tokens = Array.from({ length: 64 }, () => accessToken(key))
    const groups = [{ kind: 'nocache', list: CANDIDATES }, { kind: 'cache', list: CACHE_CANDIDATES }]
    const ready = []
    for (const group of groups) {
      for (const c of group.list) {
        try {
          const fn = await c.make(key)
          await sanity(fn, key, tokens)
          // Warm up JIT and key caches before anything is recorded.
          await timedLoop(fn, group.kind === 'cache' ? tokens.slice(0, 1) : tokens, { durationMs: Math.min(200, durationMs), sync: c.sync })
          ready.push({ ...c, fn, kind: group.kind, samples: [] })
        } catch (err) {
          notes.push(`verify ${alg} ${c.label}: not measured (${err.message})`)
          rows.push({ alg, name: c.name, label: c.label, unavailable: err.message })
        }
      }
    }
    for (let r = 0; r < rounds; r++) {
      for (const c of shuffled(ready)) {
        // Cache candidates all get the same single token: every call after the first is a hit.
        const args = c.kind === 'cache' ? tokens.slice(0, 1) : tokens
        c.samples.push(await timedLoop(c.fn, args, { durationMs, sync: c.sync }))
      }
      log(`verify ${alg} round ${r + 1}/${rounds}`)
    }
    const byName = {}
    const p50ByName = {}
    const cpuByName = {}
    for (const c of ready) {
      cpuByName[c.name] = c.samples.map((s) => s.opsPerCpuSec)
      byName[c.name] = c.samples.map((s) => s.opsPerSec)
      // Inverse p50 latency: a per-call rate less disturbed by other load on the machine.
      p50ByName[c.name] = c.samples.map((s) => 1e6 / s.p50Us)
      rows.push({
        alg,
        name: c.name,
        label: c.label,
        opsPerSec: summary(c.samples.map((s) => s.opsPerSec)),
        opsPerCpuSec: summary(c.samples.map((s) => s.opsPerCpuSec)),
        p50Us: summary(c.samples.map((s) => s.p50Us)),
        p99Us: summary(c.samples.map((s) => s.p99Us)),
      })
    }
    // Each pair twice: by ops/s (the issue's figure) and by ops per CPU-second
    // of the process (steadier when other work shares the machine).
    const add = (id, label, a, b, target) => {
      if (!byName[a] || !byName[b]) return
      ratios.push({ id: `verify.${alg}.${id}`, scenario: 'verify', alg, label, metric: 'ops/s', ...ratioSummary(byName[a], byName[b]), target })
      ratios.push({ id: `verify.${alg}.${id}.cpu`, scenario: 'verify', alg, label, metric: 'ops/CPU-s', ...ratioSummary(cpuByName[a], cpuByName[b]) })
    }
    add('tessera/floor', `@tessera/verify / floor`, 'tessera', 'floor', alg === 'RS256' ? 0.9 : 0.95)
    add('tessera/fast-jwt', `@tessera/verify / fast-jwt (no cache)`, 'tessera', 'fast-jwt', 1.0)
    if (p50ByName.tessera && p50ByName.floor) {
      ratios.push({ id: `verify.${alg}.tessera/floor.p50`, scenario: 'verify', alg, label: '@tessera/verify / floor (by p50 latency)', metric: '1/p50', ...ratioSummary(p50ByName.tessera, p50ByName.floor) })
    }
    add('fast-jwt/floor', `fast-jwt / floor`, 'fast-jwt', 'floor')
    add('jose/floor', `jose / floor`, 'jose', 'floor')
    add('aws-jwt-verify/floor', `aws-jwt-verify / floor`, 'aws-jwt-verify', 'floor')
    add('tessera-cache/fast-jwt-cache', `@tessera/verify cache hit / fast-jwt cache hit`, 'tessera-cache', 'fast-jwt-cache', 1.0)
  }
  return { rows, ratios, notes }
}
