// Scenario 4b: the sign-up POST (DESIGN.md "Accounts": POST /oauth2/signup,
// TESSERA_SIGNUP=open) beside its floor, bare argon2id hashes of new
// passwords at the issuer's parameters and the same concurrency. A sign-up
// checks the form (anti-CSRF token, Origin), the password rules (the
// common-password list among them), the per-address and overall limits in
// the store, hashes the password and writes the user and a session.
// DESIGN.md allows 60 sign-ups an hour in all per store, so each round is a
// fresh issuer and a fixed number of sign-ups (not a timed window); each
// comes from its own X-Forwarded-For address (TESSERA_TRUST_PROXY=127.0.0.1)
// so that the per-address limit is not what is measured. The forms (GET,
// one per sign-up) are fetched before the window. oidc-provider has no
// sign-up of its own (account creation is left to the application), so
// there is no peer figure.
import { randomBytes } from 'node:crypto'
import { startIssuer } from '../lib/issuers.mjs'
import { httpClient } from '../lib/http-client.mjs'
import { median, percentile, ratioSummary, summary } from '../lib/stats.mjs'
import { argon2Floor, issuerArgon2Params } from './password.mjs'

const FORM = 'application/x-www-form-urlencoded'
const cookiesOf = (res) => [].concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ')

async function oneRound(signups, inFlight, round) {
  const issuer = await startIssuer('tessera', 'ES256', { env: { TESSERA_SIGNUP: 'open', TESSERA_TRUST_PROXY: '127.0.0.1' } })
  const client = httpClient(issuer.origin, inFlight)
  try {
    const origin = JSON.parse((await client.request('GET', '/.well-known/oauth-authorization-server')).body).issuer
    const forms = []
    for (let i = 0; i < signups; i++) {
      const page = await client.request('GET', '/oauth2/signup')
      const csrf = /name="csrf" value="([^"]*)"/.exec(page.body)?.[1]
      if (page.status !== 200 || !csrf) throw new Error(`GET /oauth2/signup answered ${page.status}`)
      forms.push({ cookie: cookiesOf(page), csrf, i })
    }
    const latencies = []
    let failures = 0
    const before = await issuer.server.usage()
    const started = performance.now()
    const worker = async () => {
      for (let f = forms.pop(); f; f = forms.pop()) {
        const body = new URLSearchParams({ csrf: f.csrf, username: `bench-${round}-${f.i}`, password: randomBytes(15).toString('base64url') }).toString()
        const t0 = performance.now()
        const res = await client.request('POST', '/oauth2/signup', {
          'content-type': FORM, cookie: f.cookie, origin, 'x-forwarded-for': `10.${round}.${f.i >> 8}.${f.i & 255}`,
        }, body)
        latencies.push(performance.now() - t0)
        if (res.status !== 303) { failures++; if (failures === 1) throw new Error(`sign-up answered ${res.status}: ${res.body.slice(0, 200)}`) }
      }
    }
    await Promise.all(Array.from({ length: inFlight }, worker))
    const seconds = (performance.now() - started) / 1000
    const after = await issuer.server.usage()
    const cpuSeconds = (after.cpuUs - before.cpuUs) / 1e6
    return { ok: signups - failures, opsPerSec: (signups - failures) / seconds, perCpuSec: (signups - failures) / cpuSeconds, p50Ms: median(latencies), p99Ms: percentile(latencies, 99) }
  } finally {
    client.close()
    await issuer.server.stop()
  }
}

export async function run({ rounds, signups, inFlight = 4, log = () => {} }) {
  const params = issuerArgon2Params()
  const notes = [
    `argon2id parameters: m=${params.memoryCost} KiB, t=${params.timeCost}, p=${params.parallelism} (from ${params.source}); ${signups} sign-ups per round on a fresh issuer, ${inFlight} in flight; the floor: as many argon2.hash in flight, for as long as the round took.`,
    'No peer figure: oidc-provider leaves account creation to the application.',
  ]
  const grant = []
  const floor = []
  for (let r = 0; r < rounds; r++) {
    const m = await oneRound(signups, inFlight, r)
    grant.push(m)
    floor.push(await argon2Floor(inFlight, Math.max(2000, Math.round((m.ok / m.opsPerSec) * 1000)), params, 'hash'))
    log(`signup round ${r + 1}/${rounds}`)
  }
  const rows = [
    { label: `bare argon2.hash, ${inFlight} in flight`, opsPerSec: summary(floor.map((f) => f.opsPerSec)), perCpuSec: summary(floor.map((f) => f.ops / f.cpuSeconds)), p99Ms: summary([]) },
    { label: '@tessera/issuer sign-up POST (303)', opsPerSec: summary(grant.map((g) => g.opsPerSec)), perCpuSec: summary(grant.map((g) => g.perCpuSec)), p99Ms: summary(grant.map((g) => g.p99Ms)) },
  ]
  const ratios = [
    { id: 'signup.grant/argon2-hash', scenario: 'signup', label: 'sign-up POST / bare argon2.hash', metric: 'per CPU-s', ...ratioSummary(grant.map((g) => g.perCpuSec), floor.map((f) => f.ops / f.cpuSeconds)) },
    { id: 'signup.grant/argon2-hash.ops', scenario: 'signup', label: 'sign-up POST / bare argon2.hash', metric: 'ops/s', ...ratioSummary(grant.map((g) => g.opsPerSec), floor.map((f) => f.opsPerSec)) },
  ]
  return { rows, ratios, notes }
}
