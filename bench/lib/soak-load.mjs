// Steady mixed load for the soak scenario: an open-loop schedule at a fixed
// rate of operations, cycling through client_credentials, refresh_token
// (each answer's successor goes back into the pool, so no request is a
// retry), authorization code redemption (a code minted by GET
// /oauth2/authorize within a signed-in session, then redeemed with PKCE by a confidential client)
// and GET /.well-known/jwks.json. Every answer is checked; each latency is
// kept in the bucket (of `bucketS` seconds) in which its request started.
import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import { CODE_REDIRECT } from './issuers.mjs'

/** One cycle of ten operations: 4 client_credentials, 3 refresh, 1 code (authorize + redemption), 2 JWKS. */
export const MIX = ['cc', 'refresh', 'jwks', 'cc', 'code', 'refresh', 'cc', 'jwks', 'refresh', 'cc']
const FORM = 'application/x-www-form-urlencoded'

/** A keep-alive HTTP client for one origin: request(method, path, headers, body) resolves { status, headers, body }. */
export function httpClient(origin, maxSockets) {
  // `timeout` set, so that Node's agent honours the server's `Keep-Alive: timeout=N` hint and drops an idle socket
  // a second before the server closes it (with no timeout the hint is ignored, and a request sent on a socket the
  // server is closing meets ECONNRESET: the client's race, not the server's error).
  const agent = new http.Agent({ keepAlive: true, maxSockets, timeout: 60_000 })
  const { hostname, port } = new URL(origin)
  const request = (method, path, headers = {}, body) => new Promise((resolve, reject) => {
    const req = http.request({ agent, hostname, port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
  return { request, close: () => agent.destroy() }
}

const cookiesOf = (res) => [].concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0])

/**
 * Signs the bench user in once through the sign-in page (one argon2
 * verification) and returns the authorize path whose GET, with the session
 * cookie, answers a 303 carrying a fresh code, and the PKCE verifier.
 */
export async function codeFlow(client, issuer) {
  const verifier = randomBytes(32).toString('base64url')
  const authorize = '/oauth2/authorize?' + new URLSearchParams({
    response_type: 'code', client_id: issuer.codeClient.id, redirect_uri: CODE_REDIRECT, scope: 'read', state: 'soak',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  })
  const meta = JSON.parse((await client.request('GET', '/.well-known/oauth-authorization-server')).body)
  const page = await client.request('GET', authorize)
  const field = (name) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.body)?.[1] ?? ''
  const form = new URLSearchParams({ request: field('request'), csrf: field('csrf'), username: issuer.user.username, password: issuer.user.password, action: 'allow' }).toString()
  const res = await client.request('POST', '/oauth2/authorize', { 'content-type': FORM, cookie: cookiesOf(page).join('; '), origin: meta.issuer }, form)
  const session = cookiesOf(res).find((c) => c.startsWith('tessera_session='))
  if (res.status !== 303 || !session) throw new Error(`sign-in answered ${res.status}, no session`)
  return { authorize, verifier, session }
}

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
      const a = await timed('authorize', 303, 'GET', flow.authorize, { cookie: flow.session })
      const code = new URL(a.res.headers.location).searchParams.get('code')
      const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CODE_REDIRECT, code_verifier: flow.verifier }).toString()
      const r = await timed('code', 200, 'POST', tokenPath, { authorization: issuer.codeClient.authorization, 'content-type': FORM }, body)
      return [['authorize', a.ms], ['code', r.ms]]
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
