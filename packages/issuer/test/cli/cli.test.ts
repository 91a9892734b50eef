// The `tessera-issuer` CLI: its commands run in this process (runInProcess,
// main() from src); the built dist/bin.js is spawned for real (runBinary, as
// users run it; the root `npm test` builds first) where the shipped
// executable itself is the point: a client created and listed, exit status 2
// on a bad argument, a password piped to stdin and a stdin that is no
// terminal, a key encryption key from its environment, and serve.
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { openIssuer } from '../../src/core/open.js'
import { loadConfig } from '../../src/config.js'
import { BIN, oneLine, runBinary, runInProcess } from './fixtures/run.js'

t.before(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npx tsc -b packages/issuer)`)
})

t.test('client create / list / show / update / rotate-secret / delete with --json; secrets shown once', async (t) => {
  const db = join(t.testdir({}), 'data', 'tessera.db')
  const created = await runBinary(['client', 'create', '--db', db, '--json', '--name', 'restaurant-service', '--grant', 'client_credentials',
    '--scope', 'read write', '--audience', 'https://api.example', '--audience', 'https://other.example', '--ttl', '600'])
  t.equal(created.code, 0, created.stderr)
  t.equal(created.stderr, `tessera-issuer: created a new database at ${db}\n`, 'the one line saying the database was made')
  const c = JSON.parse(created.stdout) as Record<string, unknown>
  t.match(c, { client_id: /^tc_/, client_secret: /^[A-Za-z0-9_-]{43}$/, name: 'restaurant-service', grants: ['client_credentials'],
    scopes: ['read', 'write'], audiences: ['https://api.example', 'https://other.example'], ttl: 600 })
  const secret = String(c.client_secret)
  const id = String(c.client_id)

  const list = await runBinary(['client', 'list', '--db', db, '--json'])
  t.equal(list.code, 0)
  const clients = (JSON.parse(list.stdout) as { clients: Array<Record<string, unknown>> }).clients
  t.same(clients.map((x) => x.client_id), [id])
  t.notOk(list.stdout.includes(secret), 'list never shows the secret')

  const show = await runInProcess(['client', 'show', id, '--db', db, '--json'])
  t.equal(show.code, 0)
  t.match(JSON.parse(show.stdout), { client_id: id, ttl: 600, created_at: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/ })
  t.notOk(show.stdout.includes(secret), 'show never shows the secret')
  t.notOk(show.stdout.includes('$sha256$'), 'nor its hash')

  const human = await runInProcess(['client', 'show', id, '--db', db])
  t.match(human.stdout, new RegExp(`client_id: +${id}`), 'readable without --json')

  const updated = await runInProcess(['client', 'update', id, '--db', db, '--json', '--scope', 'read', '--name', 'renamed'])
  t.equal(updated.code, 0, updated.stderr)
  t.match(JSON.parse(updated.stdout), { client_id: id, name: 'renamed', scopes: ['read'], audiences: ['https://api.example', 'https://other.example'] })

  const rotated = await runInProcess(['client', 'rotate-secret', id, '--grace', '60', '--db', db, '--json'])
  t.equal(rotated.code, 0, rotated.stderr)
  const r = JSON.parse(rotated.stdout) as Record<string, unknown>
  t.match(r, { client_id: id, client_secret: /^[A-Za-z0-9_-]{43}$/, previous_secret_expires_at: /Z$/ })
  t.not(r.client_secret, secret)

  // Both secrets work during the grace period: checked through the core the server uses.
  const core = await openIssuer(loadConfig({}, { db }))
  t.ok(await core.authenticateClient(id, String(r.client_secret)), 'the new secret works')
  t.ok(await core.authenticateClient(id, secret), 'the old one too, within --grace')
  await core.close()

  const deleted = await runInProcess(['client', 'delete', id, '--db', db, '--json'])
  t.equal(deleted.code, 0)
  t.same(JSON.parse((await runInProcess(['client', 'list', '--db', db, '--json'])).stdout), { clients: [] })
  const again = await runInProcess(['client', 'delete', id, '--db', db])
  t.equal(again.code, 1, 'deleting a missing client fails')
  t.ok(oneLine(again.stderr), 'with one line')
  t.match(again.stderr, /no client/)
})

t.test('a bad argument exits 2 with one line on stderr and changes nothing', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const base = ['client', 'create', '--db', db, '--name', 'x', '--grant', 'client_credentials', '--scope', 'read', '--audience', 'https://api.example']
  const seed = await runInProcess([...base, '--json'])
  t.equal(seed.code, 0)
  const id = (JSON.parse(seed.stdout) as { client_id: string }).client_id
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown flag', [...base, '--colour', 'red'], /unknown option --colour/],
    ['missing value', [...base, '--ttl'], /--ttl needs a value/],
    ['unknown command', ['client', 'frobnicate', '--db', db], /unknown command "frobnicate"/],
    ['unknown group', ['clients', 'list', '--db', db], /unknown command "clients"/],
    ['no command', [], /missing command/],
    ['bad scope', [...base.slice(0, -4), '--scope', 'read\\write', '--audience', 'https://api.example'], /bad scope/],
    ['bad audience', [...base.slice(0, -2), '--audience', 'not a uri'], /bad audience/],
    ['bad ttl', [...base, '--ttl', '1h'], /bad ttl/],
    ['bad grant', [...base, '--grant', 'implicit'], /bad grant "implicit"/],
    ['missing id', ['client', 'show', '--db', db], /missing ID/],
    ['extra argument', ['client', 'list', 'extra', '--db', db], /unexpected argument extra/],
    ['update with nothing', ['client', 'update', id, '--db', db], /nothing to update/],
    ['bad grace', ['client', 'rotate-secret', id, '--grace', 'soon', '--db', db], /bad grace/],
    ['keys retire without KID', ['keys', 'retire', '--db', db], /missing KID/],
  ]
  for (const [what, args, message] of cases) {
    const res = await runInProcess(args)
    t.equal(res.code, 2, `${what}: exit 2`)
    t.ok(oneLine(res.stderr), `${what}: one line on stderr`)
    t.match(res.stderr, message, what)
    t.equal(res.stdout, '', `${what}: nothing on stdout`)
  }
  const fresh = join(db, '..', 'never', 'tessera.db')
  const refused = await runBinary(['client', 'create', '--db', fresh, '--name', 'x', '--grant', 'client_credentials', '--scope', 'read', '--audience', 'nope'])
  t.equal(refused.code, 2)
  t.notOk(existsSync(fresh), 'a refused command does not even create the database')
  const after = JSON.parse((await runInProcess(['client', 'list', '--db', db, '--json'])).stdout) as { clients: Array<{ client_id: string; scopes: string[] }> }
  t.same(after.clients.map((c) => c.client_id), [id], 'nothing was created')
  const secretAfter = await runInProcess(['client', 'show', id, '--db', db, '--json'])
  t.equal(JSON.parse(secretAfter.stdout).previous_secret_expires_at, null, 'nothing was rotated')
})

t.test('--grant password warns on stderr (RFC 9700 §2.4), JSON stays clean on stdout', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const res = await runInProcess(['client', 'create', '--db', db, '--json', '--name', 'app', '--grant', 'password', '--scope', 'read', '--audience', 'https://api.example'])
  t.equal(res.code, 0)
  t.match(res.stderr, /warning: .*RFC 9700 §2\.4/)
  t.same(JSON.parse(res.stdout).grants, ['password'])
})

t.test('users: --password-stdin reads one line; no TTY and no --password-stdin fails clearly', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const created = await runBinary(['user', 'create', '--username', 'John', '--scope', 'read', '--password-stdin', '--db', db, '--json'], { stdin: 'abcd\nignored\n' })
  t.equal(created.code, 0, created.stderr)
  const user = JSON.parse(created.stdout) as Record<string, unknown>
  t.match(user, { user_id: /^tu_/, username: 'john', scopes: ['read'] })
  t.same(Object.keys(user).sort(), ['scopes', 'user_id', 'username'])

  const core = await openIssuer(loadConfig({}, { db }))
  t.equal((await core.checkUserPassword('john', 'abcd')).ok, true, 'the first line, without its newline, is the password')
  await core.close()

  const noTty = await runBinary(['user', 'create', '--username', 'mary', '--db', db])
  t.equal(noTty.code, 2)
  t.ok(oneLine(noTty.stderr))
  t.match(noTty.stderr, /--password-stdin/)

  const empty = await runInProcess(['user', 'set-password', 'john', '--password-stdin', '--db', db], { stdin: '\n' })
  t.equal(empty.code, 2, 'an empty password is refused')

  const set = await runInProcess(['user', 'set-password', 'JOHN', '--password-stdin', '--db', db, '--json'], { stdin: 'efgh' })
  t.equal(set.code, 0, set.stderr)
  const core2 = await openIssuer(loadConfig({}, { db }))
  t.equal((await core2.checkUserPassword('john', 'efgh')).ok, true, 'set-password took effect (a last line without newline counts)')
  await core2.close()

  const dup = await runInProcess(['user', 'create', '--username', 'JOHN', '--password-stdin', '--db', db], { stdin: 'x\n' })
  t.equal(dup.code, 1)
  t.match(dup.stderr, /already exists/)

  const list = await runInProcess(['user', 'list', '--db', db, '--json'])
  t.same((JSON.parse(list.stdout) as { users: Array<{ username: string }> }).users.map((u) => u.username), ['john'])
  t.notOk(list.stdout.includes('argon2'), 'no password hash in the output')
  t.equal((await runInProcess(['user', 'delete', 'john', '--db', db])).code, 0)
  t.same(JSON.parse((await runInProcess(['user', 'list', '--db', db, '--json'])).stdout), { users: [] })
})

t.test('keys list / rotate / retire / export-jwks', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  // RS256 first: one key signs access and ID tokens (DESIGN.md "OpenID Connect").
  const core = await openIssuer(loadConfig({ TESSERA_SIGNING_ALG: 'RS256' }, { db }))
  await core.close()
  const listed = JSON.parse((await runInProcess(['keys', 'list', '--db', db, '--json'])).stdout) as { keys: Array<Record<string, unknown>> }
  t.equal(listed.keys.length, 1)
  t.match(listed.keys[0], { kid: /^[A-Za-z0-9_-]{43}$/, alg: 'RS256', purpose: 'access', state: 'signing', created_at: /Z$/, activates_at: /Z$/, retired_at: null, unpublish_at: null })
  const oldKid = String(listed.keys[0]!.kid)

  const rotated = await runInProcess(['keys', 'rotate', '--db', db, '--json'], { env: { TESSERA_SIGNING_ALG: 'EdDSA' } })
  t.equal(rotated.code, 0, rotated.stderr)
  const r = JSON.parse(rotated.stdout) as { kid: string; alg: string; activates_at: string; id_token_key: { kid: string; alg: string; activates_at: string } }
  t.same(Object.keys(r).sort(), ['activates_at', 'alg', 'id_token_key', 'kid'])
  t.equal(r.alg, 'EdDSA', 'the algorithm comes from TESSERA_SIGNING_ALG')
  t.match(r.id_token_key, { alg: 'RS256', activates_at: r.activates_at }, 'beside EdDSA, an RS256 key for ID tokens, on the same schedule')
  t.ok(Date.parse(r.activates_at) - Date.now() > 300_000, 'pending for max-age + 60 s')

  const jwks = await runInProcess(['keys', 'export-jwks', '--db', db])
  const exported = JSON.parse(jwks.stdout) as { keys: Array<Record<string, unknown>> }
  t.same(exported.keys.map((k) => k.kid).sort(), [oldKid, r.kid, r.id_token_key.kid].sort(), 'the pending keys are published already')
  t.ok(exported.keys.every((k) => k.use === 'sig' && !('d' in k)), 'public members only')

  const now = await runInProcess(['keys', 'rotate', '--now', '--db', db, '--json'])
  const n = JSON.parse(now.stdout) as { kid: string }
  const retired = await runInProcess(['keys', 'retire', oldKid, '--now', '--db', db, '--json'])
  t.equal(retired.code, 0, retired.stderr)
  t.match(JSON.parse(retired.stdout), { kid: oldKid, state: 'expired' })
  const states = Object.fromEntries((JSON.parse((await runInProcess(['keys', 'list', '--db', db, '--json'])).stdout) as { keys: Array<{ kid: string; state: string }> }).keys.map((k) => [k.kid, k.state]))
  t.same(states, { [oldKid]: 'expired', [r.kid]: 'expired', [r.id_token_key.kid]: 'expired', [n.kid]: 'signing' },
    'the --now key signs (access and ID tokens: RS256); the pending ones it superseded never signed and left')
  const human = await runInProcess(['keys', 'list', '--db', db])
  t.match(human.stdout, new RegExp(`${n.kid} +RS256 +signing`), "readable without --json")
  const unknown = await runInProcess(['keys', 'retire', 'nope', '--db', db])
  t.equal(unknown.code, 1)
  t.ok(oneLine(unknown.stderr))
})

t.test('an encrypted database: commands need the right key encryption key, and say so in one line', async (t) => {
  const dir = t.testdir({})
  const db = join(dir, 'tessera.db')
  const kek = randomBytes(32).toString('base64url')
  const created = await runBinary(['keys', 'rotate', '--now', '--db', db, '--json'], { env: { TESSERA_KEY_ENCRYPTION_KEY: kek, TESSERA_SIGNING_ALG: 'ES256' } })
  t.equal(created.code, 0, created.stderr)
  for (const [what, env] of [
    ['missing', {}],
    ['wrong', { TESSERA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') }],
    ['malformed', { TESSERA_KEY_ENCRYPTION_KEY: 'abc' }],
  ] as const) {
    const res = await runInProcess(['client', 'list', '--db', db], { env })
    t.equal(res.code, 1, `${what} key: exit 1`)
    t.ok(oneLine(res.stderr), `${what} key: one line`)
  }
  const ok = await runInProcess(['keys', 'list', '--db', db, '--json'], { env: { TESSERA_KEY_ENCRYPTION_KEY: kek } })
  t.equal(ok.code, 0)
})

t.test('serve: a bad configuration exits 1 with one line; a bad flag exits 2', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const bad = await runBinary(['serve', '--db', db, '--issuer', 'http://issuer.example', '--port', '0'])
  t.equal(bad.code, 1)
  t.ok(oneLine(bad.stderr))
  t.match(bad.stderr, /--issuer may use http only for a loopback host/)
  const flag = await runBinary(['serve', '--db', db, '--key-encryption-key', 'abc'])
  t.equal(flag.code, 2, 'no command-line value for the key encryption key')
  t.match(flag.stderr, /unknown option --key-encryption-key/)
})
