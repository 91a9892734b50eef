// The registration limits and lifetime (DESIGN.md, "MCP servers and other
// self-registering apps"): at most 10 registrations per client address per
// hour (IPv6 by /64), at most 1,000 registered clients never used; beyond
// either, 429 with Retry-After and nothing created; refused registrations
// count toward neither. A never-used registration is deleted 24 hours after
// it was made, a used one 30 days after its last token. The clock is injected.
import t, { type Test } from 'tap'
import { harness } from '../fixtures/harness.js'
import { register, REGISTRATION } from './fixtures/register.js'
import { mintCode } from './fixtures/codes.js'
import { postToken } from './fixtures/request.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const LOOPBACK = 'http://127.0.0.1/callback'
const ok = { redirect_uris: [LOOPBACK] }

async function opened(t: Test) {
  let now = Date.parse('2030-01-01T00:00:00Z')
  const h = await harness({ config: REGISTRATION, clock: () => now })
  t.teardown(() => h.close())
  return { h, advance: (ms: number) => { now += ms } }
}

t.test('at most 10 registrations per address per hour: the 11th is 429 with Retry-After, nothing created', async (t) => {
  const { h, advance } = await opened(t)
  for (let i = 0; i < 10; i++) {
    t.equal((await register(h.app, ok, '192.0.2.1')).statusCode, 201, `registration ${i + 1}`)
    advance(60_000)
  }
  const res = await register(h.app, ok, '192.0.2.1')
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], String(HOUR / 1000 - 600), 'until the first of the ten is an hour old')
  t.equal(res.json().error, 'temporarily_unavailable')
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal((await h.admin.clients.list()).length, 10, 'nothing created')
  t.equal((await register(h.app, ok, '192.0.2.2')).statusCode, 201, 'another address is counted apart')
  t.equal((await register(h.app, ok, '::ffff:192.0.2.1')).statusCode, 429, 'the same IPv4 address written IPv4-mapped')
  advance(HOUR - 600_000)
  t.equal((await register(h.app, ok, '192.0.2.1')).statusCode, 201, 'an hour after the first, one more')
})

t.test('IPv6 addresses count by their /64', async (t) => {
  const { h } = await opened(t)
  for (let i = 0; i < 10; i++) t.equal((await register(h.app, ok, `2001:db8:1:2::${i + 1}`)).statusCode, 201)
  t.equal((await register(h.app, ok, '2001:db8:1:2:ffff:ffff:ffff:ffff')).statusCode, 429, 'same /64, another interface id')
  t.equal((await register(h.app, ok, '2001:0db8:0001:0002:0:0:0:abcd')).statusCode, 429, 'same /64 written in full')
  t.equal((await register(h.app, ok, '2001:db8:1:3::1')).statusCode, 201, 'the next /64 is counted apart')
})

t.test('refused registrations count toward neither limit', async (t) => {
  const { h } = await opened(t)
  for (let i = 0; i < 20; i++) t.equal((await register(h.app, { redirect_uris: ['javascript:alert(1)'] }, '192.0.2.9')).statusCode, 400)
  for (let i = 0; i < 10; i++) t.equal((await register(h.app, ok, '192.0.2.9')).statusCode, 201, `valid registration ${i + 1} after 20 refused`)
  t.equal((await register(h.app, ok, '192.0.2.9')).statusCode, 429)
  t.equal((await register(h.app, ok, '192.0.2.9')).statusCode, 429, 'a 429 does not push the window')
})

t.test('at most 1,000 registered clients never used: beyond, 429 until one is used or the oldest is a day old', async (t) => {
  const { h, advance } = await opened(t)
  const ids: string[] = []
  for (let i = 0; i < 1000; i++) {
    const res = await register(h.app, ok, `10.9.${i >> 8}.${i & 255}`)
    if (res.statusCode !== 201) t.fail(`registration ${i + 1}: ${res.statusCode}`)
    ids.push(res.json().client_id)
  }
  advance(HOUR)
  const full = await register(h.app, ok, '198.51.100.1')
  t.equal(full.statusCode, 429)
  t.equal(full.headers['retry-after'], String((DAY - HOUR) / 1000), 'until the oldest is 24 hours old')
  t.equal((await h.admin.clients.list()).length, 1000, 'nothing created')

  // A code issued (and a token) makes a client used: it no longer counts.
  const user = await h.createUser({ username: 'john', password: 'correct horse', scopes: ['tools:read'] })
  const { code, verifier } = await mintCode(h, { clientId: ids[0]!, userId: user.id, scopes: ['tools:read'], audience: 'https://mcp.example/mcp', redirectUri: LOOPBACK })
  const token = await postToken(h.app, { grant_type: 'authorization_code', client_id: ids[0]!, code, code_verifier: verifier, redirect_uri: LOOPBACK })
  t.equal(token.statusCode, 200)
  t.equal((await register(h.app, ok, '198.51.100.1')).statusCode, 201, 'room for one more')
  t.equal((await register(h.app, ok, '198.51.100.2')).statusCode, 429)
  advance(DAY - HOUR)
  t.equal((await register(h.app, ok, '198.51.100.3')).statusCode, 201, 'a day after the first, they no longer count')
})

t.test('a never-used registration is deleted 24 hours after it was made, by the background pruning', async (t) => {
  const { h, advance } = await opened(t)
  const { client_id: id } = (await register(h.app, ok)).json()
  const created = await h.createClient({ name: 'made by the operator' })
  advance(DAY - 1)
  await h.core.prune()
  t.ok(await h.core.findClient(id), 'still there a moment before')
  advance(1)
  await h.core.prune()
  t.equal(await h.core.findClient(id), null, 'deleted at 24 hours')
  t.ok(await h.core.findClient(created.id), 'a client the operator created is never pruned')
})

t.test('a used registration is deleted 30 days after its last token, with its refresh tokens; each token moves that day', async (t) => {
  const { h, advance } = await opened(t)
  const { client_id: id } = (await register(h.app, { ...ok, grant_types: ['authorization_code', 'refresh_token'] })).json()
  const user = await h.createUser({ username: 'john', password: 'correct horse', scopes: ['tools:read'] })
  const { code, verifier } = await mintCode(h, { clientId: id, userId: user.id, scopes: ['tools:read'], audience: 'https://mcp.example/mcp', redirectUri: LOOPBACK })
  const first = (await postToken(h.app, { grant_type: 'authorization_code', client_id: id, code, code_verifier: verifier, redirect_uri: LOOPBACK })).json()
  t.ok(first.refresh_token)
  t.ok((await h.admin.clients.show(id)).lastUsedAt, 'the token recorded a use')

  advance(10 * DAY)
  const refreshed = await postToken(h.app, { grant_type: 'refresh_token', client_id: id, refresh_token: first.refresh_token })
  t.equal(refreshed.statusCode, 200)
  advance(30 * DAY - 1)
  await h.core.prune()
  t.ok(await h.core.findClient(id), '30 days after the first token but not the last: kept')
  advance(1)
  await h.core.prune()
  t.equal(await h.core.findClient(id), null, 'deleted 30 days after its last token')
  const again = await postToken(h.app, { grant_type: 'refresh_token', client_id: id, refresh_token: refreshed.json().refresh_token })
  t.equal(again.statusCode, 401, 'its refresh token went with it: the client is unknown')
})
