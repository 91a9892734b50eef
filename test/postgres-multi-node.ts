// Two `tessera-issuer serve` processes (the built CLI) on one PostgreSQL
// database, as two hosts behind a load balancer (one issuer identifier for
// both), started at the same moment on an empty database, with the admin
// CLI run against the same URL while they serve. DESIGN.md, "Storage":
// every process sees changes within 5 s, rotation is claimed once, codes
// and refresh tokens are spent atomically, the failure counter is shared.
import { createHash, randomBytes } from 'node:crypto'
import t from 'tap'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose'
import { loadConfig, openIssuer } from '@tessera/issuer'
import { postgresForFile } from '../scripts/postgres-cluster.mjs'
import { sleep, within } from '../scripts/wait.mjs'
import { AUDIENCE, cli, startIssuer, tokenRequest, type ClientCredentials, type Issuer } from './fixtures/harness.js'

const ISSUER = 'http://localhost:9400'

const cluster = await postgresForFile(t)
if (cluster) {
  const db = await cluster.createDatabase()
  // Both at once on the empty database: one creates the tables and claims the first key, the other waits its turn and finds them.
  const [a, b] = await Promise.all([startIssuer(t, db, { TESSERA_ISSUER: ISSUER }), startIssuer(t, db, { TESSERA_ISSUER: ISSUER })]) as [Issuer, Issuer]
  const servers = [a, b]
  const tokenUrl = (s: Issuer) => `${s.url}/oauth2/token`
  const jwks = async (s: Issuer) => (await fetch(`${s.url}/.well-known/jwks.json`)).json() as Promise<JSONWebKeySet>
  const kids = async (s: Issuer) => (await jwks(s)).keys.map((k) => k.kid).sort()

  t.test('both processes came up on the empty database and publish one key set', async (t) => {
    t.same(await jwks(a), await jwks(b), 'identical JWKS')
    t.equal((await cli<{ keys: unknown[] }>(db, ['keys', 'list'])).keys.length, 1, 'one first key, claimed once')
  })

  t.test('a client created through the CLI works on both processes within 5 s', async (t) => {
    const client = await cli<ClientCredentials>(db, ['client', 'create', '--name', 'svc', '--grant', 'client_credentials', '--scope', 'read', '--audience', AUDIENCE])
    for (const [name, s] of [['A', a], ['B', b]] as const) {
      const ms = await within(5000, `client on ${name}`, async () => (await tokenRequest(tokenUrl(s), client, { grant_type: 'client_credentials' })).status === 200)
      t.pass(`${name} issues tokens to the new client after ${ms} ms`)
    }
    await cli(db, ['client', 'delete', client.client_id])
    for (const [name, s] of [['A', a], ['B', b]] as const) {
      const ms = await within(5000, `delete on ${name}`, async () => (await tokenRequest(tokenUrl(s), client, { grant_type: 'client_credentials' })).status === 401)
      t.pass(`${name} refuses the deleted client after ${ms} ms`)
    }
  })

  t.test('keys rotate --now is published by both, happens once, and no request fails under traffic across both', async (t) => {
    const client = await cli<ClientCredentials>(db, ['client', 'create', '--name', 'traffic', '--grant', 'client_credentials', '--scope', 'read', '--audience', AUDIENCE])
    await within(5000, 'client everywhere', async () =>
      (await Promise.all(servers.map((s) => tokenRequest(tokenUrl(s), client, { grant_type: 'client_credentials' })))).every((r) => r.status === 200))
    const before = (await cli<{ keys: Array<{ kid: string }> }>(db, ['keys', 'list'])).keys.length
    const counts = { ok: 0, failed: [] as string[] }
    const tokens: Array<{ token: string; from: Issuer }> = []
    let stop = false
    const worker = async (s: Issuer) => {
      while (!stop) {
        const r = await tokenRequest(tokenUrl(s), client, { grant_type: 'client_credentials' }).catch((err: Error) => ({ status: 0, body: { error: err.message } }))
        if (r.status === 200) { counts.ok++; tokens.push({ token: (r.body as { access_token: string }).access_token, from: s }) } else counts.failed.push(`${r.status} ${JSON.stringify(r.body)}`)
        await sleep(5)
      }
    }
    const workers = [a, b, a, b].map(worker)
    let rotated = ''
    try {
      await sleep(500)
      rotated = (await cli<{ kid: string }>(db, ['keys', 'rotate', '--now'])).kid
      const ms = await within(8000, 'both sign with the new key', async () =>
        servers.every((s) => tokens.some((x) => x.from === s && decodeProtectedHeader(x.token).kid === rotated)))
      t.pass(`both sign with the new key ${ms} ms after rotate --now`)
      await sleep(500)
    } finally {
      stop = true
      await Promise.all(workers)
    }
    t.same(counts.failed, [], `no failed request (${counts.ok} tokens issued across both during the rotation)`)
    t.equal((await cli<{ keys: unknown[] }>(db, ['keys', 'list'])).keys.length, before + 1, 'the rotation happened once')
    t.same(await kids(a), await kids(b), 'identical JWKS on both')
    t.ok((await kids(a)).includes(rotated), 'the new key is published')
    const sets = new Map(await Promise.all(servers.map(async (s) => [s, createLocalJWKSet(await jwks(s))] as const)))
    const sample = tokens.filter((x) => decodeProtectedHeader(x.token).kid === rotated).slice(-10)
    for (const { token, from } of sample) {
      const other = servers.find((s) => s !== from)!
      await t.resolves(jwtVerify(token, sets.get(other)!, { issuer: ISSUER, audience: AUDIENCE }), 'a token of one process verifies against the other\'s JWKS')
    }
  })

  t.test('a code redeemed on both processes at once succeeds exactly once (RFC 6749 §4.1.2)', async (t) => {
    const client = await cli<ClientCredentials>(db, ['client', 'create', '--name', 'app', '--grant', 'authorization_code', '--grant', 'refresh_token',
      '--redirect-uri', 'http://127.0.0.1/cb', '--scope', 'read', '--audience', AUDIENCE])
    const user = await cli<{ user_id: string }>(db, ['user', 'create', '--username', 'carol', '--scope', 'read', '--password-stdin'], 'carol-password-1\n')
    const core = await openIssuer(loadConfig({ TESSERA_DB: db, TESSERA_ISSUER: ISSUER }))
    t.teardown(() => core.close())
    // Known to both (a grant it lacks, not an unknown client) before the codes are redeemed.
    await within(5000, 'client everywhere', async () =>
      (await Promise.all(servers.map((s) => tokenRequest(tokenUrl(s), client, { grant_type: 'client_credentials' })))).every((r) => r.status === 400))
    for (let round = 0; round < 3; round++) {
      const verifier = randomBytes(32).toString('base64url')
      const code = await core.codes.issue({
        clientId: client.client_id, redirectUri: 'http://127.0.0.1/cb', redirectUriSent: 'http://127.0.0.1/cb', scopes: ['read'], state: null,
        codeChallenge: createHash('sha256').update(verifier).digest('base64url'), audience: AUDIENCE, scopeRequested: true, prompt: [], nonce: null, maxAge: null, loginHint: null,
      }, { userId: user.user_id, username: 'carol', scopes: ['read'], authTime: Date.now(), sid: 'multi-node' }, ['read'])
      const params = { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/cb', code_verifier: verifier }
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => tokenRequest(tokenUrl(servers[i % 2]!), client, params)))
      const ok = results.filter((r) => r.status === 200)
      t.equal(ok.length, 1, `round ${round}: exactly one redemption succeeds`)
      t.ok(results.every((r) => r.status === 200 || r.body.error === 'invalid_grant'), `round ${round}: the others are invalid_grant`)
      const refresh = await tokenRequest(tokenUrl(a), client, { grant_type: 'refresh_token', refresh_token: ok[0]!.body.refresh_token })
      t.equal(refresh.body.error, 'invalid_grant', `round ${round}: the replays revoked the refresh token the code granted`)
    }
  })

  t.test('a refresh token replayed on the other process revokes its family (RFC 9700 §4.14.2)', async (t) => {
    const client = await cli<ClientCredentials>(db, ['client', 'create', '--name', 'mobile', '--grant', 'password', '--grant', 'refresh_token',
      '--scope', 'read', '--audience', AUDIENCE])
    await cli(db, ['user', 'create', '--username', 'dave', '--scope', 'read', '--password-stdin'], 'dave-password-1\n')
    const password = { grant_type: 'password', username: 'dave', password: 'dave-password-1' }
    await within(5000, 'client on A', async () => (await tokenRequest(tokenUrl(a), client, password)).status === 200)
    const r0 = (await tokenRequest(tokenUrl(a), client, password)).body.refresh_token as string
    const r1 = (await tokenRequest(tokenUrl(a), client, { grant_type: 'refresh_token', refresh_token: r0 })).body.refresh_token as string
    const r2 = (await tokenRequest(tokenUrl(a), client, { grant_type: 'refresh_token', refresh_token: r1 })).body.refresh_token as string
    t.ok(r0 && r1 && r2, 'rotated twice on A')
    const replay = await tokenRequest(tokenUrl(b), client, { grant_type: 'refresh_token', refresh_token: r0 })
    t.equal(replay.body.error, 'invalid_grant', 'the spent token replayed on B is refused')
    const after = await tokenRequest(tokenUrl(a), client, { grant_type: 'refresh_token', refresh_token: r2 })
    t.equal(after.body.error, 'invalid_grant', 'and the whole family is revoked: the live token fails on A')
  })

  t.test('the failed-login lock is shared: parallel wrong passwords over both processes get at most 10 checked', async (t) => {
    const client = await cli<ClientCredentials>(db, ['client', 'create', '--name', 'legacy', '--grant', 'password', '--scope', 'read', '--audience', AUDIENCE])
    await cli(db, ['user', 'create', '--username', 'erin', '--scope', 'read', '--password-stdin'], 'erin-password-1\n')
    await within(5000, 'client everywhere', async () =>
      (await Promise.all(servers.map((s) => tokenRequest(tokenUrl(s), client, { grant_type: 'password', username: 'nobody', password: 'x' })))).every((r) => r.status === 400))
    const wrong = { grant_type: 'password', username: 'erin', password: 'wrong' }
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => tokenRequest(tokenUrl(servers[i % 2]!), client, wrong)))
    const checked = results.filter((r) => r.status === 400).length
    t.ok(checked <= 10, `${checked} passwords checked (at most 10)`)
    t.equal(results.filter((r) => r.status === 429).length, 40 - checked, 'every other attempt is refused as locked')
    for (const s of servers) {
      t.equal((await tokenRequest(tokenUrl(s), client, { ...wrong, password: 'erin-password-1' })).status, 429, 'locked on both, even with the right password')
    }
  })
}
