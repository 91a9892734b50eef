#!/usr/bin/env node
// A quick local check of the hot path, not a benchmark and not a test:
// @tessera/verify (static JWKS, awaited) against a hand-written
// split + base64url + JSON.parse + crypto.verify + claim checks, in the same
// process, interleaved, counting CPU time so that other load on the machine
// matters less. Build first: npx tsc -b packages/verify
//   node packages/verify/scripts/micro-check.mjs [RS256|ES256|EdDSA ...]
import { generateKeyPairSync, sign, verify as cryptoVerify } from 'node:crypto'
import { createVerifier } from '../dist/index.js'

const ISS = 'https://issuer.example'
const AUD = 'https://api.example'
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')

function setup(alg) {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519')
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1', alg, use: 'sig' }
  const now = Math.floor(Date.now() / 1000)
  const input = `${b64({ alg, kid: 'k1', typ: 'at+jwt' })}.${b64({ iss: ISS, aud: AUD, sub: 'c', client_id: 'c', jti: 'j', iat: now, exp: now + 3600, scope: 'read write' })}`
  const digest = alg === 'EdDSA' ? null : 'sha256'
  const signKey = alg === 'ES256' ? { key: pair.privateKey, dsaEncoding: 'ieee-p1363' } : pair.privateKey
  const verifyKey = alg === 'ES256' ? { key: pair.publicKey, dsaEncoding: 'ieee-p1363' } : pair.publicKey
  const token = `${input}.${sign(digest, Buffer.from(input), signKey).toString('base64url')}`
  const floor = (tok) => {
    const d1 = tok.indexOf('.')
    const d2 = tok.indexOf('.', d1 + 1)
    const h = JSON.parse(Buffer.from(tok.slice(0, d1), 'base64url').toString('utf8'))
    if (h.alg !== alg || h.kid !== 'k1' || h.typ.toLowerCase() !== 'at+jwt') throw new Error('header')
    if (!cryptoVerify(digest, Buffer.from(tok.slice(0, d2)), verifyKey, Buffer.from(tok.slice(d2 + 1), 'base64url'))) throw new Error('sig')
    const c = JSON.parse(Buffer.from(tok.slice(d1 + 1, d2), 'base64url').toString('utf8'))
    const n = Date.now() / 1000
    if (c.iss !== ISS || c.aud !== AUD || !(c.exp > n - 5) || !(c.iat <= n + 5) || typeof c.sub !== 'string') throw new Error('claims')
    if (!c.scope.split(' ').includes('read')) throw new Error('scope')
    return c
  }
  const verifier = createVerifier({ issuer: ISS, audience: AUD, jwks: { keys: [jwk] } })
  const opts = { scopes: ['read'] }
  return { token, floor, ours: (tok) => verifier.verify(tok, opts) }
}

/** Calls per CPU-second over a window of `ms` wall-clock milliseconds. */
async function rate(fn, token, ms, awaited) {
  let n = 0
  const cpu0 = process.cpuUsage()
  const end = performance.now() + ms
  while (performance.now() < end) {
    if (awaited) for (let i = 0; i < 32; i++) await fn(token)
    else for (let i = 0; i < 32; i++) fn(token)
    n += 32
  }
  const cpu = process.cpuUsage(cpu0)
  return n / ((cpu.user + cpu.system) / 1e6)
}

const algs = process.argv.length > 2 ? process.argv.slice(2) : ['RS256', 'ES256', 'EdDSA']
for (const alg of algs) {
  const { token, floor, ours } = setup(alg)
  await rate(floor, token, 200, false)
  await rate(ours, token, 200, true)
  const ratios = []
  let last = { f: 0, o: 0 }
  for (let round = 0; round < 5; round++) {
    const f = await rate(floor, token, 300, false)
    const o = await rate(ours, token, 300, true)
    ratios.push(o / f)
    last = { f, o }
  }
  ratios.sort((a, b) => a - b)
  console.log(`${alg}: floor ${last.f.toFixed(0)}/cpu-s, @tessera/verify ${last.o.toFixed(0)}/cpu-s, ratio median ${ratios[2].toFixed(3)} [${ratios[0].toFixed(3)}-${ratios[4].toFixed(3)}]`)
}
