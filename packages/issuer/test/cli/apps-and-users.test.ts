// The CLI for apps acting for people (DESIGN.md, "Apps acting for people"
// and the CLI section): public clients, redirect URIs, skip-consent; user
// names refused for invisible characters (security issue 8, item 9); and
// the commands that end what a user or client holds (sign-out,
// set-password, delete revoke sessions and refresh tokens).
import t from 'tap'
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.js'
import { openIssuer } from '../../src/core/open.js'
import { runInProcess, oneLine } from './fixtures/run.js'

const APP = ['--name', 'Restaurants app', '--public', '--grant', 'authorization_code', '--grant', 'refresh_token',
  '--scope', 'read write', '--audience', 'https://restaurants.example']

t.test('client create --public: no secret; public, redirect_uris and skip_consent in --json', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const made = await runInProcess(['client', 'create', '--db', db, '--json', ...APP, '--redirect-uri', 'http://127.0.0.1/callback',
    '--redirect-uri', 'com.example.app:/cb'])
  t.equal(made.code, 0, made.stderr)
  const c = JSON.parse(made.stdout)
  t.notOk('client_secret' in c, 'a public client has no secret')
  t.match(c, { client_id: /^tc_/, public: true, redirect_uris: ['http://127.0.0.1/callback', 'com.example.app:/cb'], skip_consent: false,
    grants: ['authorization_code', 'refresh_token'] })
  const shown = JSON.parse((await runInProcess(['client', 'show', c.client_id, '--db', db, '--json'])).stdout)
  t.match(shown, { public: true, redirect_uris: ['http://127.0.0.1/callback', 'com.example.app:/cb'], skip_consent: false })
  const listed = JSON.parse((await runInProcess(['client', 'list', '--db', db, '--json'])).stdout).clients[0]
  t.match(listed, { public: true, redirect_uris: ['http://127.0.0.1/callback', 'com.example.app:/cb'], skip_consent: false })
  const text = await runInProcess(['client', 'create', '--db', db, ...APP, '--redirect-uri', 'https://app.example/cb'])
  t.match(text.stdout, /public client: no secret/)
  t.notMatch(text.stdout, /client_secret:/)

  const updated = await runInProcess(['client', 'update', c.client_id, '--db', db, '--json', '--redirect-uri', 'https://app.example/cb', '--skip-consent', 'false'])
  t.equal(updated.code, 0, updated.stderr)
  t.match(JSON.parse(updated.stdout), { redirect_uris: ['https://app.example/cb'], skip_consent: false }, 'the given list replaces the old one')
  const rotate = await runInProcess(['client', 'rotate-secret', c.client_id, '--db', db])
  t.equal(rotate.code, 2)
  t.ok(oneLine(rotate.stderr) && /public: it has no secret/.test(rotate.stderr), rotate.stderr)
})

t.test('--skip-consent is for confidential clients only: refused with --public at create and update, one line (RFC 8252 §8.6)', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const refused = await runInProcess(['client', 'create', '--db', db, ...APP, '--redirect-uri', 'http://127.0.0.1/callback', '--skip-consent'])
  t.equal(refused.code, 2)
  t.ok(oneLine(refused.stderr), 'one line')
  t.match(refused.stderr, /--skip-consent is for confidential clients only.*RFC 8252 §8\.6/)
  t.notOk(existsSync(db), 'nothing was written')
  const c = JSON.parse((await runInProcess(['client', 'create', '--db', db, '--json', ...APP, '--redirect-uri', 'http://127.0.0.1/callback'])).stdout)
  const update = await runInProcess(['client', 'update', c.client_id, '--db', db, '--skip-consent', 'true'])
  t.equal(update.code, 2)
  t.ok(oneLine(update.stderr), 'one line')
  t.match(update.stderr, /--skip-consent is for confidential clients only/)
})

t.test('a public client a database holds as --skip-consent: client list warns (one line on stderr) and shows it as not skipping', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const c = JSON.parse((await runInProcess(['client', 'create', '--db', db, '--json', ...APP, '--redirect-uri', 'http://127.0.0.1/callback'])).stdout)
  const raw = new Database(db)
  raw.prepare('UPDATE clients SET skip_consent = 1 WHERE id = ?').run(c.client_id)
  raw.close()
  const listed = await runInProcess(['client', 'list', '--db', db, '--json'])
  t.equal(listed.code, 0)
  t.ok(oneLine(listed.stderr), 'one warning line')
  t.match(listed.stderr, new RegExp(`warning: client ${c.client_id} is public but stored with --skip-consent: it is asked for consent anyway`))
  t.equal(JSON.parse(listed.stdout).clients[0].skip_consent, false, 'shown as it is treated: not skipping')
})

t.test('client update --grant without authorization_code keeps the redirect URIs (DESIGN.md "Issuer CLI")', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const c = JSON.parse((await runInProcess(['client', 'create', '--db', db, '--json', '--name', 'both', '--grant', 'authorization_code',
    '--redirect-uri', 'https://app.example/cb', '--scope', 'read', '--audience', 'https://a.example'])).stdout)
  const updated = await runInProcess(['client', 'update', c.client_id, '--db', db, '--json', '--grant', 'client_credentials'])
  t.equal(updated.code, 0, updated.stderr)
  t.match(JSON.parse(updated.stdout), { grants: ['client_credentials'], redirect_uris: ['https://app.example/cb'] }, 'kept, unused until the grant is given back')
  const stray = await runInProcess(['client', 'update', c.client_id, '--db', db, '--grant', 'client_credentials', '--redirect-uri', 'https://b.example/cb'])
  t.equal(stray.code, 2, 'a --redirect-uri given with no authorization_code grant is still refused')
  t.match(stray.stderr, /--redirect-uri is for clients with the authorization_code grant/)
})

t.test('a refused redirect URI, or a refused combination, is one line, exit 2, and nothing is written', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const bad: Array<[string[], RegExp]> = [
    [['--redirect-uri', 'http://app.example/cb'], /http is allowed only for a loopback host/],
    [['--redirect-uri', 'https://app.example/cb#frag'], /fragment/],
    [['--redirect-uri', '/relative'], /absolute URI/],
    [['--redirect-uri', 'myapp:/cb'], /private-use scheme containing a "\."/],
    [['--redirect-uri', 'javascript:alert(1)'], /private-use scheme/],
    [[], /needs at least one --redirect-uri/],
  ]
  for (const [extra, message] of bad) {
    const r = await runInProcess(['client', 'create', '--db', db, ...APP, ...extra])
    t.equal(r.code, 2, extra.join(' '))
    t.ok(oneLine(r.stderr), 'one line')
    t.match(r.stderr, message)
  }
  const cc = await runInProcess(['client', 'create', '--db', db, '--name', 'x', '--public', '--grant', 'client_credentials', '--scope', 'read', '--audience', 'https://a.example'])
  t.equal(cc.code, 2)
  t.match(cc.stderr, /a public client may hold only the grants authorization_code and refresh_token/)
  const stray = await runInProcess(['client', 'create', '--db', db, '--name', 'x', '--grant', 'client_credentials', '--redirect-uri', 'https://a.example/cb', '--scope', 'read', '--audience', 'https://a.example'])
  t.equal(stray.code, 2)
  t.match(stray.stderr, /--redirect-uri is for clients with the authorization_code grant/)
  t.notOk(existsSync(db), 'nothing was written: not even the database file')
})

t.test('user create refuses control and invisible format characters (Cc, Cf, Zl, Zp) and names over 256 characters', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  for (const name of ['bob\u200b', '\u202ebob', 'bo\u0007b', 'bob\u2028', 'bob\u2029', 'bob\u00ad', 'x'.repeat(257)]) {
    const r = await runInProcess(['user', 'create', '--db', db, '--username', name, '--password-stdin'], { stdin: 'secret\n' })
    // The message names the code points: a raw U+2028 would break the TAP line it is printed on.
    const shown = [...name.slice(0, 6)].map((ch) => (ch.charCodeAt(0) < 0x7f && ch.charCodeAt(0) > 0x1f ? ch : `U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('')
    t.equal(r.code, 2, `${shown}${name.length > 6 ? '…' : ''} refused`)
    t.ok(oneLine(r.stderr), 'one line')
  }
  t.equal((await runInProcess(['user', 'create', '--db', db, '--username', 'x'.repeat(256), '--password-stdin'], { stdin: 'secret\n' })).code, 0, '256 is allowed')
  const ok = await runInProcess(['user', 'create', '--db', db, '--username', 'Bob', '--password-stdin', '--scope', 'read'], { stdin: 'secret\n' })
  t.equal(ok.code, 0, ok.stderr)
  const users = JSON.parse((await runInProcess(['user', 'list', '--db', db, '--json'])).stdout).users.map((u: { username: string }) => u.username)
  t.same(users.sort(), ['bob', 'x'.repeat(256)], 'no invisible twin of bob was made')
})

t.test('user sign-out, set-password and delete end sessions and revoke refresh tokens; client delete revokes the client\'s', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const client = JSON.parse((await runInProcess(['client', 'create', '--db', db, '--json', '--name', 'legacy', '--grant', 'password', '--grant', 'refresh_token',
    '--scope', 'read', '--audience', 'https://a.example'])).stdout)
  t.equal((await runInProcess(['user', 'create', '--db', db, '--username', 'john', '--scope', 'read', '--password-stdin'], { stdin: 'pw\n' })).code, 0)
  const config = loadConfig({}, { db })
  const core = await openIssuer(config)
  t.teardown(() => core.close())
  const c = await core.authenticateClient(client.client_id, client.client_secret)
  const user = (await core.checkUserPassword('john', 'pw'))
  if (!c || !user.ok) throw new Error('setup failed')
  const holdings = async () => {
    const refresh = await core.refreshTokens.issue(c, user.user.id, ['read'], 'https://a.example', null, null)
    const session = await core.signIn.startSession(user.user, Date.now())
    return { refresh, session: session.id }
  }
  const alive = async (h: { refresh: string; session: string }) => ({
    refresh: (await core.refreshTokens.check(h.refresh, c, null)).ok,
    session: (await core.signIn.session(h.session)) !== null,
  })

  let h = await holdings()
  t.same(await alive(h), { refresh: true, session: true })
  const out = await runInProcess(['user', 'sign-out', 'John', '--db', db, '--json'])
  t.equal(out.code, 0, out.stderr)
  t.same(JSON.parse(out.stdout), { username: 'john', signed_out: true })
  t.same(await alive(h), { refresh: false, session: false }, 'sign-out')
  t.equal((await runInProcess(['user', 'sign-out', 'nobody', '--db', db])).code, 1, 'an unknown user: exit 1')

  h = await holdings()
  t.equal((await runInProcess(['user', 'set-password', 'john', '--db', db, '--password-stdin'], { stdin: 'new\n' })).code, 0)
  t.same(await alive(h), { refresh: false, session: false }, 'set-password')

  const again = await core.checkUserPassword('john', 'new')
  if (!again.ok) throw new Error('new password refused')
  const refresh = await core.refreshTokens.issue(c, again.user.id, ['read'], 'https://a.example', null, null)
  t.equal((await runInProcess(['client', 'delete', client.client_id, '--db', db])).code, 0)
  t.equal((await core.refreshTokens.check(refresh, c, null)).ok, false, 'client delete')

  h = await holdings().catch(() => null) ?? { refresh: '', session: '' }
  t.equal((await runInProcess(['user', 'delete', 'john', '--db', db])).code, 0)
  t.equal(await core.signIn.session(h.session).catch(() => null), null, 'user delete')
})
