// Single use across processes (DESIGN.md: spending is atomic in the store;
// security issue 8, item 1: the lock's bound holds on several processes).
// Two `tessera-issuer serve` processes on one SQLite file, hit at once:
// a refresh token used 10 times concurrently yields one successor, a
// replay on the other process revokes the family, a code redeemed on both
// at once succeeds once, and parallel wrong passwords spread over both
// processes get at most 10 passwords checked.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { openIssuer } from '../../src/core/open.js'
import { execFile } from 'node:child_process'
import { BIN, cleanEnv, cli, startServer, stop } from '../fixtures/process.js'

/** A JSON answer, read loosely (fetch types it unknown). */
type Json = Record<string, any>

const dir = mkdtempSync(join(tmpdir(), 'tessera-single-use-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const db = join(dir, 'tessera.db')
const env = { TESSERA_REFRESH_REUSE_GRACE: '1' }
const a = await startServer(db, env)
const b = await startServer(db, env)
t.teardown(async () => { await Promise.all([stop(a), stop(b)]) })
const servers = [a.url, b.url]

const client = await cli(db, ['client', 'create', '--name', 'app', '--grant', 'password', '--grant', 'refresh_token', '--scope', 'read', '--audience', 'https://api.example'])
const app = await cli(db, ['client', 'create', '--name', 'mobile', '--public', '--grant', 'authorization_code', '--grant', 'refresh_token',
  '--redirect-uri', 'http://127.0.0.1/cb', '--scope', 'read', '--audience', 'https://api.example'])
await new Promise<void>((resolve, reject) => {
  const child = execFile(process.execPath, [BIN, 'user', 'create', '--username', 'alice', '--scope', 'read', '--password-stdin', '--db', db],
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an ExecFileException is an Error (an Omit<> type the rule cannot see through)
    { env: cleanEnv() }, (err) => (err ? reject(err) : resolve()))
  child.stdin!.end('pw\n')
})

const form = (url: string, params: Record<string, string>) => fetch(`${url}/oauth2/token`, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params),
})
const refresh = (url: string, token: string) => form(url, { grant_type: 'refresh_token', refresh_token: token, client_id: client.client_id, client_secret: client.client_secret })
const password = (url: string, pw: string) => form(url, { grant_type: 'password', username: 'alice', password: pw, client_id: client.client_id, client_secret: client.client_secret })

t.test('10 concurrent refreshes of one token over two processes: one successor; a replay on the other process revokes the family', async (t) => {
  const login = await (await password(a.url, 'pw')).json() as Json
  t.ok(login.refresh_token, 'a refresh token from the password grant')
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => refresh(servers[i % 2]!, login.refresh_token)))
  const bodies = await Promise.all(answers.map((r) => r.json() as Promise<Json>))
  const successors = new Set(bodies.filter((x) => x.refresh_token).map((x) => x.refresh_token))
  t.equal(successors.size, 1, 'never two different successors')
  t.ok(answers.every((r) => r.status === 200), 'within the grace every concurrent use gets that successor')
  await new Promise((r) => setTimeout(r, 1200))
  const replay = await refresh(b.url, login.refresh_token)
  t.equal(replay.status, 400, 'the spent token after the grace: a replay')
  t.equal((await refresh(a.url, [...successors][0])).status, 400, 'the family is revoked on the other process too')
})

t.test('a code redeemed on both processes at once succeeds once', async (t) => {
  const core = await openIssuer(loadConfig({}, { db }))
  t.teardown(() => core.close())
  const user = await core.checkUserPassword('alice', 'pw')
  if (!user.ok) throw new Error('no user')
  for (let round = 0; round < 5; round++) {
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const code = await core.codes.issue({
      clientId: app.client_id, redirectUri: 'http://127.0.0.1/cb', redirectUriSent: 'http://127.0.0.1/cb', scopes: ['read'], scopeRequested: true, state: null,
      codeChallenge: challenge, audience: 'https://api.example', prompt: [], nonce: null, maxAge: null, loginHint: null,
    }, { userId: user.user.id, username: 'alice', scopes: ['read'], authTime: Date.now(), sid: 'sid-1' }, ['read'])
    const params = { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/cb', code_verifier: verifier, client_id: app.client_id }
    const statuses = (await Promise.all(servers.map((url) => form(url, params)))).map((r) => r.status).sort()
    t.same(statuses, [200, 400], `round ${round + 1}: exactly one redemption succeeds`)
  }
})

t.test('parallel wrong passwords spread over both processes: at most 10 checked, then locked everywhere', async (t) => {
  const attempts = await Promise.all(Array.from({ length: 40 }, (_, i) =>
    form(servers[i % 2]!, { grant_type: 'password', username: 'mallory', password: `guess-${i}`, client_id: client.client_id, client_secret: client.client_secret })))
  const statuses = attempts.map((r) => r.status)
  const checked = statuses.filter((s) => s === 400).length
  t.ok(checked <= 10, `${checked} passwords checked (at most 10)`)
  t.equal(statuses.filter((s) => s === 429).length, 40 - checked, 'the rest refused with 429')
  const after = await form(b.url, { grant_type: 'password', username: 'mallory', password: 'x', client_id: client.client_id, client_secret: client.client_secret })
  t.equal(after.status, 429, 'locked on both processes')
})
