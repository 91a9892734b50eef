// What a new operator trips on (issue 17): a database location of an
// unsupported kind is refused, never taken as a file name, and its password
// never printed (DESIGN.md, "Storage: SQLite and PostgreSQL": a SQLite path
// or a postgres:// / postgresql:// URL); `keys list` needs no key
// encryption key; an unknown option names the nearest one; a client that
// can never get a token is warned about.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.js'
import { ConfigError } from '../../src/domain/errors.js'
import { openStore } from '../../src/store/open.js'
import { COMMON_OPTIONS, nearestOption } from '../../src/cli/args.js'
import { oneLine, runBinary, runInProcess } from './fixtures/run.js'

const CLIENT = ['--name', 'x', '--grant', 'client_credentials', '--scope', 'read', '--audience', 'https://api.example']
const FORMS = /a SQLite file path or a postgres:\/\/ or postgresql:\/\/ URL/

t.test('--db / TESSERA_DB of another scheme (a typo, mysql://) is refused in one line naming the forms: nothing created, no password shown', async (t) => {
  const dir = t.testdir({})
  for (const [what, args, env] of [
    ['--db postgress://', ['client', 'create', ...CLIENT, '--db', 'postgress://tessera:hunter2@db.internal/tessera'], {}],
    ['TESSERA_DB=mysql://', ['client', 'create', ...CLIENT], { TESSERA_DB: 'mysql://root:hunter2@localhost/tessera' }],
    ['--db postgres:/ (one slash)', ['user', 'list', '--db', 'postgres:/tessera:hunter2@db.internal/tessera'], {}],
    ['serve --db sqlite://', ['serve', '--port', '0', '--db', 'sqlite://tessera:hunter2@x/hunter2.db'], {}],
  ] as const) {
    // A real process in a working directory of its own: nothing may appear in it.
    const res = await runBinary([...args], { cwd: dir, env })
    t.equal(res.code, 1, `${what}: exit 1`)
    t.ok(oneLine(res.stderr), `${what}: one line: ${res.stderr}`)
    t.match(res.stderr, FORMS, `${what}: names the supported forms`)
    t.match(res.stderr, /is not a supported database/)
    t.notMatch(res.stderr, /hunter2@|:hunter2/, `${what}: no password`)
    t.equal(res.stdout, '')
  }
  t.match((await runBinary(['client', 'list', '--db', 'postgress://u:hunter2@h/db'], { cwd: dir })).stderr, 'postgress://u:***@h/db', 'the URL is shown with *** for its password')
  t.match((await runBinary(['client', 'list', '--db', 'postgres:/u:hunter2@h/db'], { cwd: dir })).stderr, 'postgres:/u:***@h/db', 'also where a slash is missing')
  t.same(readdirSync(dir), [], 'nothing created in the working directory')
})

t.test('db copy --to another scheme is refused before anything is read or written', async (t) => {
  const dir = t.testdir({})
  const db = join(dir, 'tessera.db')
  t.equal((await runInProcess(['client', 'create', '--db', db, ...CLIENT])).code, 0)
  const before = readdirSync(dir).sort()
  for (const to of ['mysql://root:hunter2@localhost/tessera', 'postgress://u:hunter2@db.internal/tessera']) {
    const res = await runBinary(['db', 'copy', '--db', db, '--to', to], { cwd: dir })
    t.equal(res.code, 2, `${to}: refused as a bad argument`)
    t.ok(oneLine(res.stderr), res.stderr)
    t.match(res.stderr, /db copy: --to .* is not a supported database/)
    t.match(res.stderr, FORMS)
    t.notMatch(res.stderr, /hunter2/, 'no password')
  }
  t.same(readdirSync(dir).sort(), before, 'no file named after the URL')
})

t.test('db backup to a URL is refused: a backup holds the private keys, and is a file', async (t) => {
  const dir = t.testdir({})
  const db = join(dir, 'tessera.db')
  t.equal((await runInProcess(['client', 'create', '--db', db, ...CLIENT])).code, 0)
  const before = readdirSync(dir).sort()
  for (const target of ['postgres://tessera:hunter2@db.internal/tessera', 'postgresql://tessera@db.internal/tessera?password=hunter2']) {
    const res = await runBinary(['db', 'backup', '--db', db, target], { cwd: dir })
    t.equal(res.code, 2, `${target}: refused`)
    t.ok(oneLine(res.stderr), res.stderr)
    t.match(res.stderr, /is a URL; PATH is the SQLite file to write/)
    t.notMatch(res.stderr, /hunter2/, 'no password, in the userinfo or the query')
  }
  t.same(readdirSync(dir).sort(), before, 'nothing written')
  const ok = await runInProcess(['db', 'backup', '--db', db, join(dir, 'backup.db')])
  t.equal(ok.code, 0, 'a path is still a backup target')
})

t.test('the store and the configuration refuse the same locations, once each (ConfigError)', async (t) => {
  t.throws(() => loadConfig({ TESSERA_DB: 'mysql://u:pw@h/db' }), ConfigError)
  t.throws(() => loadConfig({}, { db: 'postgress://u:pw@h/db' }), ConfigError)
  t.equal(loadConfig({ TESSERA_DB: 'postgresql://u:pw@h/db' }).dbPath, 'postgresql://u:pw@h/db', 'postgresql:// accepted')
  t.equal(loadConfig({ TESSERA_DB: 'data/tessera.db' }).dbPath, 'data/tessera.db', 'a relative path accepted')
  t.equal(loadConfig({ TESSERA_DB: 'C:/tessera/tessera.db' }).dbPath, 'C:/tessera/tessera.db', 'a drive letter is no scheme')
  const dir = t.testdir({})
  await t.rejects(openStore('mysql://u:pw@h/db'), ConfigError, 'openStore (the library) refuses too')
  await t.rejects(openStore(`ftp:/${dir}/x.db`), ConfigError)
  t.same(readdirSync(dir), [])
})

t.test('keys list and export-jwks on an encrypted database need no key encryption key (ids, states, times, public keys)', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const kek = randomBytes(32).toString('base64url')
  const created = await runInProcess(['keys', 'rotate', '--now', '--db', db, '--json'], { env: { TESSERA_KEY_ENCRYPTION_KEY: kek, TESSERA_SIGNING_ALG: 'ES256' } })
  t.equal(created.code, 0, created.stderr)
  // Beside an ES256 key, an RS256 key for ID tokens (DESIGN.md, "OpenID Connect"): both are public data.
  const rotated = JSON.parse(created.stdout) as { kid: string; id_token_key: { kid: string } }
  const kids = [rotated.kid, rotated.id_token_key.kid].sort()

  const list = await runInProcess(['keys', 'list', '--db', db, '--json'])
  t.equal(list.code, 0, list.stderr)
  t.equal(list.stderr, '')
  t.same(JSON.parse(list.stdout).keys.map((k: { kid: string }) => k.kid).sort(), kids)
  const jwks = await runInProcess(['keys', 'export-jwks', '--db', db])
  t.equal(jwks.code, 0, jwks.stderr)
  t.same(JSON.parse(jwks.stdout).keys.map((k: { kid: string }) => k.kid).sort(), kids)

  const wrong = await runInProcess(['keys', 'list', '--db', db], { env: { TESSERA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') } })
  t.equal(wrong.code, 1, 'a wrong key that is given is still refused')
  t.ok(oneLine(wrong.stderr))
  const other = await runInProcess(['client', 'list', '--db', db])
  t.equal(other.code, 1, 'other commands still need the key (DESIGN.md: any command on an encrypted database)')
})

t.test('an unknown option names the nearest one, when one is near', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const grants = await runInProcess(['client', 'create', '--db', db, '--name', 'x', '--grants', 'client_credentials', '--scope', 'read', '--audience', 'https://api.example'])
  t.equal(grants.code, 2)
  t.equal(grants.stderr, 'tessera-issuer: client create: unknown option --grants; did you mean --grant?\n')
  const workers = await runBinary(['serve', '--worker', '2'])
  t.match(workers.stderr, 'serve: unknown option --worker; did you mean --workers?')
  const spec = { ...COMMON_OPTIONS, audience: { type: 'string' }, 'redirect-uri': { type: 'string' }, now: { type: 'boolean' } } as const
  t.equal(nearestOption('--audiance', spec), '--audience')
  t.equal(nearestOption('--redirect-url', spec), '--redirect-uri')
  t.equal(nearestOption('--jsno', spec), '--json', 'two letters swapped count as one edit')
  t.equal(nearestOption('--colour', spec), undefined)
  const far = await runInProcess(['client', 'create', '--db', db, ...CLIENT, '--colour', 'red'])
  t.equal(far.stderr, 'tessera-issuer: client create: unknown option --colour\n', 'nothing near: no guess')
})

t.test('client create warns about a client whose grants can never get a token (refresh_token alone)', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const only = await runInProcess(['client', 'create', '--db', db, '--json', '--name', 'x', '--grant', 'refresh_token', '--scope', 'read', '--audience', 'https://api.example'])
  t.equal(only.code, 0, 'created all the same: the operator may add a grant later')
  t.match(only.stderr, /warning: this client can never get a token: a refresh token is issued only with a token of another grant/)
  const id = JSON.parse(only.stdout).client_id as string
  const fine = await runInProcess(['client', 'create', '--db', db, '--json', '--name', 'y', '--grant', 'client_credentials', '--grant', 'refresh_token',
    '--scope', 'read', '--audience', 'https://api.example'])
  t.notMatch(fine.stderr, /never get a token/, 'no warning beside another grant')
  const update = await runInProcess(['client', 'update', id, '--db', db, '--grant', 'refresh_token'])
  t.match(update.stderr, /never get a token/, 'client update --grant warns the same')
  const untouched = await runInProcess(['client', 'update', id, '--db', db, '--name', 'z'])
  t.notMatch(untouched.stderr, /never get a token/, 'an update that leaves the grants alone says nothing of them')
})
