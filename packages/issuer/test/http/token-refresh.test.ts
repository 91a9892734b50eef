// grant_type=refresh_token (RFC 6749 §6, RFC 9700 §4.14.2, DESIGN.md
// "Refresh tokens and revocation"): rotation on every use, the reuse grace
// answering the same successor, a replay revoking the family, idle and
// absolute expiry, and every check before anything is spent.
import t, { type Test } from 'tap'
import Database from 'better-sqlite3'
import { harness, type Harness } from '../fixtures/harness.js'
import { decodeJwt, postToken } from './fixtures/request.js'

const T0 = Date.parse('2030-01-01T00:00:00Z')
const IDLE = 3600
const MAX = 3 * 3600
const GRACE = 10

async function rig(t: Test, config: Record<string, number> = {}) {
  const clock = { now: T0 }
  const h = await harness({ clock: () => clock.now, config: { refreshIdleTtl: IDLE, refreshMaxTtl: MAX, refreshReuseGrace: GRACE, ...config } })
  t.teardown(() => h.close())
  const client = await h.createClient({ grants: ['password', 'refresh_token'], scopes: ['read', 'write'], audiences: ['https://api.example', 'https://other.example'] })
  const user = await h.createUser({ username: 'alice', password: 'pw', scopes: ['read', 'write'] })
  const auth = { client_id: client.id, client_secret: client.secret }
  const login = async (scope = 'read write') => {
    const res = await postToken(h.app, { grant_type: 'password', username: 'alice', password: 'pw', scope, ...auth })
    if (res.statusCode !== 200) throw new Error(res.body)
    return res.json<{ access_token: string; refresh_token: string; scope: string }>()
  }
  const refresh = (token: string, extra: Record<string, string> = {}) =>
    postToken(h.app, { grant_type: 'refresh_token', refresh_token: token, ...auth, ...extra })
  const advance = (seconds: number) => { clock.now += seconds * 1000 }
  return { h, client, user, auth, login, refresh, advance }
}
type Rig = Awaited<ReturnType<typeof rig>>

const ok = async (r: Rig, token: string, extra: Record<string, string> = {}) => {
  const res = await r.refresh(token, extra)
  if (res.statusCode !== 200) throw new Error(`refresh failed: ${res.body}`)
  return res.json<{ access_token: string; refresh_token: string; scope: string; expires_in: number }>()
}

t.test('the password grant gives a refresh token when the client holds the refresh_token grant; rotation answers a new one', async (t) => {
  const r = await rig(t)
  const first = await r.login()
  t.match(first.refresh_token, /^tr_[A-Za-z0-9_-]{43}$/, 'tr_ and 256 bits')
  const next = await ok(r, first.refresh_token)
  t.not(next.refresh_token, first.refresh_token, 'rotated')
  t.match(decodeJwt(next.access_token).claims, { sub: r.user.id, client_id: r.client.id, scope: 'read write', aud: 'https://api.example' })
  t.notOk('auth_time' in decodeJwt(next.access_token).claims, 'no auth_time for a family that did not start at a sign-in')
  const plain = await r.h.createClient({ grants: ['password'] })
  const res = await postToken(r.h.app, { grant_type: 'password', username: 'alice', password: 'pw', client_id: plain.id, client_secret: plain.secret })
  t.notOk('refresh_token' in res.json(), 'no refresh token without the grant')
})

t.test('within the reuse grace, the spent token answers the very same successor (byte for byte) with a fresh access token', async (t) => {
  const r = await rig(t)
  const first = await r.login()
  const a = await ok(r, first.refresh_token)
  r.advance(GRACE)
  const b = await ok(r, first.refresh_token)
  t.equal(b.refresh_token, a.refresh_token, 'the same successor again')
  t.not(b.access_token, a.access_token, 'a fresh access token')
  t.ok((await ok(r, a.refresh_token)).refresh_token, 'and the successor works')
})

t.test('a spent token after the grace is a replay: the whole family is revoked, the newest token included', async (t) => {
  const r = await rig(t)
  const first = await r.login()
  const a = await ok(r, first.refresh_token)
  r.advance(GRACE + 1)
  const replay = await r.refresh(first.refresh_token)
  t.equal(replay.statusCode, 400)
  t.equal(replay.json().error, 'invalid_grant')
  t.equal((await r.refresh(a.refresh_token)).json().error, 'invalid_grant', 'the successor is revoked too')
})

t.test('a spent token whose successor was used is a replay, even within the grace', async (t) => {
  const r = await rig(t)
  const first = await r.login()
  const a = await ok(r, first.refresh_token)
  const b = await ok(r, a.refresh_token)
  t.equal((await r.refresh(first.refresh_token)).json().error, 'invalid_grant')
  t.equal((await r.refresh(b.refresh_token)).json().error, 'invalid_grant', 'the newest token of the family is revoked')
})

t.test('TESSERA_REFRESH_REUSE_GRACE=0: any second presentation is a replay', async (t) => {
  const r = await rig(t, { refreshReuseGrace: 0 })
  const first = await r.login()
  const a = await ok(r, first.refresh_token)
  t.equal((await r.refresh(first.refresh_token)).json().error, 'invalid_grant')
  t.equal((await r.refresh(a.refresh_token)).json().error, 'invalid_grant', 'family revoked')
})

t.test('10 concurrent uses of one token never yield two different usable successors', async (t) => {
  const r = await rig(t)
  const first = await r.login()
  const answers = await Promise.all(Array.from({ length: 10 }, () => r.refresh(first.refresh_token)))
  const successors = new Set(answers.filter((a) => a.statusCode === 200).map((a) => a.json().refresh_token as string))
  t.equal(successors.size, 1, 'one successor, however many answers carry it')
  t.ok(answers.every((a) => a.statusCode === 200), 'within the grace every retry gets it')
  t.ok((await ok(r, [...successors][0]!)).refresh_token)
})

t.test('scope: a subset narrows the access token and keeps the grant; a wider scope is invalid_scope and spends nothing', async (t) => {
  const r = await rig(t)
  const first = await r.login()
  const narrow = await ok(r, first.refresh_token, { scope: 'read' })
  t.equal(narrow.scope, 'read')
  t.equal((await ok(r, narrow.refresh_token)).scope, 'read write', 'the refresh token keeps the scopes first granted (RFC 6749 §6)')
  const other = await r.login('read')
  const wide = await r.refresh(other.refresh_token, { scope: 'read write' })
  t.equal(wide.json().error, 'invalid_scope')
  t.equal((await r.refresh(other.refresh_token)).statusCode, 200, 'the token was not spent by the refused request')
})

t.test('resource: one of the client\'s audiences, default the original one; another is invalid_target and spends nothing', async (t) => {
  const r = await rig(t)
  const first = await r.login()
  const moved = await ok(r, first.refresh_token, { resource: 'https://other.example' })
  t.equal(decodeJwt(moved.access_token).claims.aud, 'https://other.example')
  const again = await ok(r, moved.refresh_token)
  t.equal(decodeJwt(again.access_token).claims.aud, 'https://api.example', 'default: the audience of the first grant')
  const bad = await r.refresh(again.refresh_token, { resource: 'https://evil.example' })
  t.equal(bad.json().error, 'invalid_target')
  t.equal((await r.refresh(again.refresh_token)).statusCode, 200, 'not spent')
})

t.test('idle expiry: unused for TESSERA_REFRESH_IDLE_TTL it expires; absolute: never past TESSERA_REFRESH_MAX_TTL of the family', async (t) => {
  const r = await rig(t)
  const first = await r.login()
  r.advance(IDLE - 1)
  const kept = await ok(r, first.refresh_token)
  r.advance(IDLE)
  t.equal((await r.refresh(kept.refresh_token)).json().error, 'invalid_grant', 'idle for the whole idle lifetime')

  const family = await r.login()
  let token = family.refresh_token
  for (let used = 0; used < 5; used++) {
    r.advance(IDLE / 2)
    token = (await ok(r, token)).refresh_token
  }
  r.advance(MAX - 5 * (IDLE / 2) - 1)
  token = (await ok(r, token)).refresh_token
  r.advance(1)
  t.equal((await r.refresh(token)).json().error, 'invalid_grant', 'the family ends MAX_TTL after its first grant however often it was used')
})

t.test('the same client only; the client must still hold the grant; the user must still exist', async (t) => {
  const r = await rig(t)
  const first = await r.login()
  const thief = await r.h.createClient({ grants: ['password', 'refresh_token'], scopes: ['read', 'write'] })
  const stolen = await postToken(r.h.app, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: thief.id, client_secret: thief.secret })
  t.equal(stolen.json().error, 'invalid_grant', 'another client\'s token')
  t.equal((await r.refresh(first.refresh_token)).statusCode, 200, 'nothing changed for its owner')

  const second = await r.login()
  await r.h.admin.clients.update(r.client.id, { grants: ['password'] })
  t.equal((await r.refresh(second.refresh_token)).json().error, 'unauthorized_client')
  await r.h.admin.clients.update(r.client.id, { grants: ['password', 'refresh_token'] })
  t.equal((await r.refresh(second.refresh_token)).statusCode, 200, 'once the grant is back')

  const third = await r.login()
  await r.h.admin.users.delete('alice')
  t.equal((await r.refresh(third.refresh_token)).json().error, 'invalid_grant', 'a deleted user\'s tokens')
})

t.test('refresh_token is required; malformed and unknown tokens are invalid_grant', async (t) => {
  const r = await rig(t)
  t.equal((await postToken(r.h.app, { grant_type: 'refresh_token', ...r.auth })).json().error, 'invalid_request')
  t.equal((await r.refresh('tr_' + 'A'.repeat(43))).json().error, 'invalid_grant')
  t.equal((await r.refresh('garbage')).json().error, 'invalid_grant')
})

t.test('expired families and spent generations are pruned: a few thousand refreshes leave a bounded database', async (t) => {
  const r = await rig(t)
  let token = (await r.login()).refresh_token
  for (let i = 0; i < 2000; i++) token = (await ok(r, token)).refresh_token
  const count = (table: string) => rows(r.h, table)
  t.ok(count('refresh_tokens') <= 9, `${count('refresh_tokens')} token rows for a family refreshed 2,000 times (8 spent generations kept)`)
  for (let i = 0; i < 50; i++) await r.login()
  t.equal(count('refresh_families'), 50, 'at most 50 per user and client (DESIGN.md): the least recently used went')
  r.advance(IDLE + 1)
  await r.h.core.prune()
  t.equal(count('refresh_families'), 0, 'idle-expired families are deleted')
  t.equal(count('refresh_tokens'), 0)
})

function rows(h: Harness, table: string): number {
  // The store's own file, read directly: what the pruning left.
  const db = new Database(h.config.dbPath, { readonly: true })
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  } finally {
    db.close()
  }
}
