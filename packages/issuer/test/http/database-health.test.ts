// Security issue 8, item 6: a database that cannot be used is a 503 with
// Retry-After (never a 500, never a crash), and /healthz says 503 while the
// database cannot be read and written, or its file was removed or
// replaced under the running server (DESIGN.md).
import { execFileSync } from 'node:child_process'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { harness, type Harness } from '../fixtures/harness.js'
import { postToken } from './fixtures/request.js'

/** chattr +i (immutable: not even root may write) on each path; undone at teardown. */
function immutable(t: Test, paths: string[]): void {
  for (const p of paths) execFileSync('chattr', ['+i', p])
  t.teardown(() => { for (const p of paths) { try { execFileSync('chattr', ['-i', p]) } catch { /* gone */ } } })
}

function canChattr(dir: string): boolean {
  const probe = join(dir, 'probe')
  writeFileSync(probe, '')
  try {
    execFileSync('chattr', ['+i', probe], { stdio: 'ignore' })
    execFileSync('chattr', ['-i', probe], { stdio: 'ignore' })
    return true
  } catch {
    return false
  } finally {
    rmSync(probe, { force: true })
  }
}

async function setup(t: Test): Promise<{ h: Harness; client: { id: string; secret: string }; password: () => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }> }> {
  const h = await harness()
  t.teardown(() => h.close())
  const client = await h.createClient({ grants: ['client_credentials', 'password'] })
  await h.createUser({ username: 'alice', password: 'right', scopes: ['read'] })
  const password = async () => {
    const res = await postToken(h.app, { grant_type: 'password', username: 'alice', password: 'right', client_id: client.id, client_secret: client.secret })
    return { statusCode: res.statusCode, headers: res.headers, body: res.body }
  }
  t.equal((await password()).statusCode, 200, 'works before')
  t.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200)
  return { h, client, password }
}

const probeDir = t.testdir({})
const chattr = canChattr(probeDir)
const needsChattr = chattr ? {} : { skip: 'chattr +i is not available here (needs root on ext4 or similar)' }

t.test('the WAL made unwritable: the password grant answers 503 temporarily_unavailable with Retry-After, /healthz 503', needsChattr, async (t) => {
  const { h, password } = await setup(t)
  immutable(t, [h.config.dbPath + '-wal'])
  const res = await password()
  t.equal(res.statusCode, 503, 'even for the right password: the attempt cannot be counted')
  t.match(JSON.parse(res.body), { error: 'temporarily_unavailable' })
  t.ok(Number(res.headers['retry-after']) >= 1, 'Retry-After')
  t.equal(res.headers['cache-control'], 'no-store')
  const health = await h.app.inject({ url: '/healthz' })
  t.equal(health.statusCode, 503)
  t.match(health.json(), { status: 'unavailable' })
})

t.test('every database file immutable: 503s and a 503 /healthz, and the process lives on (no SIGBUS)', needsChattr, async (t) => {
  const { h, client, password } = await setup(t)
  immutable(t, [h.config.dbPath, h.config.dbPath + '-wal', h.config.dbPath + '-shm'])
  await new Promise((r) => setTimeout(r, 20))
  t.equal((await h.app.inject({ url: '/healthz' })).statusCode, 503)
  const cc = await postToken(h.app, { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret })
  t.equal(cc.statusCode, 503, 'client_credentials too (its client look-up reads the database)')
  t.equal((await password()).statusCode, 503)
  t.equal((await h.app.inject({ url: '/healthz' })).statusCode, 503, 'still answering')
})

t.test('the database file removed under the running server: /healthz 503', async (t) => {
  const { h } = await setup(t)
  renameSync(h.config.dbPath, h.config.dbPath + '.moved')
  t.teardown(() => renameSync(h.config.dbPath + '.moved', h.config.dbPath))
  const health = await h.app.inject({ url: '/healthz' })
  t.equal(health.statusCode, 503)
  t.equal(health.headers['cache-control'], 'no-store')
})

t.test('the database file replaced by another file: /healthz 503', async (t) => {
  const { h } = await setup(t)
  renameSync(h.config.dbPath, h.config.dbPath + '.moved')
  writeFileSync(h.config.dbPath, '')
  t.teardown(() => { rmSync(h.config.dbPath); renameSync(h.config.dbPath + '.moved', h.config.dbPath) })
  t.equal((await h.app.inject({ url: '/healthz' })).statusCode, 503)
})

t.test('metadata reads the database too: a 503 with Retry-After, not a 500, when it cannot', async (t) => {
  const { h } = await setup(t)
  renameSync(h.config.dbPath, h.config.dbPath + '.moved')
  t.teardown(() => renameSync(h.config.dbPath + '.moved', h.config.dbPath))
  await h.core.close()
  const res = await h.app.inject({ url: '/.well-known/oauth-authorization-server' })
  t.equal(res.statusCode, 503)
  t.ok(Number(res.headers['retry-after']) >= 1)
  t.match(res.json(), { error: 'temporarily_unavailable' })
})
