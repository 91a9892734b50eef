// Key rotation in the middle of traffic: clients keep calling the Fastify
// example API over HTTP with tokens from the issuer (a real process started
// through its CLI), reused until shortly before they expire, while
// `keys rotate --now` makes a new key sign; once every token of the old key
// has expired (short test TTL), the old key is retired with
// `keys retire OLD --now` and leaves the JWKS. Not one request may fail. The
// counts are printed for the release note.
//
// The API runs in this process (the example's buildApp, with the verifier's
// default options) so that its JWKS fetches can be counted: `rotate --now`
// publishes the new key at the moment it starts signing, so the API learns
// it by its unknown-kid refetch. That refetch must not be held back by the
// cooldown after the API's first fetch a few seconds earlier (the cooldown
// counts from unknown-kid refetches only).
import t from 'tap'
import { buildApp } from '../examples/restaurants-fastify/server.js'
import { createTokenSource, decodeJwt } from '../examples/shared/token-source.js'
import { AUDIENCE, cli, createClient, startIssuer, tempDb } from './fixtures/harness.js'

const TTL = 3 // seconds: the client's token lifetime, so the old key's tokens expire quickly
const WORKERS = 3
const PAUSE_MS = 10 // between two calls of one worker
const MAX_CALLS = 20_000 // bounds on the loop, whatever happens
const MAX_MS = 60_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resolves when `check()` holds, polling every 50 ms; rejects after `ms`. */
async function until(what: string, ms: number, check: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(50)
  }
}

t.test('rotate and retire the signing key under traffic: zero failed requests', async (t) => {
  const db = await tempDb(t)
  const issuer = await startIssuer(t, db, { TESSERA_MAX_TTL: '5' })
  const client = await createClient(db, 'rotation-client', 'read', { ttl: TTL })
  const jwksFetches: string[] = []
  const app = await buildApp({
    issuer: issuer.issuer, audience: AUDIENCE,
    onEvent: (event: { type: string; reason: string }) => { jwksFetches.push(`${event.type}:${event.reason}`) },
  })
  t.teardown(() => app.close())
  const api = { url: await app.listen({ host: '127.0.0.1', port: 0 }) }

  const { keys: before } = await cli<{ keys: Array<{ kid: string; state: string }> }>(db, ['keys', 'list'])
  const signing = before.filter((k) => k.state === 'signing')
  t.equal(signing.length, 1, 'one key signs before the rotation')
  const oldKid = signing[0]!.kid

  // Every token the client gets: its key and until when it is valid.
  const issued: Array<{ kid: string; at: number; expiresAt: number }> = []
  const tokens = createTokenSource({
    tokenEndpoint: issuer.metadata.token_endpoint,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    grant: { grant_type: 'client_credentials' },
    onToken: (token: string, res: { expires_in: number }) => {
      const at = Date.now()
      issued.push({ kid: decodeJwt(token).header.kid, at, expiresAt: at + res.expires_in * 1000 })
    },
  })

  const counts = { calls: 0, ok: 0, failed: 0, byKid: new Map<string, number>() }
  const failures: string[] = []
  let stop = false
  const started = Date.now()
  const worker = async () => {
    while (!stop && counts.calls < MAX_CALLS && Date.now() - started < MAX_MS) {
      counts.calls++
      try {
        const token = await tokens.getToken()
        const res = await fetch(new URL('/restaurants', api.url), { headers: { authorization: `Bearer ${token}` } })
        await res.arrayBuffer()
        if (res.status === 200) {
          counts.ok++
          const { kid } = decodeJwt(token).header
          counts.byKid.set(kid, (counts.byKid.get(kid) ?? 0) + 1)
        } else {
          counts.failed++
          failures.push(`${res.status} ${res.headers.get('www-authenticate') ?? ''}`)
        }
      } catch (err) {
        counts.failed++
        failures.push(String(err))
      }
      await sleep(PAUSE_MS)
    }
  }
  const workers = Array.from({ length: WORKERS }, worker)

  // When things happened, in ms after the rotation, for the printed summary.
  const timeline: string[] = []
  let oldKidCount = 0
  let rotatedKid = ''
  try {
    await sleep(1000)
    const rotated = await cli<{ kid: string }>(db, ['keys', 'rotate', '--now'])
    rotatedKid = rotated.kid
    const rotatedAt = Date.now()
    const since = () => `${Date.now() - rotatedAt} ms`
    t.not(rotated.kid, oldKid, 'a new key')

    // The running issuer picks the new key up within 5 s; the client moves to
    // it at its next token renewal.
    await until('a successful call with a token of the new key', 15_000, () => (counts.byKid.get(rotated.kid) ?? 0) > 0)
    timeline.push(`new key in use ${since()} after rotate --now`)
    const firstNew = issued.findIndex((i) => i.kid === rotated.kid)
    t.ok(issued.slice(firstNew).every((i) => i.kid === rotated.kid), 'no token of the old key after the first of the new')

    // Retire the old key only when every token it signed has expired.
    const lastOldExpiry = Math.max(...issued.filter((i) => i.kid === oldKid).map((i) => i.expiresAt))
    await until('the old key\'s last token to expire', 10_000, () => Date.now() > lastOldExpiry + 500)
    await cli(db, ['keys', 'retire', oldKid, '--now'])
    timeline.push(`old key retired ${since()} after`)
    await until('the old key to leave the JWKS', 8_000, async () => {
      const jwks = await (await fetch(new URL('/.well-known/jwks.json', issuer.url))).json() as { keys: Array<{ kid: string }> }
      return !jwks.keys.some((k) => k.kid === oldKid) && jwks.keys.some((k) => k.kid === rotated.kid)
    })
    timeline.push(`old key gone from the JWKS ${since()} after`)
    // Keep the traffic going a little after the retirement.
    await sleep(1500)
    stop = true
    await Promise.all(workers)

    const { keys: after } = await cli<{ keys: Array<{ kid: string; state: string }> }>(db, ['keys', 'list'])
    t.equal(after.find((k) => k.kid === rotated.kid)?.state, 'signing', 'the new key signs')
    t.not(after.find((k) => k.kid === oldKid)?.state, 'signing', 'the old key no longer signs')

    t.equal(counts.failed, 0, `zero failed requests${failures.length ? `: ${[...new Set(failures)].slice(0, 5).join('; ')}` : ''}`)
    oldKidCount = counts.byKid.get(oldKid) ?? 0
    t.ok(oldKidCount > 0 && (counts.byKid.get(rotated.kid) ?? 0) > 0, 'traffic ran on both keys')
    t.ok(counts.ok > 200, 'enough traffic to mean something')
  } finally {
    stop = true
    await Promise.all(workers)
    // Printed whatever happened: the release note quotes these counts.
    t.comment(`rotation under traffic: ${counts.calls} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
      `${counts.ok} ok, ${counts.failed} failed` +
      (counts.failed ? ` (${[...new Set(failures)].slice(0, 3).join('; ')})` : '') + '; ' +
      `${counts.byKid.get(oldKid) ?? oldKidCount} ok with the old key, ${counts.byKid.get(rotatedKid) ?? 0} with the new; ` +
      `${tokens.fetches} tokens fetched (TTL ${TTL} s); ${timeline.join('; ')}; ` +
      `API JWKS fetches: ${jwksFetches.join(', ')}`)
  }
})
