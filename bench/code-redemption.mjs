#!/usr/bin/env node
// The authorization code flow's two costs on loopback, against the issuer
// started through its CLI (as users run it):
//   1. sign-in latency: the credential POST of the sign-in page to its 303,
//      beside bare argon2id verifications at the issuer's parameters in this
//      process (the part the POST cannot avoid);
//   2. code redemption: grant_type=authorization_code with PKCE by a
//      confidential client (HTTP Basic; --skip-consent is refused to public
//      clients, RFC 8252 §8.6), requests per server CPU-second (the issuer's own
//      process.cpuUsage() over the window, servers/cpu-report.mjs) and per
//      second. Codes come from a signed-in session and a --skip-consent
//      client, so minting them costs no argon2. Twice: scope `read` (an
//      access token, ES256) and `openid read` (plus the ID token, RS256:
//      the extra signature OpenID Connect costs).
// A standalone script, printed only: `npm run bench` does not run it and
// nothing is written to RESULTS.md. The full run measures the same
// redemptions beside oidc-provider's (scenario `code`, scenarios/code.mjs);
// both mint their codes with lib/codes.mjs.
//   node bench/code-redemption.mjs [--sign-ins 15] [--codes 1500] [--rounds 3] [--concurrency 8]
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { codeFlow, mintCodes, redemption } from './lib/codes.mjs'
import { httpClient } from './lib/http-client.mjs'
import { startIssuer } from './lib/issuers.mjs'
import { machine, machineLine } from './lib/machine.mjs'
import { median, percentile } from './lib/stats.mjs'
import { removeTempDirs } from './lib/tmp.mjs'

const { values } = parseArgs({ options: {
  'sign-ins': { type: 'string', default: '15' }, codes: { type: 'string', default: '1500' },
  rounds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '8' },
} })
const SIGN_INS = Number(values['sign-ins'])
const CODES = Number(values.codes)
const ROUNDS = Number(values.rounds)
const CONCURRENCY = Number(values.concurrency)
const ms = (n) => `${n.toFixed(1)} ms`

async function main() {
  // The code client of lib/issuers.mjs (confidential, --skip-consent, may ask for openid) and its user, ES256.
  const issuer = await startIssuer('tessera', 'ES256', { codeClient: true })
  const { server } = issuer
  const client = httpClient(issuer.origin, CONCURRENCY)

  // 1. Sign-in: GET the page (not timed), then time the credential POST to its 303 (3 warm-up sign-ins first).
  const postMs = []
  let flow = null
  for (let i = -3; i < SIGN_INS; i++) {
    flow = await codeFlow(client, issuer)
    if (i >= 0) postMs.push(flow.signInMs)
  }
  const require = createRequire(join(process.cwd(), 'packages/issuer/package.json'))
  const argon2 = require('argon2')
  const PASSWORD = issuer.user.password
  const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 })
  const argonMs = []
  for (let i = 0; i < SIGN_INS; i++) {
    const started = performance.now()
    await argon2.verify(hash, PASSWORD)
    argonMs.push(performance.now() - started)
  }

  // 2. Redemption: codes minted within the session (303 at once), then redeemed concurrently.
  // A first, smaller round warms the server up and is not counted. Without, then with openid.
  const byScope = {}
  for (const scope of ['read', 'openid read']) {
    const rounds = byScope[scope] = []
    for (let round = -1; round < ROUNDS; round++) {
      const codes = await mintCodes(client, flow, scope, round < 0 ? Math.min(300, CODES) : CODES)
      const before = await server.usage()
      const started = performance.now()
      let next = 0
      let ok = 0
      const worker = async () => {
        while (next < codes.length) {
          const code = codes[next++]
          const res = await fetch(issuer.tokenUrl, { method: 'POST', ...redemption(issuer, flow, code) })
          if (res.status === 200) ok++
          await res.arrayBuffer()
        }
      }
      await Promise.all(Array.from({ length: CONCURRENCY }, worker))
      const seconds = (performance.now() - started) / 1000
      const after = await server.usage()
      if (ok !== codes.length) throw new Error(`round ${round + 2}: ${codes.length - ok} redemptions failed`)
      const cpu = (after.cpuUs - before.cpuUs) / 1e6
      if (round >= 0) rounds.push({ perCpuSecond: ok / cpu, perSecond: ok / seconds })
    }
  }
  client.close()
  await server.stop()

  console.log(machineLine(machine()))
  console.log(`sign-in: credential POST -> 303, ${SIGN_INS} sequential: median ${ms(median(postMs))}, p90 ${ms(percentile(postMs, 90))}`)
  console.log(`         bare argon2id verify (m=19456 KiB, t=2, p=1) here: median ${ms(median(argonMs))}`)
  for (const [scope, rounds] of Object.entries(byScope)) {
    const what = scope === 'read' ? 'ES256 access token' : 'ES256 access token + RS256 ID token'
    console.log(`code redemption, scope "${scope}" (${what}, confidential client, PKCE S256), ${ROUNDS} rounds x ${CODES} codes, ${CONCURRENCY} in flight:`)
    console.log(`         median ${median(rounds.map((r) => r.perCpuSecond)).toFixed(0)} per server CPU-second` +
      ` [${Math.min(...rounds.map((r) => r.perCpuSecond)).toFixed(0)}-${Math.max(...rounds.map((r) => r.perCpuSecond)).toFixed(0)}],` +
      ` ${median(rounds.map((r) => r.perSecond)).toFixed(0)} per second`)
  }
}

try {
  await main()
} finally {
  removeTempDirs()
}
