// Scenario 4: the password grant (RFC 6749 §4.3) at the issuer's argon2id
// parameters against bare argon2 verifications at the same parameters and
// the same concurrency (the floor); and how JWKS and client_credentials
// answer while password requests saturate the server.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cannon } from '../lib/load.mjs'
import { startIssuer } from '../lib/issuers.mjs'
import { startServer } from '../lib/proc.mjs'
import { availableParallelism } from 'node:os'
import { ratioSummary, shuffled, summary } from '../lib/stats.mjs'

const FLOOR = fileURLToPath(new URL('../servers/argon2-floor.mjs', import.meta.url))
const JWKS_FLOOR = fileURLToPath(new URL('../servers/argon2-jwks-floor.mjs', import.meta.url))

/**
 * The argon2id parameters the issuer uses, read from its one credentials
 * module (built or source); the DESIGN.md minimum when it cannot be read.
 */
export function issuerArgon2Params() {
  const fallback = { memoryCost: 19456, timeCost: 2, parallelism: 1, source: 'DESIGN.md minimum (issuer parameters not found)' }
  try {
    const require = createRequire(import.meta.url)
    const root = dirname(require.resolve('@tessera/issuer/package.json'))
    for (const rel of ['dist/credentials/passwords.js', 'src/credentials/passwords.ts']) {
      const file = join(root, rel)
      if (!existsSync(file)) continue
      const text = readFileSync(file, 'utf8')
      const num = (name) => Number((new RegExp(`${name}:\\s*(\\d+)`).exec(text) ?? [])[1])
      const p = { memoryCost: num('memoryCost'), timeCost: num('timeCost'), parallelism: num('parallelism'), source: `packages/issuer/${rel}` }
      if ([p.memoryCost, p.timeCost, p.parallelism].every(Number.isInteger)) return p
    }
  } catch { /* fall through */ }
  return fallback
}

/** Bare argon2 (`verify`, or `hash` of new passwords) in a process of its own: `concurrency` in flight for `durationMs`. */
export function argon2Floor(concurrency, durationMs, p, mode = 'verify') {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [FLOOR, concurrency, durationMs, p.memoryCost, p.timeCost, p.parallelism, mode].map(String), { timeout: durationMs + 60000 },
      (err, stdout, stderr) => (err ? reject(new Error(stderr.trim() || err.message)) : resolve(JSON.parse(stdout))))
  })
}

export async function run({ rounds, durationS, connections = 8, alg = 'ES256', log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = []
  const params = issuerArgon2Params()
  notes.push(`argon2id parameters: m=${params.memoryCost} KiB, t=${params.timeCost}, p=${params.parallelism} (from ${params.source}); ${connections} concurrent requests or verifications`)
  const floor = []
  // The same parameters with as many verifications in flight as the issuer admits (availableParallelism(),
  // DESIGN.md "Operations"): the same work under the same parallelism; the 0.9x target is against it.
  const admitted = availableParallelism()
  const floorAdmitted = []
  const grant = []
  const jwksP99 = []
  const ccP99 = []
  const ccIdleP99 = []
  let issuer
  try {
    issuer = await startIssuer('tessera', alg, { password: true })
    const check = await fetch(issuer.tokenUrl, issuer.passwordRequest)
    const body = await check.json().catch(() => ({}))
    if (check.status !== 200) throw new Error(`password grant answered ${check.status} ${JSON.stringify(body).slice(0, 200)}`)
  } catch (err) {
    await issuer?.server.stop()
    issuer = null
    notes.push(`password grant: @tessera/issuer not measured (${err.message})`)
  }
  const jwksUrl = issuer && `${issuer.origin}/.well-known/jwks.json`
  try {
    if (issuer) {
      // Warm-up, and client_credentials p99 with the server otherwise idle, for reference.
      await cannon({ url: issuer.tokenUrl, ...issuer.passwordRequest, connections, duration: 1 })
    }
    for (let r = 0; r < rounds; r++) {
      const steps = [
        async () => floor.push(await argon2Floor(connections, durationS * 1000, params)),
        async () => floorAdmitted.push(await argon2Floor(admitted, durationS * 1000, params)),
      ]
      if (issuer) {
        steps.push(async () => {
          const before = await issuer.server.usage()
          const res = await cannon({ url: issuer.tokenUrl, ...issuer.passwordRequest, connections, duration: durationS })
          const after = await issuer.server.usage()
          if (res.non2xx || res.errors) notes.push(`password round ${r + 1}: ${res.non2xx} non-2xx, ${res.errors} errors`)
          const cpuSeconds = (after.cpuUs - before.cpuUs) / 1e6
          grant.push({ opsPerSec: res['2xx'] / res.duration, perCpuSec: res['2xx'] / cpuSeconds, p99Ms: res.latency.p99, cpuSeconds })
        })
        steps.push(async () => {
          const idle = await cannon({ url: issuer.tokenUrl, ...issuer.request, connections: 1, duration: 1 })
          ccIdleP99.push(idle.latency.p99)
          // Saturate with password requests; meanwhile one client each probes JWKS and client_credentials.
          const saturate = cannon({ url: issuer.tokenUrl, ...issuer.passwordRequest, connections, duration: durationS })
          await new Promise((resolve) => setTimeout(resolve, 300))
          const [jwks, cc] = await Promise.all([
            cannon({ url: jwksUrl, connections: 1, duration: Math.max(1, durationS - 1) }),
            cannon({ url: issuer.tokenUrl, ...issuer.request, connections: 1, duration: Math.max(1, durationS - 1) }),
          ])
          await saturate
          if (jwks.non2xx || cc.non2xx) notes.push(`saturated round ${r + 1}: JWKS ${jwks.non2xx} non-2xx, client_credentials ${cc.non2xx} non-2xx`)
          jwksP99.push(jwks.latency.p99)
          ccP99.push(cc.latency.p99)
        })
      }
      for (const step of shuffled(steps)) await step()
      log(`password round ${r + 1}/${rounds}`)
    }
  } finally {
    await issuer?.server.stop()
  }
  // The machine's own ceiling for the latency target: a bare server beside
  // argon2 computations, with as many in flight as the issuer admits by
  // default (availableParallelism) and with one fewer.
  const refs = []
  for (const inFlight of [...new Set([availableParallelism(), Math.max(1, availableParallelism() - 1)])]) {
    let ref
    try {
      ref = await startServer({ name: `argon2-jwks-floor-${inFlight}`, script: JWKS_FLOOR, args: [inFlight, params.memoryCost, params.timeCost, params.parallelism].map(String) })
      await new Promise((resolve) => setTimeout(resolve, 300))
      const p99s = []
      for (let r = 0; r < rounds; r++) p99s.push((await cannon({ url: ref.url, connections: 1, duration: Math.max(1, durationS - 1) })).latency.p99)
      refs.push({ inFlight, p99Ms: summary(p99s) })
    } catch (err) {
      notes.push(`bare-server JWKS reference with ${inFlight} argon2 in flight: not measured (${err.message})`)
    } finally {
      await ref?.stop()
    }
  }
  log('password: bare-server latency references done')
  rows.push({ name: 'argon2-floor', label: `bare argon2.verify, ${connections} in flight`, opsPerSec: summary(floor.map((f) => f.opsPerSec)), perCpuSec: summary(floor.map((f) => f.ops / f.cpuSeconds)) })
  rows.push({ name: 'argon2-floor-admitted', label: `bare argon2.verify, ${admitted} in flight (as many as the issuer admits)`, opsPerSec: summary(floorAdmitted.map((f) => f.opsPerSec)), perCpuSec: summary(floorAdmitted.map((f) => f.ops / f.cpuSeconds)) })
  if (issuer) {
    rows.push({ name: 'tessera-password', label: '@tessera/issuer password grant', opsPerSec: summary(grant.map((g) => g.opsPerSec)), perCpuSec: summary(grant.map((g) => g.perCpuSec)), p99Ms: summary(grant.map((g) => g.p99Ms)) })
    rows.push({ name: 'jwks-saturated', label: 'GET /.well-known/jwks.json p99 while saturated (ms)', p99Ms: summary(jwksP99) })
    rows.push({ name: 'cc-saturated', label: 'client_credentials p99 while saturated (ms)', p99Ms: summary(ccP99) })
    for (const ref of refs) rows.push({ name: `jwks-reference-${ref.inFlight}`, label: `reference: bare node:http JSON p99 beside ${ref.inFlight} argon2 in flight (ms)`, p99Ms: ref.p99Ms })
    rows.push({ name: 'cc-idle', label: 'client_credentials p99, idle server (ms)', p99Ms: summary(ccIdleP99) })
    ratios.push({ id: 'password.grant/argon2-floor', scenario: 'password', label: 'password grant / bare argon2 verify', metric: 'ops/s', ...ratioSummary(grant.map((g) => g.opsPerSec), floor.map((f) => f.opsPerSec)), target: 0.8 })
    // Per CPU-second too: the floor's 8 callers keep 4 libuv threads busy where the issuer admits
    // availableParallelism() at once, which takes a larger share of a machine shared with other work.
    ratios.push({ id: 'password.grant/argon2-floor.cpu', scenario: 'password', label: 'password grant / bare argon2 verify', metric: 'per CPU-s', ...ratioSummary(grant.map((g) => g.perCpuSec), floor.map((f) => f.ops / f.cpuSeconds)) })
    ratios.push({ id: 'password.grant/argon2-admitted', scenario: 'password', label: `password grant / bare argon2 verify, ${admitted} in flight`, metric: 'ops/s', ...ratioSummary(grant.map((g) => g.opsPerSec), floorAdmitted.map((f) => f.opsPerSec)), target: 0.9 })
    ratios.push({ id: 'password.jwks-p99', scenario: 'password', label: 'JWKS p99 while password grant saturated', metric: 'ms', ...summary(jwksP99), targetMax: 20 })
    ratios.push({ id: 'password.cc-p99', scenario: 'password', label: 'client_credentials p99 while password grant saturated', metric: 'ms', ...summary(ccP99) })
  }
  return { rows, ratios, notes }
}
