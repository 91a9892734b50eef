// Steady mixed load for the soak scenario: an open-loop schedule at a fixed
// rate of operations, cycling through client_credentials, refresh_token
// (each answer's successor goes back into the pool, so no request is a
// retry), authorization code redemption (a code minted by GET
// /oauth2/authorize within a signed-in session, then redeemed with PKCE by a confidential client)
// and GET /.well-known/jwks.json. Every answer is checked; each latency is
// kept in the bucket (of `bucketS` seconds) in which its request started.
import { codeFrom, redemption } from './codes.mjs'

/** One cycle of ten operations: 4 client_credentials, 3 refresh, 1 code (authorize + redemption), 2 JWKS. */
export const MIX = ['cc', 'refresh', 'jwks', 'cc', 'code', 'refresh', 'cc', 'jwks', 'refresh', 'cc']
const FORM = 'application/x-www-form-urlencoded'

/** The operations, each resolving the latencies (ms) of its requests by kind; a wrong answer throws. */
function operations(client, issuer, flow, pool, stats) {
  const timed = async (kind, want, method, path, headers, body) => {
    const started = performance.now()
    const res = await client.request(method, path, headers, body)
    const ms = performance.now() - started
    if (res.status !== want) throw new Error(`${kind}: ${res.status} ${res.body.slice(0, 160)}`)
    return { res, ms }
  }
  const tokenPath = new URL(issuer.tokenUrl).pathname
  const basic = { authorization: issuer.request.headers.authorization, 'content-type': FORM }
  return {
    async cc() {
      const { ms } = await timed('cc', 200, 'POST', tokenPath, issuer.request.headers, issuer.request.body)
      return [['cc', ms]]
    },
    async refresh() {
      const token = pool.pop()
      if (token === undefined) { stats.poolEmpty++; return [] }
      const { res, ms } = await timed('refresh', 200, 'POST', tokenPath, basic, `grant_type=refresh_token&refresh_token=${token}`)
      pool.push(JSON.parse(res.body).refresh_token)
      return [['refresh', ms]]
    },
    async code() {
      const started = performance.now()
      const code = await codeFrom(client, flow)
      const authorizeMs = performance.now() - started
      const { headers, body } = redemption(issuer, flow, code)
      const r = await timed('code', 200, 'POST', tokenPath, headers, body)
      return [['authorize', authorizeMs], ['code', r.ms]]
    },
    async jwks() {
      const { ms } = await timed('jwks', 200, 'GET', '/.well-known/jwks.json')
      return [['jwks', ms]]
    },
  }
}

/**
 * Runs the mix at `rate` operations per second for `seconds`, at most
 * `maxInFlight` at once (an operation due while that many are pending is
 * counted as late and skipped, never queued). `onTick(elapsedS)` is called
 * about every 100 ms for sampling. Resolves { buckets, errors, late, launched, stats }.
 */
export async function mixedLoad({ client, issuer, flow, pool, rate, seconds, bucketS, maxInFlight = 32, onTick = () => {} }) {
  const stats = { poolEmpty: 0 }
  const ops = operations(client, issuer, flow, pool, stats)
  const buckets = Array.from({ length: Math.ceil(seconds / bucketS) }, () => ({ all: [], byKind: {} }))
  const errors = []
  let launched = 0
  let late = 0
  let inFlight = 0
  let nextTick = 0
  const started = performance.now()
  const pending = new Set()
  while (true) {
    const elapsed = (performance.now() - started) / 1000
    if (elapsed >= seconds) break
    if (elapsed >= nextTick) { nextTick += 0.1; await onTick(elapsed) }
    const due = Math.floor(elapsed * rate)
    while (launched + late < due) {
      if (inFlight >= maxInFlight) { late++; continue }
      const kind = MIX[(launched + late) % MIX.length]
      const bucket = buckets[Math.min(buckets.length - 1, Math.floor(elapsed / bucketS))]
      launched++
      inFlight++
      const p = ops[kind]().then((lat) => {
        for (const [k, ms] of lat) {
          bucket.all.push(ms)
          ;(bucket.byKind[k] ??= []).push(ms)
        }
      }, (err) => { errors.push(`${elapsed.toFixed(1)} s: ${err.message}`) }).finally(() => { inFlight--; pending.delete(p) })
      pending.add(p)
    }
    await new Promise((r) => setTimeout(r, 5))
  }
  await Promise.all(pending)
  return { buckets, errors, late, launched, stats }
}
